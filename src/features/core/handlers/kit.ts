import type { BotContext } from '../../../bot/context';
import type { BotServices } from '../../../bot/services';
import type { CoreDeps } from '../../../deps';
import type { onboardingFlow } from '../../../../flows/core/onboarding';

/** What the core's handlers are built from: the dependencies, the bot's services and the onboarding flow they start. */
export interface CoreKit {
  deps: CoreDeps;
  bot: BotServices;
  onboarding: ReturnType<typeof onboardingFlow>;
}

export const onboarded = (ctx: BotContext) => Boolean(ctx.profile?.privacy_accepted_at);
