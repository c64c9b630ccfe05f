import type { Composer } from 'telegraf';
import type { CoreDeps } from '../../deps';
import { enqueue, PRIORITY, type InlineKeyboard } from '../../delivery/outbox';
import { formatMinutes, formatWindow } from '../../domain/help-time';
import { creditEndedShifts, findShift, joinShift, leaveShift, type Shift } from '../../domain/shifts';
import { isTeamMember } from '../../domain/volunteers';
import { escapeHtml, type Locale } from '../../i18n';
import type { Executor } from '../../store/db';
import { idField } from '../callback';
import type { BotContext } from '../context';
import type { JobSpec } from '../feature';
import { joinShiftButton, leaveShiftButton, type HelpKit } from './help-kit';

/** Patrol shifts in the team group: a card with Join; a full shift says so; "can't make it" re-posts it. */

export function shiftCardText(kit: HelpKit, shift: Shift, locale: Locale): string {
  const full = shift.taken >= shift.places;
  return [
    kit.t(locale, 'shift_title', { id: shift.id, team: escapeHtml(kit.teamName(shift.community_id, shift.team_id, locale)) }),
    kit.t(locale, 'shift_zone', { zone: escapeHtml(shift.zone) }),
    kit.t(locale, 'card_when', { when: escapeHtml(formatWindow(shift.starts_at, shift.ends_at, locale, kit.tz)!) }),
    kit.t(locale, full ? 'shift_full' : 'shift_places', { taken: shift.taken, places: shift.places }),
  ].join('\n');
}

const shiftKeyboard = (kit: HelpKit, shift: Shift, locale: Locale): InlineKeyboard | undefined =>
  shift.taken >= shift.places
    ? undefined
    : [[{ text: kit.t(locale, 'join_button'), callback_data: joinShiftButton.pack({ shift: shift.id }) }]];

/** Posts a shift's card to its team's group (or the committee's), through the outbox. */
export async function postShift(kit: HelpKit, tx: Executor, now: number, shift: Shift, reposted = false): Promise<boolean> {
  const chatId = await kit.cardChat(tx, shift.community_id, shift.team_id);
  if (chatId === undefined) return false;
  const text = (reposted ? `${kit.t(kit.groupLocale, 'shift_reopened')}\n\n` : '') + shiftCardText(kit, shift, kit.groupLocale);
  await enqueue(tx, now, {
    chatId,
    text,
    keyboard: shiftKeyboard(kit, shift, kit.groupLocale),
    priority: PRIORITY.group,
    ref: `shift:${shift.id}:card`,
  });
  return true;
}

/** Shift buttons; returns the job that credits patrol hours when a shift ends. */
export function registerShiftHandlers(deps: CoreDeps, kit: HelpKit, composer: Composer<BotContext>): JobSpec {
  const { db, clock } = deps;

  composer.action(joinShiftButton.pattern, async (ctx) => {
    const id = idField(joinShiftButton.unpack(ctx.callbackQuery && 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : '')?.shift);
    const shift = id ? await findShift(db, id) : undefined;
    if (!shift) return ctx.answerCbQuery(ctx.t('common.stale_button'));
    if (!(await isTeamMember(db, ctx.from.id, shift.community_id, shift.team_id)))
      return ctx.answerCbQuery(ctx.t('help.not_member'), { show_alert: true });
    const now = clock.now();
    const result = await joinShift(db, now, shift.id, ctx.from.id);
    if (result !== 'joined') return ctx.answerCbQuery(ctx.t(`help.join_${result}`), { show_alert: result === 'full' });
    const after = (await findShift(db, shift.id))!;
    await ctx.answerCbQuery(ctx.t('help.shift_joined'));
    await ctx
      .editMessageText(shiftCardText(kit, after, kit.groupLocale), {
        parse_mode: 'HTML',
        reply_markup: { inline_keyboard: shiftKeyboard(kit, after, kit.groupLocale) ?? [] },
      })
      .catch((err) => ctx.log.debug({ err }, 'shift card not edited'));
    await db.transaction().execute(async (tx) => {
      await kit.notifyUserL(
        tx,
        now,
        ctx.from.id,
        'shift_joined_private',
        (l) => ({ id: after.id, zone: escapeHtml(after.zone), when: escapeHtml(formatWindow(after.starts_at, after.ends_at, l, kit.tz)!) }),
        (l) => [[{ text: kit.t(l, 'cant_make_it'), callback_data: leaveShiftButton.pack({ shift: after.id }) }]],
      );
    });
    deps.sender.poke();
  });

  composer.action(leaveShiftButton.pattern, async (ctx) => {
    const id = idField(leaveShiftButton.unpack(ctx.callbackQuery && 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : '')?.shift);
    const shift = id ? await findShift(db, id) : undefined;
    const now = clock.now();
    if (!shift || shift.starts_at <= now || !(await leaveShift(db, now, shift.id, ctx.from.id)))
      return ctx.answerCbQuery(ctx.t('common.stale_button'));
    await ctx.answerCbQuery();
    await ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
    await db.transaction().execute(async (tx) => postShift(kit, tx, now, (await findShift(tx, shift.id))!, true));
    deps.sender.poke();
    await ctx.reply(ctx.t('help.shift_left', { id: shift.id }));
  });

  return {
    name: 'help.shift-hours',
    cron: '*/10 * * * *',
    run: async (now) => {
      const credited = await creditEndedShifts(db, now, (tx, shift, volunteerId, minutes) =>
        kit.notifyUserL(tx, now, volunteerId, 'shift_hours_credited', (l) => ({
          id: shift.id,
          zone: escapeHtml(shift.zone),
          hours: formatMinutes(minutes, l),
        })),
      );
      if (credited > 0) deps.sender.poke();
    },
  };
}
