import { choiceStep, defineFlow, textStep, type FlowContext, type Outcome, type Step } from '../../src/bot/flow';
import { localName, type Community } from '../../src/community/config';
import type { CoreDeps } from '../../src/deps';
import { findRequest } from '../../src/domain/help';
import { formatDay, slotsLeft, slotWindow, SLOTS, type Slot } from '../../src/domain/help-time';
import { canStaff } from '../../src/domain/roles';
import type { HelpServices } from '../../src/features/help/services';
import { escapeHtml } from '../../src/i18n';
import type { VoiceNote } from '../../src/domain/voice';
import { buildingChoices, orVoice } from '../steps';
import { phoneStep } from './phone';

/**
 * /request (and staff's /requestfor): type → what → when → where → phone → review → submit.
 * A resident may ask for someone else (an elderly neighbour without Telegram); staff always
 * file for someone who phoned in. A resident's request waits for staff approval; staff's goes
 * to the team group at once. The card in the team group never shows who or where exactly.
 */
interface State {
  staff?: boolean;
  forOther?: boolean;
  name?: string;
  type?: string;
  /** The words, or '' when the details are the voice note. */
  details?: string;
  voice?: VoiceNote;
  urgent?: boolean;
  day?: number;
  windowStart?: number;
  windowEnd?: number;
  building?: string;
  unit?: string;
  address?: string;
  phone?: string;
}

type C = FlowContext<State>;

const DAYS = [0, 1, 2, 3] as const;

/** What the steps share: the services, and the community of the person asking. */
interface Parts {
  deps: CoreDeps;
  s: HelpServices;
  community: (c: C) => Community;
}

/** Who it is for, what kind of help, and what exactly. */
function whatSteps({ deps }: Parts): Record<string, Step<State>> {
  const helpTypes = deps.communities.config.helpTypes;
  return {
    who: choiceStep({
      ask: (c) => ({
        text: c.t('help.ask_who'),
        choices: [
          { label: c.t('help.who_me'), value: 'me' },
          { label: c.t('help.who_other'), value: 'other' },
        ],
        columns: 1,
      }),
      then: (who, c) => {
        c.state.forOther = who === 'other';
        return { next: who === 'other' ? 'name' : 'type' };
      },
    }),
    name: textStep({
      ask: (c) => ({ text: c.t('help.ask_name') }),
      max: 40,
      then: (name, c) => {
        c.state.name = name;
        return { next: 'type' };
      },
    }),
    type: choiceStep({
      ask: (c) => ({ text: c.t('help.ask_type'), choices: helpTypes.map((h) => ({ label: localName(h.name, c.locale), value: h.id })) }),
      then: (type, c) => {
        c.state.type = type;
        return { next: 'details' };
      },
    }),
    details: orVoice(
      textStep({
        ask: (c) => ({ text: c.t('help.ask_details') }),
        min: 4,
        max: 1000,
        then: (details, c) => {
          Object.assign(c.state, { details, voice: undefined });
          return { next: 'when' };
        },
      }),
      (voice, c) => {
        Object.assign(c.state, { details: '', voice });
        return { next: 'when' };
      },
    ),
  };
}

/** What the when-steps fill in: urgent (as soon as possible), or a day and a window on it. */
interface WhenState {
  urgent?: boolean;
  day?: number;
  windowStart?: number;
  windowEnd?: number;
}

/** The day choices: today only while one of its slots has not ended yet. */
function dayChoices<S>(c: FlowContext<S>, tz: string) {
  const days = DAYS.filter((d) => slotsLeft(c.now, tz, d).length > 0);
  return days.map((d) => ({
    label: d === 0 ? c.t('help.today') : d === 1 ? c.t('help.tomorrow') : formatDay(c.now + d * 86_400_000, c.locale, tz),
    value: String(d),
  }));
}

/**
 * A part of the chosen day: only the slots that have not ended are offered; a button of one that
 * ended since it was shown hears that the time has passed, and the slots left are asked again.
 */
function slotStep<S extends WhenState>(tz: string, after: (c: FlowContext<S>) => Outcome | Promise<Outcome>): Step<S> {
  const step = choiceStep<S>({
    ask: (c) => ({
      text: c.t('help.ask_slot'),
      choices: slotsLeft(c.now, tz, c.state.day ?? 0).map((slot) => ({
        label: c.t(`help.slot_${slot}`, { from: SLOTS[slot][0], to: SLOTS[slot][1] }),
        value: slot,
      })),
      columns: 1,
    }),
    then: (slot, c) => {
      const w = slotWindow(c.now, tz, c.state.day ?? 0, slot as Slot);
      c.state.windowStart = w.start;
      c.state.windowEnd = w.end;
      return after(c);
    },
  });
  const ended = (value: string, c: FlowContext<S>) => value in SLOTS && slotWindow(c.now, tz, c.state.day ?? 0, value as Slot).end <= c.now;
  return {
    ...step,
    answer: (input, c) => (input.kind === 'choice' && ended(input.value, c) ? { retry: c.t('help.slot_past') } : step.answer(input, c)),
  };
}

/**
 * When: as soon as possible, or a day and a part of it; then `after`. Only slots that have not
 * ended are offered ("Today" at 14:45 offers the afternoon and the evening), and a stale button
 * for a slot that ended since is refused.
 */
function whenSteps<S extends WhenState>(tz: string, after: (c: FlowContext<S>) => Outcome | Promise<Outcome>): Record<string, Step<S>> {
  return {
    when: choiceStep<S>({
      ask: (c) => ({
        text: c.t('help.ask_when'),
        choices: [{ label: c.t('help.when_asap'), value: 'asap' }, ...dayChoices(c, tz)],
      }),
      then: (v, c) => {
        if (v === 'asap') {
          Object.assign(c.state, { urgent: true, day: undefined, windowStart: undefined, windowEnd: undefined });
          return after(c);
        }
        c.state.urgent = false;
        c.state.day = Number(v);
        return { next: 'slot' };
      },
    }),
    slot: slotStep<S>(tz, after),
  };
}

/** Where: the asker's own home, or a building and an address; then a phone. */
function whereSteps({ deps, s, community }: Parts): Record<string, Step<State>> {
  return {
    where: choiceStep({
      ask: (c) => ({
        text: c.t('help.ask_where'),
        choices: [
          {
            label: c.t('help.where_home', {
              place: `${s.text.buildingName(community(c).id, c.user.building_id!, c.locale)} · ${c.user.unit}`,
            }),
            value: 'home',
          },
          { label: c.t('help.where_other'), value: 'other' },
        ],
        columns: 1,
      }),
      then: (v, c) => {
        if (v === 'other') return { next: 'building' };
        Object.assign(c.state, { building: c.user.building_id!, unit: c.user.unit!, address: undefined });
        return { next: 'phone' };
      },
    }),
    building: choiceStep({
      ask: (c) => ({ text: c.t('help.ask_building'), choices: buildingChoices(deps.communities, community(c).id, c.locale) }),
      then: (building, c) => {
        c.state.building = building;
        return { next: 'address' };
      },
    }),
    address: textStep({
      ask: (c) => ({ text: c.t('help.ask_address') }),
      max: 100,
      then: (address, c) => {
        Object.assign(c.state, { unit: undefined, address });
        return { next: 'phone' };
      },
    }),
    phone: phoneStep(
      (c) => ({
        text: c.t(c.state.forOther ? 'help.ask_phone_other' : 'help.ask_phone'),
        skippable: true,
        request: c.state.forOther ? undefined : 'contact',
      }),
      'review',
    ),
  };
}

/** Everything asked, once more before it is sent, with what the group will (not) see. */
function reviewText({ s, community }: Parts, c: C): string {
  const st = c.state;
  const h = s.text;
  const place = h.place({ communityId: community(c).id, buildingId: st.building!, unit: st.unit, address: st.address }, c.locale);
  return [
    c.t('help.review_title'),
    ...(st.name ? [c.t('help.review_for', { name: escapeHtml(st.name) })] : []),
    c.t('help.review_type', { type: escapeHtml(h.typeName(st.type!, c.locale)) }),
    c.t('help.details_what', { details: h.detailsOf({ details: st.details!, voice_seconds: st.voice?.seconds ?? null }, c.locale) }),
    c.t('help.card_when', { when: escapeHtml(h.when(st.windowStart ?? null, st.windowEnd ?? null, c.locale)) }),
    c.t('help.details_where', { place: escapeHtml(place) }),
    c.t('help.review_phone', { phone: escapeHtml(st.phone ?? '—') }),
    '',
    c.t('help.review_privacy'),
  ].join('\n');
}

function reviewStep(p: Parts): Step<State> {
  return choiceStep({
    ask: (c) => ({ text: reviewText(p, c), choices: [{ label: c.t('help.submit'), value: 'send' }], columns: 1 }),
    then: async (_send, c) => {
      const st = c.state;
      const communityId = p.community(c).id;
      // Staff filing a request have approved it by filing it.
      const approvedBy = st.staff || canStaff(c.role, c.user, communityId) ? c.userId : undefined;
      const { request, teamId } = await p.s.requests.submit(c.now, {
        communityId,
        buildingId: st.building!,
        requesterId: c.userId,
        onBehalfName: st.forOther ? st.name : undefined,
        onBehalfPhone: st.forOther ? st.phone : undefined,
        phone: st.forOther ? undefined : st.phone,
        type: st.type!,
        details: st.details!,
        voice: st.voice,
        urgent: Boolean(st.urgent),
        windowStart: st.windowStart,
        windowEnd: st.windowEnd,
        unit: st.unit,
        address: st.address,
        approvedBy,
        updateId: c.updateId,
      });
      const sent = approvedBy === undefined ? 'help.request_pending' : 'help.request_sent';
      const team = escapeHtml(p.s.text.teamName(communityId, teamId, c.locale));
      return { finish: { text: c.t(sent, { id: request.id, team }), menu: true } };
    },
  });
}

/** After the time: the asker's home when they have one on file, else a building. */
const afterWhen = (c: C): Outcome => {
  const hasHome = !c.state.forOther && !c.state.staff && Boolean(c.user.building_id && c.user.unit);
  return { next: hasHome ? 'where' : 'building' };
};

/** Started with `{ staff: true }` by /requestfor: staff file for someone who phoned in. */
export function requestFlow(deps: CoreDeps, s: HelpServices) {
  const { communities } = deps;
  const p: Parts = { deps, s, community: (c) => communities.community(c.user.community_id ?? '') ?? communities.all[0] };
  return defineFlow<State, { staff?: boolean }>({
    id: 'hreq',
    first: (st) => (st.staff ? 'name' : 'who'),
    initial: (_c, args) => ({ staff: Boolean(args.staff), forOther: Boolean(args.staff) }),
    steps: { ...whatSteps(p), ...whenSteps<State>(s.text.tz, afterWhen), ...whereSteps(p), review: reviewStep(p) },
  });
}

interface RepostState extends WhenState {
  request: number;
}

/**
 * A slot passed unclaimed and the requester chose a new time: the same when-steps (only times to
 * come), then the request is posted again with that window. Started from the "time passed" question.
 */
export function repostFlow(deps: CoreDeps, s: HelpServices) {
  return defineFlow<RepostState, { requestId: number }>({
    id: 'hrepost',
    first: 'when',
    initial: (_c, args) => ({ request: args.requestId }),
    steps: whenSteps<RepostState>(s.text.tz, async (c) => {
      const id = c.state.request;
      const request = await findRequest(deps.db, id);
      const window = { start: c.state.windowStart ?? null, end: c.state.windowEnd ?? null, urgent: Boolean(c.state.urgent) };
      const task = request && (await s.requests.repost(c.now, request, c.userId, window));
      if (!task) return { finish: { text: c.t('help.new_time_not_needed', { id }), menu: true } };
      const when = escapeHtml(s.text.when(task.window_start, task.window_end, c.locale));
      return { finish: { text: c.t('help.reposted', { id, when }), menu: true } };
    }),
  });
}
