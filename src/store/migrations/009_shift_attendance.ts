import type { Migration } from 'kysely';

/**
 * Patrol shifts: reminders, attendance and the waiting list.
 * - shift_members gets when each reminder went (the evening before, an hour before): the job
 *   sets it with a guarded UPDATE (`… IS NULL`), so a reminder goes once across processes;
 *   `attended` (NULL not said, 1 came, 0 did not) and `credited_at` (hours counted, once).
 * - shifts gets when attendance was asked and when it was closed (confirmed or its deadline passed).
 * - shift_waiters: who pressed Join on a full shift, told privately when a place opens.
 */
export const shiftAttendance: Migration = {
  async up(db) {
    for (const column of ['eve_reminded_at', 'hour_reminded_at', 'credited_at'])
      await db.schema.alterTable('shift_members').addColumn(column, 'bigint').execute();
    await db.schema.alterTable('shift_members').addColumn('attended', 'integer').execute();
    for (const column of ['attendance_asked_at', 'attendance_closed_at'])
      await db.schema.alterTable('shifts').addColumn(column, 'bigint').execute();
    await db.schema
      .createTable('shift_waiters')
      .addColumn('shift_id', 'bigint', (c) => c.notNull())
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('shift_waiters_pk', ['shift_id', 'user_id'])
      .execute();
  },
};
