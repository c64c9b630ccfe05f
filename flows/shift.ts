import { localName } from '../src/community/config';
import type { CoreDeps } from '../src/deps';
import { chosen, defineFlow, textAnswer, textRetry, type FlowContext } from '../src/bot/flow';
import type { HelpKit } from '../src/bot/features/help-kit';
import { postShift, shiftCardText } from '../src/bot/features/help-shifts';
import { formatDay, localTime } from '../src/domain/help-time';
import { createShift } from '../src/domain/shifts';

/** /shift (staff): team → zone → day → start time → length → places → post to the team group. */
interface State {
  team?: string;
  zone?: string;
  day?: number;
  start?: number;
  hours?: number;
}

const DAYS = [0, 1, 2, 3, 4, 5, 6];
const LENGTHS = ['1', '2', '3', '4'];
const PLACES = ['1', '2', '3', '4', '5', '6', '8', '10'];

export function shiftFlow(deps: CoreDeps, kit: HelpKit) {
  const { communities } = deps;
  const tz = deps.config.timezone;
  const community = (c: FlowContext<State>) => communities.community(c.user.community_id ?? '') ?? communities.all[0];
  // Patrol teams first: shifts are mostly theirs.
  const teams = (c: FlowContext<State>) =>
    [...community(c).teams].sort((a, b) => Number(b.kind === 'patrol') - Number(a.kind === 'patrol'));

  return defineFlow<State>({
    id: 'hshift',
    first: 'team',
    initial: () => ({}),
    steps: {
      team: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('help.ask_shift_team'),
          choices: teams(c).map((t) => ({ label: localName(t.name, c.locale), value: t.id })),
          columns: 1,
        }),
        answer: (input, c) => {
          const v = chosen(
            input,
            teams(c).map((t) => t.id),
          );
          if (!v) return { retry: c.t('common.pick_a_button') };
          c.state.team = v;
          return { next: 'zone' };
        },
      },
      zone: {
        accepts: ['text'],
        ask: (c) => ({ text: c.t('help.ask_zone') }),
        answer: (input, c) => {
          const a = textAnswer(input, { max: 60 });
          if (!a.ok) return textRetry(c.t, a.reason, 60);
          c.state.zone = a.text;
          return { next: 'day' };
        },
      },
      day: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('help.ask_shift_day'),
          choices: DAYS.map((d) => ({ label: formatDay(c.now + d * 86_400_000, c.locale, tz), value: String(d) })),
        }),
        answer: (input, c) => {
          const v = chosen(input, DAYS.map(String));
          if (!v) return { retry: c.t('common.pick_a_button') };
          c.state.day = Number(v);
          return { next: 'start' };
        },
      },
      start: {
        accepts: ['text'],
        ask: (c) => ({ text: c.t('help.ask_shift_start') }),
        answer: (input, c) => {
          const at = localTime(c.now, tz, c.state.day ?? 0, input.kind === 'text' ? input.text : '');
          if (at === undefined) return { retry: c.t('help.time_invalid') };
          if (at <= c.now) return { retry: c.t('help.slot_past') };
          c.state.start = at;
          return { next: 'length' };
        },
      },
      length: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('help.ask_shift_length'),
          choices: LENGTHS.map((h) => ({ label: c.t('help.hours_n', { n: h }), value: h })),
        }),
        answer: (input, c) => {
          const v = chosen(input, LENGTHS);
          if (!v) return { retry: c.t('common.pick_a_button') };
          c.state.hours = Number(v);
          return { next: 'places' };
        },
      },
      places: {
        accepts: ['choice'],
        ask: (c) => ({ text: c.t('help.ask_places'), choices: PLACES.map((p) => ({ label: p, value: p })), columns: 4 }),
        answer: async (input, c) => {
          const v = chosen(input, PLACES);
          if (!v) return { retry: c.t('common.pick_a_button') };
          const s = c.state;
          let posted = false;
          const shift = await createShift(
            deps.db,
            c.now,
            {
              communityId: community(c).id,
              teamId: s.team!,
              zone: s.zone!,
              startsAt: s.start!,
              endsAt: s.start! + s.hours! * 3_600_000,
              places: Number(v),
              createdBy: c.userId,
            },
            async (tx, sh) => {
              posted = await postShift(kit, tx, c.now, sh);
            },
          );
          deps.sender.poke();
          const text = `${c.t(posted ? 'help.shift_created' : 'help.shift_created_no_group')}\n\n${shiftCardText(kit, shift, c.locale)}`;
          return { finish: { text, menu: true } };
        },
      },
    },
  });
}
