import type { CoreDeps } from '../deps';
import { enqueue, PRIORITY } from '../delivery/outbox';
import { escapeHtml } from '../i18n';

/** Tells every admin (ADMIN_IDS), in their language, that a scheduled job failed and why. */
export function jobFailureReporter(deps: Pick<CoreDeps, 'db' | 'config' | 'users' | 'i18n' | 'sender'>) {
  return async (job: string, error: unknown, now: number): Promise<void> => {
    const reason = escapeHtml((error instanceof Error ? error.message : String(error)).slice(0, 300));
    const messages = [];
    for (const adminId of deps.config.adminIds) {
      const locale = await deps.users.localeOf(adminId);
      messages.push({
        chatId: adminId,
        text: deps.i18n.t(locale, 'summary.job_failed', { job: escapeHtml(job), reason }),
        priority: PRIORITY.personal,
        ref: `job:${job}:failed`,
      });
    }
    await enqueue(deps.db, now, ...messages);
    deps.sender.poke();
  };
}
