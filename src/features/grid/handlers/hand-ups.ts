import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { answersFor } from '../../../domain/grid';
import { findHandUp } from '../../../domain/handups';
import { findReport } from '../../../domain/hazards';
import { canStaff } from '../../../domain/roles';
import { handUpAnswerButton } from '../buttons';
import type { GridEnv } from './env';

/** A hand-up reminder's answer buttons: staff of the report's community (or its responder) record what the outside body said. */
export function onHandUpAnswer(composer: Composer<BotContext>, env: GridEnv): void {
  const { deps } = env;
  onButton(composer, {
    codec: handUpAnswerButton,
    load: async (p) => {
      const [r, h] = [await findReport(deps.db, p.id), await findHandUp(deps.db, p.id)];
      return r && h ? { r, h } : undefined;
    },
    may: async (ctx, { r }) => canStaff(ctx.role, ctx.profile, r.community_id) || answersFor(deps.db, ctx.from.id, r),
    notAllowed: 'hazards.refused_not_allowed',
    refuse: (ctx, { r, h }) => (h.answered_at === null && r.status === 'handed_up' ? undefined : { text: ctx.t('common.already_done') }),
    run: (ctx, { r }, p) => env.bot.flows.start(ctx, env.flows.handUpAnswer, { reportId: r.id, answer: p.a }),
  });
}
