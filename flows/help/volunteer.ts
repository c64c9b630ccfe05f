import { choiceStep, defineFlow, textStep, type FlowContext, type Step } from '../../src/bot/flow';
import { localName } from '../../src/community/config';
import type { CoreDeps } from '../../src/deps';
import type { HelpServices } from '../../src/features/help/services';
import { escapeHtml } from '../../src/i18n';
import { phoneStep } from './phone';

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

export function volunteerFlow(deps: CoreDeps, s: HelpServices) {
  const { communities } = deps;
  const community = (c: FlowContext<State>) => communities.community(c.user.community_id ?? '') ?? communities.all[0];
  const optionalText = (key: string, next: string, field: 'skills' | 'availability'): Step<State> =>
    textStep({
      ask: (c) => ({ text: c.t(key), skippable: true }),
      max: 200,
      then: (text, c) => {
        c.state[field] = text;
        return { next };
      },
    });

  /** The last answer: the sign-up goes to whoever decides for each team. */
  const submit = async (named: string, c: FlowContext<State>) => {
    c.state.named = named === 'yes';
    const pending = await s.volunteers.signUpFor(
      c.now,
      {
        userId: c.userId,
        communityId: community(c).id,
        teams: c.state.teams,
        skills: c.state.skills,
        availability: c.state.availability,
        phone: c.state.phone,
        agreedToBeNamed: c.state.named,
      },
      c.user.first_name,
    );
    if (pending.length === 0) return { finish: { text: c.t('help.signup_already'), menu: true } };
    const names = pending.map((m) => s.text.teamName(m.community_id, m.team_id, c.locale)).join('、');
    return { finish: { text: c.t('help.signup_sent', { teams: escapeHtml(names) }), menu: true } };
  };

  return defineFlow<State>({
    id: 'hvol',
    first: 'teams',
    initial: () => ({ teams: [] }),
    steps: {
      teams: choiceStep({
        ask: (c) => ({
          text: c.t('help.ask_teams'),
          choices: [
            ...community(c).teams.map((t) => ({
              label: `${c.state.teams.includes(t.id) ? '✅ ' : ''}${localName(t.name, c.locale)}`,
              value: t.id,
            })),
            { label: c.t('help.teams_done'), value: DONE },
          ],
          columns: 1,
        }),
        then: (v, c) => {
          if (v === DONE) return c.state.teams.length > 0 ? { next: 'skills' } : { retry: c.t('help.teams_none') };
          c.state.teams = c.state.teams.includes(v) ? c.state.teams.filter((t) => t !== v) : [...c.state.teams, v];
          return { next: 'teams' };
        },
      }),
      skills: optionalText('help.ask_skills', 'availability', 'skills'),
      availability: optionalText('help.ask_availability', 'phone', 'availability'),
      phone: phoneStep((c) => ({ text: c.t('help.ask_volunteer_phone'), skippable: true, request: 'contact' }), 'named'),
      named: choiceStep({
        ask: (c) => ({
          text: c.t('help.ask_named'),
          choices: [
            { label: c.t('help.named_yes'), value: 'yes' },
            { label: c.t('help.named_no'), value: 'no' },
          ],
          columns: 1,
        }),
        then: submit,
      }),
    },
  });
}
