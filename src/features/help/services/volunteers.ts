import type { CoreDeps } from '../../../deps';
import { teamChat } from '../../../domain/chat-links';
import { leadsOf, signUp, type SignUp, type TeamMember } from '../../../domain/volunteers';
import { escapeHtml, type Locale } from '../../../i18n';
import type { Logger } from '../../../logger';
import type { Executor } from '../../../store/db';
import { memberDecisionKeyboard, signupParams } from '../views/volunteers';
import type { HelpText } from '../views/text';
import type { Notices } from './notices';

/** Volunteer sign-ups: each team's lead decides privately; with no lead, the committee group. */

export type Volunteers = ReturnType<typeof volunteerService>;

export function volunteerService(deps: Pick<CoreDeps, 'db' | 'sender' | 'api'>, h: HelpText, notices: Notices) {
  const { db } = deps;

  /** The decision request: to each lead privately, or to the committee group without the phone. */
  const askForDecision = async (tx: Executor, now: number, m: TeamMember, name: string) => {
    const { params, privately } = signupParams(h, m, name);
    const keyboard = (l: Locale) => memberDecisionKeyboard(h, m, l);
    const leads = await leadsOf(tx, m.community_id, m.team_id);
    for (const lead of leads) await notices.notifyUser(tx, now, lead, 'signup_for_lead', privately, { keyboard });
    // No lead: the committee group (without the phone), or staff privately when there is none.
    if (leads.length === 0) {
      await notices.toStaff(tx, now, m.community_id, (l, inGroup) => ({
        text: inGroup ? h.t(l, 'signup_for_committee', params(l)) : h.t(l, 'signup_for_lead', privately(l)),
        keyboard: keyboard(l),
      }));
    }
  };

  /** Signs someone up for teams; the rows that now wait for a decision (none: they were in all of them). */
  const signUpFor = async (now: number, s: SignUp, name: string): Promise<TeamMember[]> => {
    const pending = await signUp(db, now, s, async (tx, rows) => {
      for (const m of rows) await askForDecision(tx, now, m, name);
    });
    deps.sender.poke();
    return pending;
  };

  /** A one-person invite link to the team's group, or undefined (no group linked, or Telegram refused). */
  const inviteLink = async (m: TeamMember, volunteerId: number, log: Logger): Promise<string | undefined> => {
    const chatId = await teamChat(db, m.community_id, m.team_id);
    if (chatId === undefined) return undefined;
    try {
      const name = `volunteer ${volunteerId}`.slice(0, 32);
      const made = (await deps.api('createChatInviteLink', { chat_id: chatId, member_limit: 1, name })) as { invite_link: string };
      return made.invite_link;
    } catch (err) {
      log.warn({ err, chatId }, 'could not create a team invite link');
      return undefined;
    }
  };

  /** After a decision: the volunteer hears it, with an invite link to the team's group when approved. */
  const tellDecision = async (now: number, m: TeamMember, approve: boolean, volunteerId: number, log: Logger) => {
    // The invite link is made after the decision, so a lost race never makes a stray link.
    const link = approve ? await inviteLink(m, volunteerId, log) : undefined;
    await db.transaction().execute(async (tx) => {
      if (!approve) return notices.notifyUser(tx, now, volunteerId, 'signup_declined', (l) => ({ team: h.teamOf(m, l) }));
      await notices.notifyUser(tx, now, volunteerId, link ? 'signup_approved' : 'signup_approved_no_link', (l: Locale) => ({
        team: h.teamOf(m, l),
        link: escapeHtml(link ?? ''),
      }));
    });
    deps.sender.poke();
  };

  return { signUpFor, tellDecision };
}
