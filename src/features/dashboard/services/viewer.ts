import type { CoreDeps } from '../../../deps';
import { atLeast, effectiveRole } from '../../../domain/roles';
import { guessLocale, isLocale, type Locale } from '../../../i18n';
import type { Role } from '../../../store/schema';

/** The person behind a session, looked up afresh on each request: what they may see, in which language. */
export interface Viewer {
  userId: number;
  role: Role;
  locale: Locale;
  /** Staff see their own community; admins see all. Empty: no staff page at all. */
  allowed: string[];
}

export type ViewerDeps = Pick<CoreDeps, 'users' | 'config' | 'communities'>;

export async function viewerOf(deps: ViewerDeps, userId: number, languageCode?: string): Promise<Viewer> {
  const user = await deps.users.find(userId);
  const role = effectiveRole(user, deps.config.adminIds, userId);
  const locale = isLocale(user?.locale) ? user.locale : guessLocale(languageCode, deps.config.defaultLocale);
  let allowed: string[] = [];
  if (role === 'admin') allowed = deps.communities.all.map((c) => c.id);
  else if (atLeast(role, 'staff') && user?.community_id && deps.communities.community(user.community_id)) allowed = [user.community_id];
  return { userId, role, locale, allowed };
}
