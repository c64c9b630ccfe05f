import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import type { CoreDeps } from '../../../deps';
import { broadcastButton } from '../buttons';
import { broadcastOf, stopSending } from '../services/broadcasts';
import { isStaffOf } from './common';

/** Stop under a progress message: staff of the broadcast's community stop what is not yet sent. */
export function onStopBroadcast(composer: Composer<BotContext>, deps: CoreDeps): void {
  onButton(composer, {
    codec: broadcastButton,
    load: (p) => broadcastOf(deps, p.id),
    may: (ctx, b) => isStaffOf(ctx, b.community_id),
    run: async (ctx, _, p) => {
      const result = await stopSending(deps, p.id);
      await ctx.answerCbQuery(ctx.t(result === 'stopped' ? 'notices.stopping' : 'notices.already_finished'));
    },
  });
}
