import { choiceStep, defineFlow, textStep, type FlowContext } from '../../src/bot/flow';
import { localName } from '../../src/community/config';
import type { CoreDeps } from '../../src/deps';
import { formatDay, localTime } from '../../src/domain/help-time';
import type { HelpServices } from '../../src/features/help/services';
import { shiftCardText } from '../../src/features/help/views/shifts';

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

/** The last answer: the shift is created and posted. */
async function create(s: HelpServices, communityId: string, places: string, c: FlowContext<State>) {
  const st = c.state;
  const { shift, posted } = await s.shifts.create(c.now, {
    communityId,
    teamId: st.team!,
    zone: st.zone!,
    startsAt: st.start!,
    endsAt: st.start! + st.hours! * 3_600_000,
    places: Number(places),
    createdBy: c.userId,
  });
  const text = `${c.t(posted ? 'help.shift_created' : 'help.shift_created_no_group')}\n\n${shiftCardText(s.text, shift, c.locale)}`;
  return { finish: { text, menu: true } };
}

export function shiftFlow(deps: CoreDeps, s: HelpServices) {
  const { communities } = deps;
  const tz = s.text.tz;
  const community = (c: FlowContext<State>) => communities.community(c.user.community_id ?? '') ?? communities.all[0];
  // Patrol teams first: shifts are mostly theirs.
  const teams = (c: FlowContext<State>) =>
    [...community(c).teams].sort((a, b) => Number(b.kind === 'patrol') - Number(a.kind === 'patrol'));

  return defineFlow<State>({
    id: 'hshift',
    first: 'team',
    initial: () => ({}),
    steps: {
      team: choiceStep({
        ask: (c) => ({
          text: c.t('help.ask_shift_team'),
          choices: teams(c).map((t) => ({ label: localName(t.name, c.locale), value: t.id })),
          columns: 1,
        }),
        then: (team, c) => {
          c.state.team = team;
          return { next: 'zone' };
        },
      }),
      zone: textStep({
        ask: (c) => ({ text: c.t('help.ask_zone') }),
        max: 60,
        then: (zone, c) => {
          c.state.zone = zone;
          return { next: 'day' };
        },
      }),
      day: choiceStep({
        ask: (c) => ({
          text: c.t('help.ask_shift_day'),
          choices: DAYS.map((d) => ({ label: formatDay(c.now + d * 86_400_000, c.locale, tz), value: String(d) })),
        }),
        then: (day, c) => {
          c.state.day = Number(day);
          return { next: 'start' };
        },
      }),
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
      length: choiceStep({
        ask: (c) => ({
          text: c.t('help.ask_shift_length'),
          choices: LENGTHS.map((n) => ({ label: c.t('help.hours_n', { n }), value: n })),
        }),
        then: (hours, c) => {
          c.state.hours = Number(hours);
          return { next: 'places' };
        },
      }),
      places: choiceStep({
        ask: (c) => ({ text: c.t('help.ask_places'), choices: PLACES.map((p) => ({ label: p, value: p })), columns: 4 }),
        then: (places, c) => create(s, community(c).id, places, c),
      }),
    },
  });
}
