import { PAGE_RUNGS } from '../../../domain/duty';
import { LADDER_RUNGS } from '../../../domain/grid';
import { HAND_UP_ANSWERS } from '../../../domain/handups';
import type { Translate } from '../../../i18n';

/**
 * The routing and escalation steps of a report's history (report_events rows with action
 * 'route', no status change) in the reader's language. The rows keep codes, written by
 * features/grid/services: `grid:<user>` and `unit:<unit>` (who got it first), `group:unacknowledged`
 * (the first responder's time ran out), `ladder:<ack|fix>:<rung>` (an escalation rung),
 * `page:<rung>:<round>` (an emergency page), `handup:<reminded|fixed|refused|pending>`.
 * Staff's views show them (/r, the dashboard); residents' /myreports leaves internal routing out.
 */

const LADDER: readonly string[] = LADDER_RUNGS;
const PAGES: readonly string[] = [...PAGE_RUNGS, 'nobody_on_duty'];
const HAND_UPS: readonly string[] = ['reminded', ...HAND_UP_ANSWERS];

/** Plain text (no HTML, nothing a person wrote); undefined for a code this version does not know. */
export function routeStepText(note: string | null, t: Translate): string | undefined {
  const [kind, a, b] = (note ?? '').split(':');
  if (kind === 'grid' || kind === 'unit') return t(`grid.route_first_${kind}`);
  if (kind === 'group' && a === 'unacknowledged') return t('grid.route_group_unacknowledged');
  if (kind === 'ladder' && (a === 'ack' || a === 'fix') && LADDER.includes(b)) return t(`grid.route_ladder_${b}`, { kind: a });
  if (kind === 'page' && PAGES.includes(a) && /^\d+$/.test(b ?? '')) return t(`grid.route_page_${a}`, { round: Number(b) + 1 });
  if (kind === 'handup' && HAND_UPS.includes(a)) return t(`grid.route_handup_${a}`);
  return undefined;
}
