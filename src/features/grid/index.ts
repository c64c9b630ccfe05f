import { FlatComposer } from '../../bot/chain';
import type { BotContext } from '../../bot/context';
import type { Feature } from '../../bot/feature';
import { handUpAnswerFlow } from '../../../flows/grid/hand-up';
import { unitFlow } from '../../../flows/grid/unit';
import { onAnswerHandover, onHandSlot, onOfferSlot, onTakeSlot, showDuty } from './handlers/duty';
import type { GridEnv } from './handlers/env';
import { onGridInvite, onHead, showGrid } from './handlers/grid';
import { onHandUpAnswer } from './handlers/hand-ups';
import { onNewUnit, onUnitFrontage, onUnitInvite, showUnits } from './handlers/units';
import { gridJobs } from './jobs';
import { gridPrivacy } from './privacy';

/**
 * Who handles what (issue 18): grid workers and building heads (/grid), the duty rota (/duty),
 * partner units (/units), hand-ups followed to an answer. The routing and the escalation ladder
 * themselves run inside the hazard reports' services and jobs (services/responders.ts, ladder.ts, paging.ts).
 */
export const gridFeature: Feature = (deps, bot) => {
  const env: GridEnv = { deps, bot, flows: { unit: unitFlow(deps), handUpAnswer: handUpAnswerFlow(deps) } };
  const composer = new FlatComposer<BotContext>();
  for (const handle of [
    onGridInvite,
    onHead,
    onTakeSlot,
    onHandSlot,
    onOfferSlot,
    onAnswerHandover,
    onNewUnit,
    onUnitInvite,
    onUnitFrontage,
    onHandUpAnswer,
  ])
    handle(composer, env);
  return {
    name: 'grid',
    composer,
    flows: Object.values(env.flows),
    commands: [
      { name: 'grid', minRole: 'staff', chat: 'private', description: 'grid.cmd_grid', run: showGrid(env) },
      { name: 'duty', minRole: 'staff', chat: 'private', description: 'grid.cmd_duty', run: showDuty(env) },
      { name: 'units', minRole: 'staff', chat: 'private', description: 'grid.cmd_units', run: showUnits(env) },
    ],
    jobs: gridJobs(deps),
    privacy: gridPrivacy(deps),
  };
};
