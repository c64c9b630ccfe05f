import type { Executor } from '../store/db';

/** Who did what, when: every state change that matters leaves a line here. */
export async function audit(
  db: Executor,
  at: number,
  actorId: number | null,
  action: string,
  subject: string,
  detail: object = {},
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ at, actor_id: actorId, action, subject, detail: JSON.stringify(detail) })
    .execute();
}
