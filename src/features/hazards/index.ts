import { FlatComposer } from '../../bot/chain';
import type { BotContext } from '../../bot/context';
import type { Feature } from '../../bot/feature';
import { commentFlow, noteFlow } from '../../../flows/hazards/followup';
import { reportFlow } from '../../../flows/hazards/report';
import { fixFlow, handUpFlow } from '../../../flows/hazards/staff';
import { openByNumber } from './handlers/by-number';
import type { HazardsEnv } from './handlers/press';
import { answersForPlaces, onOpenCard, onQueuePage, showQueue } from './handlers/queue';
import { onFixedAnswer, onMine, onRating, showMyReports } from './handlers/resident';
import { onAssign, onCardBack, onReject, onStaffMove } from './handlers/staff-card';
import { hazardJobs } from './jobs';
import { hazardsPrivacy } from './privacy';

/** Hazard reports: /report, /myreports, /reports, the staff card's buttons and the SLA jobs. */
export const hazardsFeature: Feature = (deps, bot) => {
  const flows = {
    report: reportFlow(deps),
    fix: fixFlow(deps),
    handUp: handUpFlow(deps),
    note: noteFlow(deps),
    comment: commentFlow(deps),
  };
  const env: HazardsEnv = { deps, bot, flows };
  const composer = new FlatComposer<BotContext>();
  for (const handle of [onStaffMove, onAssign, onReject, onCardBack, onFixedAnswer, onRating, onMine, onQueuePage, onOpenCard])
    handle(composer, env);

  return {
    name: 'hazards',
    composer,
    flows: Object.values(flows),
    commands: [
      {
        name: 'report',
        minRole: 'resident',
        chat: 'private',
        description: 'hazards.cmd_report',
        menuLabel: 'hazards.menu_report',
        run: (ctx) => bot.flows.start(ctx, flows.report),
      },
      {
        name: 'myreports',
        minRole: 'resident',
        chat: 'private',
        description: 'hazards.cmd_myreports',
        menuLabel: 'hazards.menu_myreports',
        run: (ctx) => showMyReports(env, ctx),
      },
      {
        name: 'reports',
        minRole: 'staff',
        chat: 'any',
        description: 'hazards.cmd_reports',
        menuLabel: 'summary.menu_reports',
        alsoFor: answersForPlaces(env),
        run: (ctx) => showQueue(env, ctx),
      },
      { name: 'r', minRole: 'staff', chat: 'private', description: 'workbench.cmd_r', run: (ctx) => openByNumber(env, ctx) },
    ],
    jobs: hazardJobs(deps),
    privacy: hazardsPrivacy(deps),
  };
};
