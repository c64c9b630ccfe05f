import type { CoreDeps } from '../../../deps';
import { committeeGroup } from '../../../domain/chat-links';
import { enqueue, enqueueEdit, PRIORITY, type InlineKeyboard } from '../../../delivery/outbox';
import type { Locale, Translate } from '../../../i18n';
import type { Executor } from '../../../store/db';

export type RoutingDeps = Pick<CoreDeps, 'config' | 'users' | 'i18n'>;

/**
 * Where a question goes, as a report's card does: the committee group in its own language
 * (committeeGroup, the function reports use), or, when the community has linked no group, each staff member privately
 * in their own language. Issue 18's grid workers hook in here: when the building has a first
 * responder (src/features/grid's service), send to them first and fall back to these.
 */
export async function routeToStaff(
  deps: RoutingDeps,
  tx: Executor,
  now: number,
  to: { communityId: string; ref: string },
  say: (t: Translate, locale: Locale) => { text: string; keyboard?: InlineKeyboard },
): Promise<void> {
  const group = await committeeGroup(tx, to.communityId, deps.config.defaultLocale);
  if (group) {
    const { chatId, locale } = group;
    await enqueue(tx, now, { chatId, ...say(deps.i18n.translator(locale), locale), priority: PRIORITY.group, ref: to.ref });
    return;
  }
  for (const s of await deps.users.staffOf(to.communityId, tx)) {
    const locale = deps.users.localeOfUser(s);
    await enqueue(tx, now, {
      chatId: s.id,
      ...say(deps.i18n.translator(locale), locale),
      priority: PRIORITY.personal,
      ref: `${to.ref}:${s.id}`,
    });
  }
}

/**
 * Re-renders what routeToStaff sent under `ref`: the group's card in the group's language, or each
 * staff member's private copy in theirs. A copy not delivered yet is left alone (enqueueEdit).
 */
export async function editAtStaff(
  deps: RoutingDeps,
  tx: Executor,
  now: number,
  at: { communityId: string; ref: string },
  say: (t: Translate, locale: Locale) => { text: string; keyboard: InlineKeyboard },
): Promise<void> {
  const group = await committeeGroup(tx, at.communityId, deps.config.defaultLocale);
  if (group) {
    await enqueueEdit(tx, now, { ref: at.ref, ...say(deps.i18n.translator(group.locale), group.locale), priority: PRIORITY.group });
    return;
  }
  for (const s of await deps.users.staffOf(at.communityId, tx)) {
    const locale = deps.users.localeOfUser(s);
    await enqueueEdit(tx, now, { ref: `${at.ref}:${s.id}`, ...say(deps.i18n.translator(locale), locale), priority: PRIORITY.personal });
  }
}
