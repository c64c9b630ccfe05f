import type { PrivacySpec } from '../../bot/feature';
import type { CoreDeps } from '../../deps';
import { eraseReporter, reportsOf } from '../../domain/hazards';
import { myDataLines } from './views/resident';

/** /mydata is not a paged list: this many reports is "all of them" for any resident. */
const MYDATA_MAX_REPORTS = 1000;

/** /mydata lists every report a person made or supports; /deleteme leaves the reports as anonymous counts. */
export function hazardsPrivacy(deps: CoreDeps): PrivacySpec {
  return {
    async exportData(userId, t) {
      const rows = await reportsOf(deps.db, userId, MYDATA_MAX_REPORTS);
      return myDataLines(deps, rows, t, await deps.users.localeOf(userId));
    },
    erase: (userId, tx) => eraseReporter(tx, userId),
  };
}
