import type { CoreDeps } from '../../../deps';
import { localName } from '../../../community/config';
import { escapeHtml, type Locale, type Translate } from '../../../i18n';
import type { Executor } from '../../../store/db';
import { uploadSummaryFiles } from '../../summary/services/files';
import { renderPoster } from '../views/poster';

/**
 * Stairwell QR posters: one A4 PNG per building whose code is the building's deep link
 * (`/start c-<community>-b-<building>`, core/handlers/start.ts): a new resident who scans it is
 * onboarded with that building chosen, a registered one is moved there.
 */

export type PosterDeps = Pick<CoreDeps, 'communities' | 'i18n' | 'config' | 'botUsername'>;

export interface Poster {
  buildingId: string;
  filename: string;
  /** The building's name in the committee's language, for the caption. */
  building: string;
  link: string;
  png: Buffer;
}

/** The deep link a building's poster carries. */
export function buildingLink(botUsername: string, communityId: string, buildingId: string): string {
  return `https://t.me/${botUsername}?start=c-${communityId}-b-${buildingId}`;
}

function posterWords(t: Translate) {
  return {
    headline: t('workbench.poster_headline'),
    lines: [t('workbench.poster_line1'), t('workbench.poster_line2'), t('workbench.poster_line3')],
  };
}

/** Every building's poster of a community, in the committee's language (and English beneath). */
export function communityPosters(deps: PosterDeps, communityId: string): Poster[] {
  const community = deps.communities.community(communityId);
  if (!community) return [];
  const locale: Locale = deps.config.defaultLocale;
  const t = deps.i18n.translator(locale);
  const english = locale === 'en' ? undefined : posterWords(deps.i18n.translator('en'));
  return community.buildings.map((b) => {
    const link = buildingLink(deps.botUsername(), communityId, b.id);
    const building = localName(b.name, locale);
    const png = renderPoster({
      community: localName(community.name, locale),
      building: english ? `${building} · ${b.name.en}` : building,
      ...posterWords(t),
      english,
      scanHint: t('workbench.poster_scan'),
      link,
    });
    return { buildingId: b.id, filename: `poster-${communityId}-${b.id}.png`, building, link, png };
  });
}

/**
 * /posters: the posters queued as documents to the staff member's private chat. The outbox
 * carries JSON, so files wait in summary_files (the file queue the weekly summary uses, with
 * its claim and retries); they are uploaded at once, and the minute job retries what failed.
 */
export async function sendPosters(
  deps: PosterDeps & Pick<CoreDeps, 'db' | 'api' | 'log'>,
  now: number,
  to: { chatId: number; communityId: string },
): Promise<number> {
  const posters = communityPosters(deps, to.communityId);
  const t = deps.i18n.translator(deps.config.defaultLocale);
  await deps.db.transaction().execute((tx) => queuePosters(tx, now, to.chatId, posters, t));
  await uploadSummaryFiles(deps, now);
  return posters.length;
}

async function queuePosters(tx: Executor, now: number, chatId: number, posters: Poster[], t: Translate): Promise<void> {
  if (posters.length === 0) return;
  await tx
    .insertInto('summary_files')
    .values(
      posters.map((p) => ({
        chat_id: chatId,
        kind: 'document' as const,
        filename: p.filename,
        caption: t('workbench.poster_caption', { building: escapeHtml(p.building) }),
        bytes: p.png,
        after_ref: null,
        error: null,
        created_at: now,
        sent_at: null,
      })),
    )
    .execute();
}
