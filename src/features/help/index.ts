import { FlatComposer } from '../../bot/chain';
import type { BotContext } from '../../bot/context';
import type { Feature } from '../../bot/feature';
import { helpFlows } from './flows';
import { registerApprovalButtons } from './handlers/approval';
import type { HelpParts } from './handlers/parts';
import { myRequests, recur, registerMyRequestButtons } from './handlers/requests';
import { registerShiftButtons } from './handlers/shifts';
import { registerAssignButtons } from './handlers/assign';
import { registerTaskButtons } from './handlers/tasks';
import { myHours, myTasks, registerMemberButtons, volunteer } from './handlers/volunteers';
import { helpJobs } from './jobs';
import { helpPrivacy } from './privacy';
import { helpServices } from './services';

/** Help requests, volunteer teams, tasks, hours and patrol shifts. */
export const helpFeature: Feature = (deps, bot) => {
  const s = helpServices(deps);
  const flows = helpFlows(deps, s);
  const p: HelpParts = { deps, s, bot, flows };
  const composer = new FlatComposer<BotContext>();
  registerTaskButtons(composer, p);
  registerAssignButtons(composer, p);
  registerApprovalButtons(composer, p);
  registerShiftButtons(composer, p);
  registerMemberButtons(composer, p);
  registerMyRequestButtons(composer, p);

  return {
    name: 'help',
    composer,
    flows: [flows.request, flows.repost, flows.volunteer, flows.shift, flows.done, flows.note, flows.rateComment, flows.decline],
    jobs: helpJobs(s),
    privacy: helpPrivacy(deps, s.text),
    commands: [
      {
        name: 'request',
        minRole: 'resident',
        chat: 'private',
        description: 'help.cmd_request',
        menuLabel: 'help.menu_request',
        run: (ctx) => bot.flows.start(ctx, flows.request),
      },
      {
        name: 'myrequests',
        minRole: 'resident',
        chat: 'private',
        description: 'help.cmd_myrequests',
        menuLabel: 'help.menu_myrequests',
        run: myRequests(p),
      },
      {
        name: 'volunteer',
        minRole: 'resident',
        chat: 'private',
        description: 'help.cmd_volunteer',
        menuLabel: 'help.menu_volunteer',
        run: volunteer(p),
      },
      {
        name: 'tasks',
        minRole: 'volunteer',
        chat: 'private',
        description: 'help.cmd_tasks',
        menuLabel: 'help.menu_tasks',
        run: myTasks(p),
      },
      { name: 'hours', minRole: 'volunteer', chat: 'private', description: 'help.cmd_hours', run: myHours(p) },
      {
        name: 'requestfor',
        minRole: 'staff',
        chat: 'private',
        description: 'help.cmd_requestfor',
        run: (ctx) => bot.flows.start(ctx, flows.request, { staff: true }),
      },
      { name: 'recur', minRole: 'staff', chat: 'private', description: 'help.cmd_recur', run: recur(p) },
      { name: 'shift', minRole: 'staff', chat: 'private', description: 'help.cmd_shift', run: (ctx) => bot.flows.start(ctx, flows.shift) },
    ],
  };
};
