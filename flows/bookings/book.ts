import { choiceStep, defineFlow, type FlowContext } from '../../src/bot/flow';
import { localName } from '../../src/community/config';
import type { CoreDeps } from '../../src/deps';
import { bookableDays, bookSlot, holidayClosures, slotsOfDay } from '../../src/domain/bookings';
import { formatDay, formatTime } from '../../src/domain/help-time';
import { bookedText, cancelKeyboard } from '../../src/features/bookings/views/bookings';

/**
 * /book: a service of the service hall, a day with a slot still to come, and a slot. Full
 * slots are shown as full; a slot that filled up while the resident looked is refused politely
 * (the seat is taken in one guarded insert, src/domain/bookings.ts).
 */
interface State {
  service?: string;
  day?: number;
}
type C = FlowContext<State>;

export function bookFlow(deps: CoreDeps) {
  const community = (c: C) => deps.communities.community(c.user.community_id ?? '');
  const service = (c: C) => community(c)?.bookableServices.find((s) => s.id === c.state.service);
  const tz = deps.config.timezone;
  /** The holidays that took this service's slots away in the days offered, said politely (none: nothing). */
  const holidayNote = (c: C): string[] => {
    const closed = holidayClosures(service(c)!, c.now, tz, community(c)!.holidays);
    const list = new Intl.ListFormat(c.locale === 'en' ? 'en-GB' : c.locale, { type: 'conjunction' });
    return closed.length ? [c.t('bookings.holiday_closed', { days: list.format(closed.map((d) => formatDay(d, c.locale, tz))) })] : [];
  };
  const slots = (c: C) => slotsOfDay(deps.db, community(c)!.id, service(c)!, c.state.day!, c.now, tz, community(c)!.holidays);

  return defineFlow<State>({
    id: 'bkbook',
    first: 'service',
    initial: () => ({}),
    steps: {
      service: choiceStep({
        ask: (c) => ({
          text: c.t(community(c)?.bookableServices.length ? 'bookings.ask_service' : 'bookings.no_services'),
          choices: (community(c)?.bookableServices ?? []).map((s) => ({ label: localName(s.name, c.locale), value: s.id })),
          columns: 1,
        }),
        then: (value, c) => {
          c.state.service = value;
          return { next: 'day' };
        },
      }),
      day: choiceStep({
        ask: (c) => {
          const days = bookableDays(service(c)!, c.now, tz, community(c)!.holidays);
          return {
            text: [c.t(days.length ? 'bookings.ask_day' : 'bookings.no_days'), ...holidayNote(c)].join('\n'),
            choices: days.map((d) => ({ label: formatDay(d.start, c.locale, tz), value: String(d.start) })),
            columns: 2,
          };
        },
        then: (value, c) => {
          c.state.day = Number(value);
          return { next: 'slot' };
        },
      }),
      slot: choiceStep({
        ask: async (c) => {
          const s = service(c)!;
          const list = await slots(c);
          return {
            text: c.t('bookings.ask_slot', { day: formatDay(c.state.day!, c.locale, tz) }),
            choices: list.map((x) => ({
              label: `${formatTime(x.start, c.locale, tz)} ${x.taken >= s.capacity ? c.t('bookings.slot_full_label') : c.t('bookings.slot_left', { n: s.capacity - x.taken })}`,
              value: String(x.start),
            })),
            columns: 2,
          };
        },
        then: async (value, c) => {
          const result = await bookSlot(
            deps.db,
            c.now,
            { communityId: community(c)!.id, service: service(c)!, userId: c.userId, start: Number(value) },
            tz,
          );
          if (!result.ok) return { retry: c.t(`bookings.refused_${result.reason}`) };
          const b = result.booking;
          return {
            finish: { text: bookedText(deps, b, c.t, c.locale), keyboard: cancelKeyboard(b, c.t) },
          };
        },
      }),
    },
  });
}
