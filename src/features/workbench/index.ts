import { FlatComposer } from '../../bot/chain';
import type { BotContext } from '../../bot/context';
import type { Feature } from '../../bot/feature';
import { certificateButtons, certificateCommand, postersCommand } from './handlers/exports';
import { findCommand, membersCommand, peopleButtons, staffCommand, type WorkbenchEnv } from './handlers/people';

/**
 * The staff workbench in chat: /find a resident, /staff (staff and team leads, with Revoke),
 * /members of a team (with Remove), /posters (stairwell QR posters), and /certificate (a
 * volunteer's hours certificate). /r (a report by number) is in hazards, /ledger in summary;
 * the HTTP Open311 feed is src/ops/open311.ts.
 */
export const workbenchFeature: Feature = (deps, bot) => {
  const env: WorkbenchEnv = { deps, bot };
  const composer = new FlatComposer<BotContext>();
  peopleButtons(composer, env);
  certificateButtons(composer, env);
  const staffCmd = (name: string, run: (ctx: BotContext) => Promise<unknown>) =>
    ({ name, minRole: 'staff', chat: 'private', description: `workbench.cmd_${name}`, run }) as const;
  return {
    name: 'workbench',
    composer,
    commands: [
      staffCmd('find', findCommand(env)),
      staffCmd('staff', staffCommand(env)),
      staffCmd('members', membersCommand(env)),
      staffCmd('posters', postersCommand(env)),
      {
        name: 'certificate',
        minRole: 'volunteer',
        chat: 'private',
        description: 'workbench.cmd_certificate',
        run: certificateCommand(env),
      },
    ],
  };
};
