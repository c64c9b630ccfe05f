import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { findHandover, holderOf, takeSlot, type Slot } from '../../../domain/duty';
import { decideHandover, offerHandover, rotaPage } from '../services/duty';
import { answerHandoverButton, handSlotButton, offerSlotButton, takeSlotButton } from '../buttons';
import { colleaguesKeyboard, rotaView, slotName } from '../views/duty';
import { communityOf, editPage, replyPage, type GridEnv } from './env';

/** /duty: the rota; take a free slot, hand mine to a colleague, the colleague's answer. */

const slotOf = (p: { d: number; p: Slot['period'] }): Slot | undefined =>
  p.d >= 1 && p.d <= 7 ? { weekday: p.d, period: p.p } : undefined;

const renderRota = async (env: GridEnv, ctx: BotContext) => rotaView(await rotaPage(env.deps, communityOf(env, ctx), ctx.from!.id), ctx.t);

export const showDuty = (env: GridEnv) => async (ctx: BotContext) => replyPage(ctx, await renderRota(env, ctx));

export function onTakeSlot(composer: Composer<BotContext>, env: GridEnv): void {
  onButton(composer, {
    codec: takeSlotButton,
    minRole: 'staff',
    load: (p) => slotOf(p),
    run: async (ctx, slot) => {
      const taken = await takeSlot(env.deps.db, env.deps.clock.now(), communityOf(env, ctx), slot, ctx.from.id);
      await ctx.answerCbQuery(ctx.t(taken ? 'grid.slot_taken' : 'grid.slot_held', { slot: slotName(ctx.t, slot) }), { show_alert: !taken });
      return editPage(ctx, await renderRota(env, ctx));
    },
  });
}

export function onHandSlot(composer: Composer<BotContext>, env: GridEnv): void {
  const { deps } = env;
  onButton(composer, {
    codec: handSlotButton,
    minRole: 'staff',
    load: (p) => slotOf(p),
    refuse: async (ctx, slot) =>
      (await holderOf(deps.db, communityOf(env, ctx), slot)) === ctx.from.id ? undefined : { text: ctx.t('grid.slot_not_yours') },
    run: async (ctx, slot) => {
      await ctx.answerCbQuery();
      const colleagues = (await deps.users.staffOf(communityOf(env, ctx))).filter((s) => s.id !== ctx.from.id);
      if (colleagues.length === 0) return ctx.reply(ctx.t('grid.no_colleagues'));
      return ctx.reply(ctx.t('grid.ask_colleague', { slot: slotName(ctx.t, slot) }), {
        reply_markup: { inline_keyboard: colleaguesKeyboard(slot, colleagues) },
      });
    },
  });
}

export function onOfferSlot(composer: Composer<BotContext>, env: GridEnv): void {
  const { deps } = env;
  onButton(composer, {
    codec: offerSlotButton,
    minRole: 'staff',
    load: (p) => slotOf(p),
    run: async (ctx, slot, p) => {
      const communityId = communityOf(env, ctx);
      const colleague = (await deps.users.staffOf(communityId)).find((s) => s.id === p.to && s.id !== ctx.from.id);
      if (!colleague) return ctx.answerCbQuery(ctx.t('common.stale_button'));
      const offered = await offerHandover(deps, communityId, slot, { id: ctx.from.id, name: ctx.from.first_name }, colleague.id);
      if (!offered) return ctx.answerCbQuery(ctx.t('grid.slot_not_yours'), { show_alert: true });
      await ctx.answerCbQuery();
      return ctx
        .editMessageText(ctx.t('grid.handover_sent', { name: colleague.first_name, slot: slotName(ctx.t, slot) }))
        .catch(() => undefined);
    },
  });
}

/** Only the colleague asked may answer; an offer already answered says so. */
export function onAnswerHandover(composer: Composer<BotContext>, env: GridEnv): void {
  const { deps } = env;
  onButton(composer, {
    codec: answerHandoverButton,
    minRole: 'staff',
    load: (p) => findHandover(deps.db, p.h),
    may: (ctx, h) => Number(h.to_id) === ctx.from.id,
    refuse: (ctx, h) => (h.status === 'pending' ? undefined : { text: ctx.t('common.already_done') }),
    run: async (ctx, h, p) => {
      const result = await decideHandover(deps, h.id, p.yes === 'y');
      const slot = slotName(ctx.t, { weekday: h.weekday, period: h.period });
      await ctx.answerCbQuery();
      return ctx.editMessageText(ctx.t(`grid.you_${result}`, { slot })).catch(() => undefined);
    },
  });
}
