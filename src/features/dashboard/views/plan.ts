import type { Community, GeoPoint } from '../../../community/config';
import { publicId } from '../../../domain/hazards';
import type { ListedReport } from '../services/data';
import { buildingName, categoryName, esc, href, type PageContext } from './html';

/**
 * The community drawn from the configuration alone: buildings at their coordinates (those
 * without one in a row along the bottom), open reports at their shared location or at their
 * building. No map tiles, so it works where the committee cannot reach a tile server.
 */

const W = 480;
const H = 380;
const PAD = 72;
const BOX = { h: 36, minW: 64 };

export const STATUS_COLOURS = { overdue: '#d64545', new: '#f0a000', working: '#2f7dd1', fixed: '#3f9142' } as const;

export function reportColour(r: Pick<ListedReport, 'status' | 'overdue'>): string {
  if (r.overdue) return STATUS_COLOURS.overdue;
  if (r.status === 'new' || r.status === 'reopened') return STATUS_COLOURS.new;
  if (r.status === 'fixed' || r.status === 'closed') return STATUS_COLOURS.fixed;
  return STATUS_COLOURS.working;
}

type Xy = { x: number; y: number };

/** Metres east and south of the reference point: near enough flat for one community. */
function flat(p: GeoPoint, ref: GeoPoint): Xy {
  const x = (p.longitude - ref.longitude) * 111_320 * Math.cos((ref.latitude * Math.PI) / 180);
  return { x, y: -(p.latitude - ref.latitude) * 110_540 };
}

function fitter(points: Xy[]) {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  // One scale for both directions (a plan, not a stretched chart), as large as the frame allows.
  const scale = Math.min((W - 2 * PAD) / Math.max(maxX - minX, 60), (H - 2 * PAD - 50) / Math.max(maxY - minY, 60));
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  return (p: Xy): Xy => ({ x: W / 2 + (p.x - cx) * scale, y: (H - 50) / 2 + (p.y - cy) * scale });
}

/**
 * Building names without what they all share ("梅园新村1号楼" → "1号楼"), so they fit their
 * boxes; a bare number keeps the word before it ("Building 1").
 */
export function shortLabels(named: [id: string, name: string][]): Map<string, string> {
  const names = named.map(([, n]) => n);
  let prefix = names.length > 1 ? names[0] : '';
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return new Map(
    named.map(([id, name]) => {
      const rest = name.slice(prefix.length);
      const word = /(\S+\s+)$/.exec(prefix)?.[1] ?? '';
      return [id, rest === '' ? name : /^\d/.test(rest) && /[a-z]\s$/i.test(word) ? word + rest : rest];
    }),
  );
}

export function renderPlan(pc: PageContext, community: Community, reports: ListedReport[]): string {
  const ref = community.centre ?? community.buildings.find((b) => b.location)?.location ?? { latitude: 0, longitude: 0 };
  const located = community.buildings.filter((b) => b.location);
  const geo = [
    ref,
    ...located.map((b) => b.location!),
    ...reports.flatMap((r) => (r.latitude !== null && r.longitude !== null ? [{ latitude: r.latitude, longitude: r.longitude }] : [])),
  ];
  const place = fitter(geo.map((p) => flat(p, ref)));
  const at = new Map<string, Xy>(located.map((b) => [b.id, place(flat(b.location!, ref))]));
  const unplaced = community.buildings.filter((b) => !b.location);
  unplaced.forEach((b, i) => at.set(b.id, { x: PAD + (i + 0.5) * ((W - 2 * PAD) / unplaced.length), y: H - 30 }));

  const labels = shortLabels(community.buildings.map((b) => [b.id, buildingName(pc, community.id, b.id)]));
  const buildings = community.buildings
    .map((b) => {
      const p = at.get(b.id)!;
      const label = labels.get(b.id)!;
      const w = Math.max(
        BOX.minW,
        [...label].reduce((sum, ch) => sum + (ch.charCodeAt(0) > 0x2e80 ? 15 : 8.5), 16),
      );
      return `<g class="building"><rect x="${p.x - w / 2}" y="${p.y - BOX.h / 2}" width="${w}" height="${BOX.h}" rx="4" fill="#e8edf2" stroke="#8a9bab"/><text x="${p.x}" y="${p.y + 5}" text-anchor="middle" font-size="15" fill="#3e4c59">${esc(label)}</text><title>${esc(buildingName(pc, community.id, b.id))}</title></g>`;
    })
    .join('');

  // Reports at one spot fan out around it, so each stays visible and pressable.
  const seen = new Map<string, number>();
  const dots = reports
    .map((r) => {
      const base =
        r.latitude !== null && r.longitude !== null
          ? place(flat({ latitude: r.latitude, longitude: r.longitude }, ref))
          : (at.get(r.building_id ?? '') ?? place(flat(ref, ref)));
      const key = `${Math.round(base.x)},${Math.round(base.y)}`;
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      const angle = (n * 2 * Math.PI) / 8 - Math.PI / 2;
      const ring = n === 0 && r.latitude !== null ? 0 : 32 + 14 * Math.floor(n / 8);
      const p = { x: base.x + ring * Math.cos(angle), y: base.y + ring * Math.sin(angle) };
      const title = `${publicId(r.id)} · ${categoryName(pc, r.category)} · ${pc.t(`hazards.status_${r.status}`)}`;
      return `<a href="${esc(href(pc, `report/${r.id}`))}" class="dot" data-report="${publicId(r.id)}"><circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="11" fill="${reportColour(r)}" stroke="#fff" stroke-width="2"/><title>${esc(title)}</title></a>`;
    })
    .join('');

  const centre = place(flat(ref, ref));
  const unplacedNote = unplaced.length
    ? `<text x="${PAD}" y="${H - 56}" font-size="12" fill="#7b8794">${esc(pc.t('dashboard.plan_unplaced'))}</text>`
    : '';
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(pc.t('dashboard.nav_map'))}" class="plan"><rect width="${W}" height="${H}" fill="#f7f9fb" rx="8"/><circle cx="${centre.x}" cy="${centre.y}" r="4" fill="#8a9bab"/>${buildings}${unplacedNote}${dots}<text x="${W - 12}" y="20" text-anchor="end" font-size="15" fill="#7b8794">N ↑</text></svg>`;
}

export function planLegend(pc: PageContext): string {
  return `<div class="legend">${(Object.keys(STATUS_COLOURS) as (keyof typeof STATUS_COLOURS)[])
    .map((k) => `<span><i style="background:${STATUS_COLOURS[k]}"></i>${esc(pc.t(`dashboard.legend_${k}`))}</span>`)
    .join('')}</div>`;
}
