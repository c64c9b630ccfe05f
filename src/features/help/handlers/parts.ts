import type { BotServices } from '../../../bot/services';
import type { CoreDeps } from '../../../deps';
import type { HelpFlows } from '../flows';
import type { HelpServices } from '../services';

/** What the help feature's handlers are built from. */
export interface HelpParts {
  deps: CoreDeps;
  s: HelpServices;
  bot: BotServices;
  flows: HelpFlows;
}

/** Clears a pressed message's buttons; a message already without them is fine. */
export const clearButtons = (ctx: { editMessageReplyMarkup(markup: undefined): Promise<unknown> }) =>
  ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
