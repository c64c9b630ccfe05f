import { localName, type Communities, type Names } from '../../../community/config';
import type { Locale } from '../../../i18n';

/** A spot's label beside the buildings, so staff tell a place from a building at a glance. */
export const SPOT_MARK = '📍';

/** A unit's frontage in words (plain text: callers escape it): its buildings, then its spots. */
export function frontageText(
  communities: Communities,
  communityId: string,
  f: { buildings: readonly string[]; spots: readonly string[] },
  locale: Locale,
): string {
  // A place since removed from the config still shows, by its id.
  const named = (n: Names | undefined, id: string) => (n ? localName(n, locale) : id);
  return [
    ...f.buildings.map((b) => named(communities.building(communityId, b)?.name, b)),
    ...f.spots.map((s) => `${SPOT_MARK} ${named(communities.spot(communityId, s)?.name, s)}`),
  ].join(', ');
}
