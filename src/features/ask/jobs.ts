import { overdueQuestions, questionsDueForGroup } from '../../domain/ask';
import type { JobSpec } from '../../jobs/job';
import { fallBackQuestions, markOverdue, type AskDeps } from './services/questions';

/** SLA: a question or follow-up unanswered past askSlaHours is marked overdue and staff are told once; a grid worker's question goes to staff after gridAckMinutes. */
export function askJobs(deps: AskDeps): JobSpec[] {
  const markOverdueQuestions = async (now: number) => {
    for (const q of await overdueQuestions(deps.db, now, deps.communities.settings.askSlaHours)) await markOverdue(deps, now, q);
    deps.sender.poke();
  };
  return [
    { name: 'ask.overdue', cron: '*/15 * * * *', run: markOverdueQuestions },
    // A question its grid worker left unanswered goes to the committee within a minute of its wait.
    { name: 'ask.fallback', cron: '* * * * *', run: async (now) => fallBackQuestions(deps, now, await questionsDueForGroup(deps.db, now)) },
  ];
}
