import { overdueQuestions } from '../../domain/ask';
import type { JobSpec } from '../../jobs/job';
import { markOverdue, type AskDeps } from './services/questions';

/** SLA: a question or follow-up unanswered past askSlaHours is marked overdue and staff are told once. */
export function askJobs(deps: AskDeps): JobSpec[] {
  const markOverdueQuestions = async (now: number) => {
    for (const q of await overdueQuestions(deps.db, now, deps.communities.settings.askSlaHours)) await markOverdue(deps, now, q);
    deps.sender.poke();
  };
  return [{ name: 'ask.overdue', cron: '*/15 * * * *', run: markOverdueQuestions }];
}
