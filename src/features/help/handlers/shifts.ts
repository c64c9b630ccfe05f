import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { findShift } from '../../../domain/shifts';
import { isTeamMember } from '../../../domain/volunteers';
import { joinShiftButton, leaveShiftButton } from '../buttons';
import { shiftCardText, shiftKeyboard } from '../views/shifts';
import { clearButtons, type HelpParts } from './parts';

/** Patrol shift buttons: Join in the team group; "can't make it" in private re-posts the shift. */
export function registerShiftButtons(composer: Composer<BotContext>, { deps, s }: HelpParts): void {
  const { db } = deps;
  const G = s.text.groupLocale;

  onButton(composer, {
    codec: joinShiftButton,
    load: (b) => findShift(db, b.shift),
    may: (ctx, shift) => isTeamMember(db, ctx.from.id, shift.community_id, shift.team_id),
    notAllowed: 'help.not_member',
    run: async (ctx, shift) => {
      const now = deps.clock.now();
      const { result, after } = await s.shifts.join(now, shift, ctx.from.id);
      if (!after) return ctx.answerCbQuery(ctx.t(`help.join_${result}`), { show_alert: result === 'full' });
      await ctx.answerCbQuery(ctx.t('help.shift_joined'));
      await ctx
        .editMessageText(shiftCardText(s.text, after, G), {
          parse_mode: 'HTML',
          reply_markup: { inline_keyboard: shiftKeyboard(s.text, after, G) ?? [] },
        })
        .catch((err) => ctx.log.debug({ err }, 'shift card not edited'));
      await s.shifts.tellJoined(now, after, ctx.from.id);
    },
  });

  onButton(composer, {
    codec: leaveShiftButton,
    load: (b) => findShift(db, b.shift),
    run: async (ctx, shift) => {
      const now = deps.clock.now();
      if (!(await s.shifts.leave(now, shift, ctx.from.id))) return ctx.answerCbQuery(ctx.t('common.stale_button'));
      await ctx.answerCbQuery();
      await clearButtons(ctx);
      await s.shifts.repostAfterLeave(now, shift);
      await ctx.reply(ctx.t('help.shift_left', { id: shift.id }));
    },
  });
}
