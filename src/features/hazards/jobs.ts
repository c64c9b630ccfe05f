import { duePages, overdueReports, SYSTEM, unconfirmedFixes } from '../../domain/hazards';
import type { JobSpec } from '../../jobs/job';
import { climbLadder } from '../grid/services/ladder';
import { escalatePage, moveReport, type HazardDeps } from './services';

/** The hazard reports' scheduled jobs: they touch no chat, only the database and the outbox. */
export function hazardJobs(deps: HazardDeps): JobSpec[] {
  const { db, communities } = deps;

  /** Emergency pages nobody acknowledged: tell the committee group, page staff again, and repeat. */
  const escalatePages = async (now: number) => {
    for (const r of await duePages(db, now)) await escalatePage(deps, now, r);
    deps.sender.poke();
  };

  /** SLA: a report not acknowledged or not fixed in time climbs the escalation ladder, one rung each further SLA period. */
  const markOverdueReports = async (now: number) => {
    for (const r of await overdueReports(db, now, communities.config.hazardCategories)) await climbLadder(deps, now, r);
    deps.sender.poke();
  };

  /** "Is it fixed?" unanswered for fixConfirmDays: closed as fixed, without a rating. */
  const closeUnconfirmed = async (now: number) => {
    for (const { id } of await unconfirmedFixes(db, now, communities.settings.fixConfirmDays))
      await moveReport(deps, id, 'auto_close', SYSTEM);
  };

  return [
    { name: 'hazards.pages', cron: '* * * * *', run: escalatePages },
    { name: 'hazards.overdue', cron: '*/15 * * * *', run: markOverdueReports },
    { name: 'hazards.fix-timeout', cron: '7 * * * *', run: closeUnconfirmed },
  ];
}
