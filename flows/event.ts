import type { CoreDeps } from '../src/deps';
import { callbackCodec } from '../src/bot/callback';
import { chosen, defineFlow, textAnswer, type FlowContext } from '../src/bot/flow';
import { createEvent, formatLocalTime, parseLocalTime, type EventRow } from '../src/domain/events';
import { audienceMembers } from '../src/domain/notices';
import { startBroadcast } from '../src/delivery/broadcasts';
import type { InlineKeyboard } from '../src/delivery/outbox';
import { escapeHtml, type Locale, type Translate } from '../src/i18n';
import { audienceSteps, communityOf, describeAudience, maySend, type AudienceState } from './notice-audience';

/**
 * /event (staff): title, description, time, place, capacity, RSVP deadline, audience → a
 * preview of the invitation with the number of recipients → send. The invitation carries
 * Going / Can't go buttons (handled in src/bot/features/notices.ts).
 */

/** RSVP and staff buttons on events: go, no, list, rate (ask for ratings). */
export const eventButton = callbackCodec('ev', { action: 'str', id: 'str' });
/** Staff tick who came: event and person. */
export const attendanceButton = callbackCodec('eva', { event: 'str', user: 'str' });
/** An attendee's rating. */
export const ratingButton = callbackCodec('evr', { event: 'str', score: 'str' });

interface State extends AudienceState {
  title?: string;
  description?: string;
  startsAt?: number;
  place?: string;
  capacity?: number | null;
  deadline?: number;
}

export type EventView = Pick<EventRow, 'title' | 'description' | 'place' | 'starts_at' | 'capacity' | 'rsvp_deadline'>;

/** The invitation as each person sees it, in their language (HTML). */
export function renderEvent(t: Translate, locale: Locale, timeZone: string, e: EventView): string {
  const lines = [
    t('notices.event_header', { title: escapeHtml(e.title) }),
    '',
    escapeHtml(e.description),
    '',
    t('notices.event_when', { time: formatLocalTime(e.starts_at, locale, timeZone) }),
    t('notices.event_where', { place: escapeHtml(e.place) }),
    e.capacity === null ? t('notices.event_no_limit') : t('notices.event_capacity', { capacity: e.capacity }),
    t('notices.event_deadline', { time: formatLocalTime(e.rsvp_deadline, locale, timeZone) }),
  ];
  return lines.join('\n');
}

export function rsvpKeyboard(t: Translate, eventId: number): InlineKeyboard {
  return [
    [
      { text: t('notices.going_button'), callback_data: eventButton.pack({ action: 'go', id: eventId }) },
      { text: t('notices.not_going_button'), callback_data: eventButton.pack({ action: 'no', id: eventId }) },
    ],
  ];
}

export function eventFlow(deps: CoreDeps) {
  const tz = deps.config.timezone;
  const members = (c: FlowContext<State>) =>
    audienceMembers(
      deps.db,
      communityOf(deps, c)!,
      c.state.audience!,
      c.state.audience!.kind === 'topic'
        ? c.state.audience!.topic
        : c.state.audience!.kind === 'volunteers' || c.state.audience!.kind === 'team'
          ? null
          : 'events',
    );
  const view = (c: FlowContext<State>): EventView => ({
    title: c.state.title!,
    description: c.state.description!,
    place: c.state.place!,
    starts_at: c.state.startsAt!,
    capacity: c.state.capacity ?? null,
    rsvp_deadline: c.state.deadline ?? c.state.startsAt!,
  });
  const text = (name: 'title' | 'description' | 'place', max: number, next: string) => ({
    accepts: ['text' as const],
    ask: (c: FlowContext<State>) => ({ text: c.t(`notices.ask_event_${name}`) }),
    answer: (input: Parameters<typeof textAnswer>[0], c: FlowContext<State>) => {
      const r = textAnswer(input, { min: 2, max });
      if (!r.ok) return { retry: r.reason === 'too_long' ? c.t('common.too_long', { max }) : c.t('common.too_short') };
      c.state[name] = r.text;
      return { next };
    },
  });

  return defineFlow<State>({
    id: 'evt',
    first: 'title',
    initial: () => ({}),
    steps: {
      title: text('title', 100, 'description'),
      description: text('description', 1500, 'when'),
      when: {
        accepts: ['text'],
        ask: (c) => ({ text: c.t('notices.ask_event_when', { example: formatExample(c.now + 7 * 86_400_000, tz) }) }),
        answer: (input, c) => {
          const at = input.kind === 'text' ? parseLocalTime(input.text, tz, c.now) : undefined;
          if (at === undefined) return { retry: c.t('notices.bad_time', { example: formatExample(c.now + 7 * 86_400_000, tz) }) };
          if (at <= c.now) return { retry: c.t('notices.time_in_past') };
          c.state.startsAt = at;
          return { next: 'place' };
        },
      },
      place: text('place', 200, 'capacity'),
      capacity: {
        accepts: ['text', 'skip'],
        ask: (c) => ({ text: c.t('notices.ask_event_capacity'), skippable: true }),
        answer: (input, c) => {
          if (input.kind === 'skip') {
            c.state.capacity = null;
            return { next: 'deadline' };
          }
          const n = input.kind === 'text' && /^\s*\d{1,5}\s*$/.test(input.text) ? Number(input.text) : NaN;
          if (!(n >= 1 && n <= 10_000)) return { retry: c.t('notices.bad_capacity') };
          c.state.capacity = n;
          return { next: 'deadline' };
        },
      },
      deadline: {
        accepts: ['text', 'skip'],
        ask: (c) => ({
          text: c.t('notices.ask_event_deadline', { example: formatExample(c.state.startsAt! - 86_400_000, tz) }),
          skippable: true,
        }),
        answer: (input, c) => {
          if (input.kind === 'skip') {
            c.state.deadline = c.state.startsAt;
            return { next: communityOf(deps, c) ? 'audience' : 'community' };
          }
          const at = input.kind === 'text' ? parseLocalTime(input.text, tz, c.now) : undefined;
          if (at === undefined) return { retry: c.t('notices.bad_time', { example: formatExample(c.state.startsAt! - 86_400_000, tz) }) };
          if (at <= c.now || at > c.state.startsAt!) return { retry: c.t('notices.bad_deadline') };
          c.state.deadline = at;
          return { next: communityOf(deps, c) ? 'audience' : 'community' };
        },
      },
      ...audienceSteps<State>(deps, { after: 'confirm', topics: false }),
      confirm: {
        accepts: ['choice'],
        ask: async (c) => {
          const { recipients } = await members(c);
          const preview = renderEvent(c.t, c.locale, tz, view(c));
          const summary = c.t('notices.preview_summary', {
            count: recipients.length,
            audience: escapeHtml(describeAudience(deps, c, c.state.audience!)),
          });
          return {
            text: `${preview}\n\n————————\n${summary}`,
            choices: recipients.length > 0 ? [{ label: c.t('notices.send_button', { count: recipients.length }), value: 'send' }] : [],
            columns: 1,
          };
        },
        answer: async (input, c) => {
          if (!chosen(input, ['send'])) return { retry: c.t('common.pick_a_button') };
          if (!maySend(deps, c)) return { finish: { text: c.t('common.not_allowed'), menu: true } };
          const { recipients } = await members(c);
          if (recipients.length === 0) return { retry: c.t('notices.nobody') };
          const communityId = communityOf(deps, c)!;
          const e = view(c);
          await deps.db.transaction().execute(async (tx) => {
            const id = await createEvent(tx, c.now, {
              communityId,
              title: e.title,
              description: e.description,
              place: e.place,
              startsAt: e.starts_at,
              capacity: e.capacity,
              rsvpDeadline: e.rsvp_deadline,
              audience: c.state.audience!,
              createdBy: c.userId,
            });
            await startBroadcast(tx, c.now, deps.i18n, {
              communityId,
              kind: 'event',
              eventId: id,
              createdBy: c.userId,
              audience: c.state.audience!,
              topic: 'events',
              urgent: false,
              text: escapeHtml(e.title),
              recipients,
              render: (locale) => {
                const t = deps.i18n.translator(locale);
                return { text: renderEvent(t, locale, tz, e), keyboard: rsvpKeyboard(t, id) };
              },
            });
          });
          deps.sender.poke();
          return { finish: { text: c.t('notices.sending', { count: recipients.length }), menu: true } };
        },
      },
    },
  });
}

function formatExample(at: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  return `${parts} 14:30`;
}
