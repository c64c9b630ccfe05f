import { FlatComposer } from '../../bot/chain';
import type { BotContext } from '../../bot/context';
import type { Feature } from '../../bot/feature';
import { ledgerCommand, summaryButtons, summaryCommand } from './handlers';
import { summaryJobs } from './jobs';

/**
 * The weekly summary: sent by a job to each community's committee group (services/weekly.ts,
 * its files uploaded by services/files.ts), and on demand to staff with /summary. Also the
 * monthly thank-you to each team's most active volunteers (services/thanks.ts).
 */
export const summaryFeature: Feature = (deps) => {
  const composer = new FlatComposer<BotContext>();
  summaryButtons(composer, deps);
  return {
    name: 'summary',
    composer,
    commands: [
      {
        name: 'summary',
        minRole: 'staff',
        chat: 'private',
        description: 'summary.cmd_summary',
        menuLabel: 'summary.menu_summary',
        run: summaryCommand(deps),
      },
      { name: 'ledger', minRole: 'staff', chat: 'private', description: 'ledger.cmd_ledger', run: ledgerCommand(deps) },
    ],
    jobs: summaryJobs(deps),
  };
};
