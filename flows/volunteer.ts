import { localName } from '../src/community/config';
import type { CoreDeps } from '../src/deps';
import { chosen, defineFlow, textAnswer, textRetry, type FlowContext } from '../src/bot/flow';
import { memberButton, type HelpKit } from '../src/bot/features/help-kit';
import { leadsOf, signUp, type TeamMember } from '../src/domain/volunteers';
import { escapeHtml, type Locale } from '../src/i18n';
import type { Executor } from '../src/store/db';
import { phoneStep } from './request';

/**
 * /volunteer: teams (several) → skills → usual availability → phone for staff → may the group
 * see your name → submit. Each team's lead decides privately; with no lead, the committee group.
 */
interface State {
  teams: string[];
  skills?: string;
  availability?: string;
  phone?: string;
  named?: boolean;
}

const DONE = '!';

export function volunteerFlow(deps: CoreDeps, kit: HelpKit) {
  const { communities } = deps;
  const teams = (c: FlowContext<State>) => (communities.community(c.user.community_id ?? '') ?? communities.all[0]).teams;
  const optionalText = (key: string, next: string, field: 'skills' | 'availability') => ({
    accepts: ['text', 'skip'] as ('text' | 'skip')[],
    ask: (c: FlowContext<State>) => ({ text: c.t(key), skippable: true }),
    answer: (input: Parameters<typeof textAnswer>[0], c: FlowContext<State>) => {
      if (input.kind === 'skip') {
        c.state[field] = undefined;
        return { next };
      }
      const a = textAnswer(input, { max: 200 });
      if (!a.ok) return textRetry(c.t, a.reason, 200);
      c.state[field] = a.text;
      return { next };
    },
  });

  /** The decision request: to each lead privately, or to the committee group without the phone. */
  const askForDecision = async (tx: Executor, now: number, m: TeamMember, name: string) => {
    const params = (l: Locale) => ({
      name: escapeHtml(name),
      team: escapeHtml(kit.teamName(m.community_id, m.team_id, l)),
      skills: escapeHtml(m.skills ?? '—'),
      availability: escapeHtml(m.availability ?? '—'),
    });
    const keyboard = (l: Locale) => [
      [
        { text: kit.t(l, 'approve'), callback_data: memberButton.pack({ member: m.id, yes: 1 }) },
        { text: kit.t(l, 'decline'), callback_data: memberButton.pack({ member: m.id, yes: 0 }) },
      ],
    ];
    const privately = (l: Locale) => ({ ...params(l), phone: escapeHtml(m.phone ?? '—') });
    const leads = await leadsOf(tx, m.community_id, m.team_id);
    for (const lead of leads) await kit.notifyUserL(tx, now, lead, 'signup_for_lead', privately, keyboard);
    // No lead: the committee group (without the phone), or staff privately when there is none.
    if (leads.length === 0) {
      await kit.toStaff(tx, now, m.community_id, (l, inGroup) => ({
        text: inGroup ? kit.t(l, 'signup_for_committee', params(l)) : kit.t(l, 'signup_for_lead', privately(l)),
        keyboard: keyboard(l),
      }));
    }
  };

  return defineFlow<State>({
    id: 'hvol',
    first: 'teams',
    initial: () => ({ teams: [] }),
    steps: {
      teams: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('help.ask_teams'),
          choices: [
            ...teams(c).map((t) => ({ label: `${c.state.teams.includes(t.id) ? '✅ ' : ''}${localName(t.name, c.locale)}`, value: t.id })),
            { label: c.t('help.teams_done'), value: DONE },
          ],
          columns: 1,
        }),
        answer: (input, c) => {
          const v = chosen(input, [...teams(c).map((t) => t.id), DONE]);
          if (!v) return { retry: c.t('common.pick_a_button') };
          if (v === DONE) return c.state.teams.length > 0 ? { next: 'skills' } : { retry: c.t('help.teams_none') };
          c.state.teams = c.state.teams.includes(v) ? c.state.teams.filter((t) => t !== v) : [...c.state.teams, v];
          return { next: 'teams' };
        },
      },
      skills: optionalText('help.ask_skills', 'availability', 'skills'),
      availability: optionalText('help.ask_availability', 'phone', 'availability'),
      phone: phoneStep((c) => ({ text: c.t('help.ask_volunteer_phone'), skippable: true, request: 'contact' }), 'named'),
      named: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('help.ask_named'),
          choices: [
            { label: c.t('help.named_yes'), value: 'yes' },
            { label: c.t('help.named_no'), value: 'no' },
          ],
          columns: 1,
        }),
        answer: async (input, c) => {
          const v = chosen(input, ['yes', 'no']);
          if (!v) return { retry: c.t('common.pick_a_button') };
          c.state.named = v === 'yes';
          const community = communities.community(c.user.community_id ?? '') ?? communities.all[0];
          const pending = await signUp(
            deps.db,
            c.now,
            {
              userId: c.userId,
              communityId: community.id,
              teams: c.state.teams,
              skills: c.state.skills,
              availability: c.state.availability,
              phone: c.state.phone,
              agreedToBeNamed: c.state.named,
            },
            async (tx, rows) => {
              for (const m of rows) await askForDecision(tx, c.now, m, c.user.first_name);
            },
          );
          deps.sender.poke();
          if (pending.length === 0) return { finish: { text: c.t('help.signup_already'), menu: true } };
          const names = pending.map((m) => kit.teamName(m.community_id, m.team_id, c.locale)).join('、');
          return { finish: { text: c.t('help.signup_sent', { teams: escapeHtml(names) }), menu: true } };
        },
      },
    },
  });
}
