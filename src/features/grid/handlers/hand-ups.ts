import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { answersFor } from '../../../domain/grid';
import { findHandUp } from '../../../domain/handups';
import { findReport, publicId } from '../../../domain/hazards';
import { canStaff } from '../../../domain/roles';
import { openPrivateStep } from '../../hazards/private-step';
import { handUpAnswerButton } from '../buttons';
import type { GridEnv } from './env';

/**
 * A hand-up's answer buttons (on the report's card, the hand-up's confirmation, the reminder):
 * staff of the report's community (or its responder) record what the outside body said. The note
 * is asked in the private chat; pressed on the group's card, the question is written there, as
 * "Fixed" does (hazards/handlers/staff-card.ts).
 */
export function onHandUpAnswer(composer: Composer<BotContext>, env: GridEnv): void {
  const { deps } = env;
  onButton(composer, {
    codec: handUpAnswerButton,
    load: async (p) => {
      const r = await findReport(deps.db, p.id);
      return r ? { r, h: await findHandUp(deps.db, p.id) } : undefined;
    },
    may: async (ctx, { r }) => canStaff(ctx.role, ctx.profile, r.community_id) || answersFor(deps.db, ctx.from.id, r),
    notAllowed: 'hazards.refused_not_allowed',
    refuse: (ctx, { r, h }) => (!h?.answered_at && r.status === 'handed_up' ? undefined : { text: ctx.t('common.already_done') }),
    run: async (ctx, { r }, p) => {
      const args = { reportId: r.id, answer: p.a };
      if (ctx.chat?.type === 'private') return env.bot.flows.start(ctx, env.flows.handUpAnswer, args);
      const who = { userId: ctx.from.id, role: ctx.role, updateId: ctx.update.update_id };
      const step = await env.bot.inChat(ctx.from.id, () => openPrivateStep(deps, who, env.flows.handUpAnswer, args));
      if (step === 'busy') return ctx.answerCbQuery(ctx.t('hazards.continue_private'), { show_alert: true });
      return ctx.answerCbQuery(ctx.t(`hazards.continue_private_${step}`, { id: publicId(r.id), action: ctx.t(`grid.handup_${p.a}`) }));
    },
  });
}
