import type { PrivacySpec } from '../../bot/feature';
import type { CoreDeps } from '../../deps';
import { eraseReporter, reportsOf } from '../../domain/hazards';
import { voiceRef } from './services';
import { myDataLines } from './views/resident';

/** /mydata is not a paged list: this many reports is "all of them" for any resident. */
const MYDATA_MAX_REPORTS = 1000;

/** /mydata lists every report a person made or supports; /deleteme leaves the reports as anonymous counts, without their voice. */
export function hazardsPrivacy(deps: CoreDeps): PrivacySpec {
  return {
    async exportData(userId, t) {
      const rows = await reportsOf(deps.db, userId, MYDATA_MAX_REPORTS);
      return myDataLines(deps, rows, t, await deps.users.localeOf(userId));
    },
    async erase(userId, tx) {
      // Their voice notes are their voice: the group's copies not sent yet are dropped, and none is kept.
      const spoken = await tx
        .selectFrom('reports')
        .select('id')
        .where('reporter_id', '=', userId)
        .where('voice_file_id', 'is not', null)
        .execute();
      const refs = spoken.map((r) => voiceRef(r.id));
      if (refs.length > 0) {
        await tx.updateTable('outbox').set({ status: 'cancelled' }).where('ref', 'in', refs).where('status', '=', 'pending').execute();
        await tx.updateTable('outbox').set({ payload: '{}' }).where('ref', 'in', refs).execute();
      }
      await eraseReporter(tx, userId);
    },
  };
}
