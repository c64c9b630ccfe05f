import { localName } from '../src/community/config';
import type { CoreDeps } from '../src/deps';
import {
  chosen,
  defineFlow,
  textAnswer,
  textRetry,
  type FlowContext,
  type Input,
  type Outcome,
  type Prompt,
  type Step,
} from '../src/bot/flow';
import type { Approvals } from '../src/bot/features/help-approval';
import type { HelpKit } from '../src/bot/features/help-kit';
import { createRequest, teamFor } from '../src/domain/help';
import { canStaff } from '../src/domain/roles';
import { formatDay, slotWindow, SLOTS, type Slot } from '../src/domain/help-time';
import { escapeHtml } from '../src/i18n';

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
  details?: string;
  urgent?: boolean;
  day?: number;
  windowStart?: number;
  windowEnd?: number;
  building?: string;
  unit?: string;
  address?: string;
  phone?: string;
}

export const PHONE = /^\+?[\d\s()-]{5,20}$/;
const DAYS = [0, 1, 2, 3] as const;

/** A phone from the contact button or typed; undefined when it does not look like one. */
export function phoneAnswer(input: Input): string | undefined {
  if (input.kind === 'contact') return input.phone;
  if (input.kind === 'text' && PHONE.test(input.text.trim())) return input.text.trim();
  return undefined;
}

/** An optional phone step (contact button, typed, or skipped), shared by the help flows. */
export function phoneStep<S extends { phone?: string }>(ask: (c: FlowContext<S>) => Prompt, next: string): Step<S> {
  return {
    accepts: ['contact', 'text', 'skip'],
    ask,
    answer: (input, c) => {
      const phone = input.kind === 'skip' ? undefined : phoneAnswer(input);
      if (input.kind !== 'skip' && !phone) return { retry: c.t('help.phone_invalid') };
      c.state.phone = phone;
      return { next };
    },
  };
}

export function requestFlow(deps: CoreDeps, kit: HelpKit, approvals: Approvals) {
  const { communities } = deps;
  const tz = deps.config.timezone;
  const community = (c: FlowContext<State>) => communities.community(c.user.community_id ?? '') ?? communities.all[0];
  const hasHome = (c: FlowContext<State>) => !c.state.forOther && !c.state.staff && Boolean(c.user.building_id && c.user.unit);
  const afterWhen = (c: FlowContext<State>): Outcome => ({ next: hasHome(c) ? 'where' : 'building' });

  return defineFlow<State>({
    id: 'hreq',
    first: (s) => (s.staff ? 'name' : 'who'),
    initial: (_c, args) => ({ staff: args.staff === '1', forOther: args.staff === '1' }),
    steps: {
      who: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('help.ask_who'),
          choices: [
            { label: c.t('help.who_me'), value: 'me' },
            { label: c.t('help.who_other'), value: 'other' },
          ],
          columns: 1,
        }),
        answer: (input, c) => {
          const who = chosen(input, ['me', 'other']);
          if (!who) return { retry: c.t('common.pick_a_button') };
          c.state.forOther = who === 'other';
          return { next: who === 'other' ? 'name' : 'type' };
        },
      },
      name: {
        accepts: ['text'],
        ask: (c) => ({ text: c.t('help.ask_name') }),
        answer: (input, c) => {
          const a = textAnswer(input, { max: 40 });
          if (!a.ok) return textRetry(c.t, a.reason, 40);
          c.state.name = a.text;
          return { next: 'type' };
        },
      },
      type: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('help.ask_type'),
          choices: communities.config.helpTypes.map((h) => ({ label: localName(h.name, c.locale), value: h.id })),
        }),
        answer: (input, c) => {
          const type = chosen(
            input,
            communities.config.helpTypes.map((h) => h.id),
          );
          if (!type) return { retry: c.t('common.pick_a_button') };
          c.state.type = type;
          return { next: 'details' };
        },
      },
      details: {
        accepts: ['text'],
        ask: (c) => ({ text: c.t('help.ask_details') }),
        answer: (input, c) => {
          const a = textAnswer(input, { min: 4, max: 1000 });
          if (!a.ok) return textRetry(c.t, a.reason, 1000);
          c.state.details = a.text;
          return { next: 'when' };
        },
      },
      when: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('help.ask_when'),
          choices: [
            { label: c.t('help.when_asap'), value: 'asap' },
            ...DAYS.map((d) => ({
              label: d === 0 ? c.t('help.today') : d === 1 ? c.t('help.tomorrow') : formatDay(c.now + d * 86_400_000, c.locale, tz),
              value: String(d),
            })),
          ],
        }),
        answer: (input, c) => {
          const v = chosen(input, ['asap', ...DAYS.map(String)]);
          if (!v) return { retry: c.t('common.pick_a_button') };
          if (v === 'asap') {
            Object.assign(c.state, { urgent: true, day: undefined, windowStart: undefined, windowEnd: undefined });
            return afterWhen(c);
          }
          c.state.urgent = false;
          c.state.day = Number(v);
          return { next: 'slot' };
        },
      },
      slot: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('help.ask_slot'),
          choices: (Object.keys(SLOTS) as Slot[]).map((s) => ({
            label: c.t(`help.slot_${s}`, { from: SLOTS[s][0], to: SLOTS[s][1] }),
            value: s,
          })),
          columns: 1,
        }),
        answer: (input, c) => {
          const slot = chosen(input, Object.keys(SLOTS)) as Slot | undefined;
          if (!slot) return { retry: c.t('common.pick_a_button') };
          const w = slotWindow(c.now, tz, c.state.day ?? 0, slot);
          if (w.end <= c.now) return { retry: c.t('help.slot_past') };
          c.state.windowStart = w.start;
          c.state.windowEnd = w.end;
          return afterWhen(c);
        },
      },
      where: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('help.ask_where'),
          choices: [
            {
              label: c.t('help.where_home', {
                place: `${kit.buildingName(community(c).id, c.user.building_id!, c.locale)} · ${c.user.unit}`,
              }),
              value: 'home',
            },
            { label: c.t('help.where_other'), value: 'other' },
          ],
          columns: 1,
        }),
        answer: (input, c) => {
          const v = chosen(input, ['home', 'other']);
          if (!v) return { retry: c.t('common.pick_a_button') };
          if (v === 'other') return { next: 'building' };
          Object.assign(c.state, { building: c.user.building_id!, unit: c.user.unit!, address: undefined });
          return { next: 'phone' };
        },
      },
      building: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('help.ask_building'),
          choices: community(c).buildings.map((b) => ({ label: localName(b.name, c.locale), value: b.id })),
        }),
        answer: (input, c) => {
          const b = chosen(
            input,
            community(c).buildings.map((x) => x.id),
          );
          if (!b) return { retry: c.t('common.pick_a_button') };
          c.state.building = b;
          return { next: 'address' };
        },
      },
      address: {
        accepts: ['text'],
        ask: (c) => ({ text: c.t('help.ask_address') }),
        answer: (input, c) => {
          const a = textAnswer(input, { max: 100 });
          if (!a.ok) return textRetry(c.t, a.reason, 100);
          Object.assign(c.state, { unit: undefined, address: a.text });
          return { next: 'phone' };
        },
      },
      phone: phoneStep(
        (c) => ({
          text: c.t(c.state.forOther ? 'help.ask_phone_other' : 'help.ask_phone'),
          skippable: true,
          request: c.state.forOther ? undefined : 'contact',
        }),
        'review',
      ),
      review: {
        accepts: ['choice'],
        ask: (c) => {
          const s = c.state;
          const place = [kit.buildingName(community(c).id, s.building!, c.locale), s.unit, s.address].filter(Boolean).join(' · ');
          const lines = [
            c.t('help.review_title'),
            ...(s.name ? [c.t('help.review_for', { name: escapeHtml(s.name) })] : []),
            c.t('help.review_type', { type: escapeHtml(kit.typeName(s.type!, c.locale)) }),
            c.t('help.details_what', { details: escapeHtml(s.details!) }),
            c.t('help.card_when', { when: escapeHtml(kit.when(s.windowStart ?? null, s.windowEnd ?? null, c.locale)) }),
            c.t('help.details_where', { place: escapeHtml(place) }),
            c.t('help.review_phone', { phone: escapeHtml(s.phone ?? '—') }),
            '',
            c.t('help.review_privacy'),
          ];
          return { text: lines.join('\n'), choices: [{ label: c.t('help.submit'), value: 'send' }], columns: 1 };
        },
        answer: async (input, c) => {
          if (!chosen(input, ['send'])) return { retry: c.t('common.pick_a_button') };
          const s = c.state;
          const communityId = community(c).id;
          const teamId = teamFor(deps, communityId, s.type!);
          // Staff filing a request have approved it by filing it.
          const approvedBy = s.staff || canStaff(c.role, c.user, communityId) ? c.userId : undefined;
          const { request } = await createRequest(
            deps.db,
            c.now,
            {
              communityId,
              buildingId: s.building!,
              requesterId: c.userId,
              onBehalfName: s.forOther ? s.name : undefined,
              onBehalfPhone: s.forOther ? s.phone : undefined,
              phone: s.forOther ? undefined : s.phone,
              type: s.type!,
              details: s.details!,
              urgent: Boolean(s.urgent),
              windowStart: s.windowStart,
              windowEnd: s.windowEnd,
              unit: s.unit,
              address: s.address,
              approvedBy,
            },
            teamId,
            (tx, task, req) => kit.postOrTellStaff(tx, c.now, task, req),
            (tx, req) => approvals.post(tx, c.now, req),
          );
          deps.sender.poke();
          const sent = approvedBy === undefined ? 'help.request_pending' : 'help.request_sent';
          return {
            finish: { text: c.t(sent, { id: request.id, team: escapeHtml(kit.teamName(communityId, teamId, c.locale)) }), menu: true },
          };
        },
      },
    },
  });
}
