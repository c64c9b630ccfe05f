import { localName } from '../../../community/config';
import type { CoreDeps } from '../../../deps';
import { audit } from '../../../domain/audit';
import { attachBroadcast, createPoll, tallies, turnoutByBuilding, type NewPoll, type PollRow } from '../../../domain/polls';
import type { Recipient } from '../../../domain/notices';
import { escapeHtml, type Locale } from '../../../i18n';
import { broadcastOfUpdate } from '../../../delivery/broadcasts';
import { sendBroadcast } from '../../notices/services/broadcasts';
import { pollKeyboard, pollView, renderPoll, type PollLook, type PollView } from '../views/poll';
import type { Standings } from '../views/results';

/**
 * Creating a poll and sending it: the poll row, its tallies at zero and its broadcast (one
 * outbox row per recipient at bulk priority, with the notices' progress message and Stop) in
 * one transaction. The broadcast's rows are the poll's electorate.
 */

/** Polls go to the subscribers of notices (居务公开) where an audience is limited by topic. */
export const POLL_TOPIC = 'notices' as const;

export function pollLook(deps: Pick<CoreDeps, 'communities' | 'config' | 'i18n'>, communityId: string, locale: Locale): PollLook {
  const community = deps.communities.community(communityId);
  return {
    t: deps.i18n.translator(locale),
    locale,
    timeZone: deps.config.timezone,
    community: community ? localName(community.name, locale) : communityId,
  };
}

/** /poll's send: the poll, its broadcast and audit entry in one transaction, once per update (see sendNotice). */
export async function sendPoll(deps: CoreDeps, now: number, p: NewPoll, recipients: Recipient[], updateId: number): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    if ((await broadcastOfUpdate(tx, now, { updateId, createdBy: p.createdBy })) !== undefined) return;
    const id = await createPoll(tx, now, p);
    const view: PollView = { ...p, id, round: p.round };
    const broadcastId = await sendBroadcast(tx, now, deps, {
      updateId,
      communityId: p.communityId,
      kind: 'poll',
      createdBy: p.createdBy,
      audience: p.audience,
      topic: POLL_TOPIC,
      urgent: false,
      text: escapeHtml(p.question),
      recipients,
      render: (locale) => {
        const look = pollLook(deps, p.communityId, locale);
        return { text: renderPoll(look, view), keyboard: pollKeyboard(look.t, view, 0, { canVote: true, voted: false }) };
      },
    });
    await attachBroadcast(tx, id, broadcastId);
    await audit(tx, now, p.createdBy, 'poll.broadcast', `broadcast:${broadcastId}`, { poll: id, recipients: recipients.length });
  });
  deps.sender.poke();
}

/** The standings now; with turnout per building (named in `locale`) for staff and the committee group. */
export async function standingsOf(
  deps: Pick<CoreDeps, 'db' | 'communities'>,
  poll: PollRow,
  opts: { turnout: boolean; locale: Locale },
): Promise<Standings> {
  const votes = await tallies(deps.db, poll.id);
  const standings: Standings = { poll: pollView(poll), votes, ballots: Number(poll.voters) };
  if (!opts.turnout) return standings;
  const community = deps.communities.community(poll.community_id);
  const nameOf = (id: string) => {
    const b = community?.buildings.find((x) => x.id === id);
    return b ? localName(b.name, opts.locale) : id;
  };
  standings.turnout = (await turnoutByBuilding(deps.db, poll)).map((b) => ({ ...b, name: nameOf(b.buildingId) }));
  return standings;
}
