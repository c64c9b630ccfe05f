import type { CoreDeps } from '../../../deps';
import { bookingRef, dueReminders, takeReminder } from '../../../domain/bookings';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import { bookingLine, cancelKeyboard } from '../views/bookings';

export type BookingDeps = Pick<CoreDeps, 'db' | 'users' | 'clock' | 'sender' | 'config' | 'communities' | 'i18n'>;

/** Reminders the evening before (20:00 local) and an hour before, each once however many schedulers run. */
export async function sendBookingReminders(deps: BookingDeps, now: number): Promise<void> {
  for (const { booking: b, kind } of await dueReminders(deps.db, now, deps.config.timezone)) {
    await deps.db.transaction().execute(async (tx) => {
      if (b.user_id === null || !(await takeReminder(tx, now, b.id, kind))) return;
      const locale = await deps.users.localeOf(b.user_id, tx);
      const t = deps.i18n.translator(locale);
      await enqueue(tx, now, {
        chatId: b.user_id,
        text: t(`bookings.reminder_${kind}`, { booking: bookingLine(deps, b, locale) }),
        keyboard: cancelKeyboard(b, t),
        priority: PRIORITY.personal,
        ref: `booking:${bookingRef(b.id)}:reminder:${kind}`,
      });
    });
  }
  deps.sender.poke();
}
