import type { PrivacySpec } from '../../bot/feature';
import type { CoreDeps } from '../../deps';
import { bookingLine } from './views/bookings';

/** /mydata lists a person's bookings; /deleteme gives back the places still to come and keeps the rest as anonymous counts. */
export function bookingsPrivacy(deps: CoreDeps): PrivacySpec {
  return {
    async exportData(userId, t) {
      const locale = await deps.users.localeOf(userId);
      const rows = await deps.db.selectFrom('bookings').selectAll().where('user_id', '=', userId).orderBy('starts_at').execute();
      return rows.map((b) =>
        t('bookings.mydata_line', { booking: bookingLine(deps, b, locale), status: t(`bookings.status_${b.status}`) }),
      );
    },
    async erase(userId, tx) {
      await tx
        .updateTable('bookings')
        .set({ status: 'cancelled', seat: null, cancelled_at: deps.clock.now() })
        .where('user_id', '=', userId)
        .where('status', '=', 'booked')
        .execute();
      await tx.updateTable('bookings').set({ user_id: null }).where('user_id', '=', userId).execute();
    },
  };
}
