import type { CoreDeps } from '../../../deps';
import { enqueue, PRIORITY, type InlineKeyboard, type OutgoingMessage } from '../../../delivery/outbox';
import { committeeGroup } from '../../../domain/chat-links';
import type { Locale, Params } from '../../../i18n';
import type { Executor } from '../../../store/db';
import type { HelpText } from '../views/text';

/** The help feature's notices through the outbox: to one person in their language, or to staff. */

export type Notices = ReturnType<typeof helpNotices>;

/** Params rendered per locale when names of types and teams differ by language. */
export type LocaleParams = Params | ((locale: Locale) => Params);

export interface Rendered {
  text: string;
  keyboard?: InlineKeyboard;
  /** Messages that follow this one in the same chat (e.g. the voice notes under a card), under their own ref. */
  follow?: { messages: Pick<OutgoingMessage, 'text' | 'voice'>[]; ref: string };
}

export function helpNotices(deps: Pick<CoreDeps, 'users'>, h: HelpText) {
  const { users } = deps;

  /** A private notice to one person, in their own language. */
  const notifyUser = async (
    tx: Executor,
    now: number,
    userId: number,
    key: string,
    params: LocaleParams = {},
    extra: { keyboard?: (locale: Locale) => InlineKeyboard; photo?: string } = {},
  ) => {
    const locale = await users.localeOf(userId, tx);
    await enqueue(tx, now, {
      chatId: userId,
      text: h.t(locale, key, typeof params === 'function' ? params(locale) : params),
      keyboard: extra.keyboard?.(locale),
      photo: extra.photo,
      priority: PRIORITY.personal,
    });
  };

  /** Every staff member of the community, privately. */
  const notifyStaff = async (tx: Executor, now: number, communityId: string, key: string, params: LocaleParams) => {
    for (const s of await users.staffOf(communityId, tx)) await notifyUser(tx, now, s.id, key, params);
  };

  /**
   * What needs staff's attention (a sign-up without a lead, an escalation, a request to approve):
   * the committee group when one is linked, else every staff member privately, each in their
   * language. `render` is told which, as a private copy may show more than the group may see.
   */
  const toStaff = async (
    tx: Executor,
    now: number,
    communityId: string,
    render: (locale: Locale, inGroup: boolean) => Rendered | Promise<Rendered>,
    ref?: string,
  ): Promise<void> => {
    const send = async (chatId: number, { follow, ...message }: Rendered, priority: number) => {
      await enqueue(tx, now, { chatId, ...message, priority, ref });
      if (follow) await enqueue(tx, now, ...follow.messages.map((m) => ({ chatId, ...m, priority, ref: follow.ref })));
    };
    const committee = await committeeGroup(tx, communityId, h.defaultLocale);
    if (committee !== undefined) {
      await send(committee.chatId, await render(committee.locale, true), PRIORITY.group);
      return;
    }
    for (const s of await users.staffOf(communityId, tx)) {
      const locale = await users.localeOf(s.id, tx);
      await send(s.id, await render(locale, false), PRIORITY.personal);
    }
  };

  return { notifyUser, notifyStaff, toStaff, localeOf: (userId: number, tx: Executor) => users.localeOf(userId, tx) };
}
