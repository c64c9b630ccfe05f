import type { Refusal } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { canStaff } from '../../../domain/roles';
import type { Card } from '../views/events';

/** Pieces the notice and event handlers share. */

export const isStaffOf = (ctx: BotContext, communityId: string) => canStaff(ctx.role, ctx.profile, communityId);

/** "This button is no longer valid", as a passing note (not an alert). */
export const stale = (ctx: BotContext): Refusal => ({ text: ctx.t('common.stale_button'), alert: false });

export const replyCard = (ctx: BotContext, card: Card) =>
  ctx.reply(card.text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: card.keyboard } });

/** Redraws the pressed message; a message too old to edit (or unchanged) stays as it is. */
export const editCard = (ctx: BotContext, card: Card) =>
  ctx.editMessageText(card.text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: card.keyboard } }).catch(() => undefined);
