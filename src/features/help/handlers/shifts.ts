import type { Composer } from 'telegraf';
import { onButton, type PressContext } from '../../../bot/buttons';
import { cardLocale } from '../../../bot/card-locale';
import type { BotContext } from '../../../bot/context';
import { HOUR } from '../../../clock';
import { canStaff } from '../../../domain/roles';
import { findShift, shiftMembers, type Shift } from '../../../domain/shifts';
import { isTeamLead, isTeamMember, leadsOf } from '../../../domain/volunteers';
import { attendanceConfirmButton, attendanceMarkButton, attendanceOwnButton, joinShiftButton, leaveShiftButton } from '../buttons';
import { ATTENDANCE_HOURS, type Pressed } from '../services/shifts';
import { attendanceClosedText, attendanceKeyboard, attendanceText, shiftCardText, shiftKeyboard } from '../views/shifts';
import { clearButtons, type HelpParts } from './parts';

/**
 * Patrol shift buttons: Join in the team group (or privately, when a place opened); "can't make
 * it" in private re-posts the shift; attendance: the lead's list, or a member's own answer.
 */

const pressedOf = (ctx: PressContext): Pressed | undefined => {
  const m = ctx.callbackQuery.message;
  return m ? { chatId: m.chat.id, messageId: m.message_id } : undefined;
};
const inPrivate = (ctx: PressContext) => ctx.chat?.type === 'private';
const closedAnswer = (ctx: PressContext, shift: Shift) =>
  ctx.answerCbQuery(ctx.t('shifts.attendance_closed', { id: shift.id }), { show_alert: true });

function onJoin(composer: Composer<BotContext>, { deps, s }: HelpParts) {
  onButton(composer, {
    codec: joinShiftButton,
    load: (b) => findShift(deps.db, b.shift),
    may: (ctx, shift) => isTeamMember(deps.db, ctx.from.id, shift.community_id, shift.team_id),
    notAllowed: 'help.not_member',
    run: async (ctx, shift) => {
      const now = deps.clock.now();
      const { result, after } = await s.shifts.join(now, shift, ctx.from.id);
      if (!after) return ctx.answerCbQuery(ctx.t(`help.join_${result}`), { show_alert: result === 'full' });
      await ctx.answerCbQuery(ctx.t('help.shift_joined'));
      // Pressed on the private "a place opened" note: the group's cards are edited through the outbox.
      const G = await cardLocale(ctx, deps);
      if (inPrivate(ctx)) await clearButtons(ctx);
      else
        await ctx
          .editMessageText(shiftCardText(s.text, after, G), {
            parse_mode: 'HTML',
            reply_markup: { inline_keyboard: shiftKeyboard(s.text, after, G) ?? [] },
          })
          .catch((err) => ctx.log.debug({ err }, 'shift card not edited'));
      await s.shifts.tellJoined(now, after, ctx.from.id, inPrivate(ctx) ? undefined : pressedOf(ctx));
    },
  });
}

function onLeave(composer: Composer<BotContext>, { deps, s }: HelpParts) {
  onButton(composer, {
    codec: leaveShiftButton,
    load: (b) => findShift(deps.db, b.shift),
    run: async (ctx, shift) => {
      const now = deps.clock.now();
      if (!(await s.shifts.leave(now, shift, ctx.from.id))) {
        const key = shift.starts_at <= now ? 'shifts.leave_started' : 'shifts.not_on_shift';
        return ctx.answerCbQuery(ctx.t(key, { id: shift.id }), { show_alert: true });
      }
      await ctx.answerCbQuery();
      await clearButtons(ctx);
      await ctx.reply(ctx.t('help.shift_left', { id: shift.id }));
    },
  });
}

/** The team's lead, or staff of its community: who confirms attendance. */
const mayConfirm =
  ({ deps }: HelpParts) =>
  async (ctx: PressContext, shift: Shift) =>
    (await isTeamLead(deps.db, ctx.from.id, shift.community_id, shift.team_id)) || canStaff(ctx.role, ctx.profile, shift.community_id);

function onAttendanceMark(composer: Composer<BotContext>, p: HelpParts) {
  const { deps, s } = p;
  onButton(composer, {
    codec: attendanceMarkButton,
    load: (b) => findShift(deps.db, b.shift),
    may: mayConfirm(p),
    notAllowed: 'shifts.not_lead',
    run: async (ctx, shift, b) => {
      const marked = await s.shifts.markByLead(shift, b.user);
      if (!marked) return closedAnswer(ctx, shift);
      const name = marked.member.first_name ?? ctx.t('shifts.someone');
      await ctx.answerCbQuery(ctx.t(marked.came ? 'shifts.marked_came' : 'shifts.marked_absent', { name }));
      const deadline = shift.ends_at + ATTENDANCE_HOURS * HOUR;
      return ctx
        .editMessageText(attendanceText(s.text, shift, marked.roster, deadline, ctx.locale), {
          parse_mode: 'HTML',
          reply_markup: { inline_keyboard: attendanceKeyboard(s.text, shift, marked.roster, ctx.locale) },
        })
        .catch((err) => ctx.log.debug({ err }, 'attendance list not edited'));
    },
  });
}

function onAttendanceConfirm(composer: Composer<BotContext>, p: HelpParts) {
  const { deps, s } = p;
  onButton(composer, {
    codec: attendanceConfirmButton,
    load: (b) => findShift(deps.db, b.shift),
    may: mayConfirm(p),
    notAllowed: 'shifts.not_lead',
    run: async (ctx, shift) => {
      const by = ctx.profile?.first_name ?? ctx.from.first_name;
      const closed = await s.shifts.confirmByLead(deps.clock.now(), shift, by, pressedOf(ctx)!);
      if (!closed) return closedAnswer(ctx, shift);
      await ctx.answerCbQuery(ctx.t('shifts.confirmed_toast', { came: closed.credited.length }));
      return ctx
        .editMessageText(attendanceClosedText(s.text, shift, closed.roster, ctx.locale, by), {
          parse_mode: 'HTML',
          reply_markup: { inline_keyboard: [] },
        })
        .catch((err) => ctx.log.debug({ err }, 'attendance list not edited'));
    },
  });
}

/** A member of a team without a lead: "I was there" or "I couldn't come". */
function onOwnAttendance(composer: Composer<BotContext>, { deps, s }: HelpParts) {
  onButton(composer, {
    codec: attendanceOwnButton,
    load: (b) => findShift(deps.db, b.shift),
    may: async (ctx, shift) =>
      (await shiftMembers(deps.db, shift.id)).includes(ctx.from.id) &&
      (await leadsOf(deps.db, shift.community_id, shift.team_id)).length === 0,
    notAllowed: 'shifts.not_on_shift',
    run: async (ctx, shift, b) => {
      const answered = await s.shifts.answerOwn(deps.clock.now(), shift, ctx.from.id, b.came === 1);
      if (!answered) return closedAnswer(ctx, shift);
      if (answered.already) return ctx.answerCbQuery(ctx.t('shifts.attendance_already', { id: shift.id }));
      await ctx.answerCbQuery(ctx.t(answered.came ? 'shifts.thanks_came' : 'shifts.thanks_absent'));
      return ctx
        .editMessageText(ctx.t(answered.came ? 'shifts.own_came' : 'shifts.own_absent', { id: shift.id }), {
          parse_mode: 'HTML',
          reply_markup: { inline_keyboard: [] },
        })
        .catch((err) => ctx.log.debug({ err }, 'attendance question not edited'));
    },
  });
}

export function registerShiftButtons(composer: Composer<BotContext>, p: HelpParts): void {
  onJoin(composer, p);
  onLeave(composer, p);
  onAttendanceMark(composer, p);
  onAttendanceConfirm(composer, p);
  onOwnAttendance(composer, p);
}
