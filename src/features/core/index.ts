import { FlatComposer } from '../../bot/chain';
import { inviteFlow } from '../../../flows/core/invite';
import { onboardingFlow } from '../../../flows/core/onboarding';
import type { BotContext } from '../../bot/context';
import type { CommandSpec, Feature } from '../../bot/feature';
import { cancelCommand, helpCommand } from './handlers/help';
import type { CoreKit } from './handlers/kit';
import { languageButton, languageCommand } from './handlers/language';
import { followChatMigrations, groupLanguageButton, linkCommand } from './handlers/link';
import { deleteMeButton, deleteMeCommand, myDataCommand } from './handlers/my-data';
import { startCommand } from './handlers/start';
import { coreJobs } from './jobs';

/**
 * Start, language, help, cancel and the resident's own data: what every role needs before
 * and besides any feature.
 */
export const coreFeature: Feature = (deps, bot) => {
  const kit: CoreKit = { deps, bot, onboarding: onboardingFlow(deps) };
  const composer = new FlatComposer<BotContext>();
  languageButton(composer, kit);
  deleteMeButton(composer, kit);
  /** Usable before onboarding is complete, by everyone. */
  const open = (name: string, chat: CommandSpec['chat'], run: CommandSpec['run'], menuLabel?: string): CommandSpec => ({
    name,
    minRole: 'resident',
    chat,
    description: `core.cmd_${name}`,
    menuLabel,
    beforeOnboarding: true,
    run,
  });
  return {
    name: 'core',
    composer,
    flows: [kit.onboarding],
    jobs: coreJobs(deps),
    commands: [
      open('start', 'any', startCommand(kit)),
      open('help', 'any', helpCommand(bot), 'core.menu_help'),
      open('lang', 'any', languageCommand(deps), 'core.menu_lang'),
      open('cancel', 'private', cancelCommand(bot)),
      open('mydata', 'private', myDataCommand(kit)),
      open('deleteme', 'private', deleteMeCommand),
    ],
  };
};

/** Staff tools that set the bot up: invitations and linking group chats. */
export const adminFeature: Feature = (deps, bot) => {
  const invite = inviteFlow(deps);
  const composer = new FlatComposer<BotContext>();
  followChatMigrations(composer, deps);
  groupLanguageButton(composer, deps);
  return {
    name: 'admin',
    composer,
    flows: [invite],
    commands: [
      { name: 'invite', minRole: 'staff', chat: 'private', description: 'admin.cmd_invite', run: (ctx) => bot.flows.start(ctx, invite) },
      { name: 'link', minRole: 'staff', chat: 'group', description: 'admin.cmd_link', run: linkCommand(deps) },
    ],
  };
};
