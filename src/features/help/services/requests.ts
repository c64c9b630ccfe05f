import type { CoreDeps } from '../../../deps';
import { voiceLength } from '../../../delivery/media';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import {
  addNote,
  addVoiceNote,
  cancelRequest,
  createRequest,
  findRequest,
  repostRequest,
  teamFor,
  type HelpRequest,
  type NewRequest,
} from '../../../domain/help';
import type { VoiceNote } from '../../../domain/voice';
import { escapeHtml } from '../../../i18n';
import type { Executor } from '../../../store/db';
import { taskDetailsRef } from '../views/tasks';
import type { HelpText } from '../views/text';
import type { ApprovalCards } from './approval-cards';
import type { Approvals } from './approvals';
import type { Cards } from './cards';
import { bindParts } from './bind';
import type { Notices } from './notices';

/** A request's life on the requester's side: filed, noted, cancelled. */

export type Requests = ReturnType<typeof requestService>;

/** What the request functions use. */
interface RequestParts {
  deps: Pick<CoreDeps, 'db' | 'sender' | 'communities' | 'users'>;
  h: HelpText;
  notices: Notices;
  cards: Cards;
  approvalCards: ApprovalCards;
  approvals: Approvals;
}

export function requestService(
  deps: RequestParts['deps'],
  h: HelpText,
  notices: Notices,
  cards: Cards,
  approvalCards: ApprovalCards,
  approvals: Approvals,
) {
  return bindParts({ deps, h, notices, cards, approvalCards, approvals } as RequestParts, { submit, cancelByRequester, note, repost });
}

/** Files a request for the team of its type: staff's goes to the group at once, a resident's waits for approval. */
async function submit({ deps, cards, approvalCards }: RequestParts, now: number, input: NewRequest) {
  const teamId = teamFor(deps.communities, input.communityId, input.type);
  const { request } = await createRequest(
    deps.db,
    now,
    input,
    teamId,
    (tx, task, req) => cards.postOrTellStaff(tx, now, task, req),
    (tx, req) => approvalCards.post(tx, now, req),
  );
  deps.sender.poke();
  return { request, teamId };
}

/** The requester cancels: the card in the group stops offering Claim, and staff's approval card stops asking. */
async function cancelByRequester(
  { deps, h, cards, approvals }: RequestParts,
  now: number,
  request: HelpRequest,
  userId: number,
): Promise<boolean> {
  const { db } = deps;
  if (!(await cancelRequest(db, now, request.id, userId, 'requester'))) return false;
  const task = await db.selectFrom('tasks').selectAll().where('request_id', '=', request.id).orderBy('id', 'desc').executeTakeFirst();
  await db.transaction().execute(async (tx) => {
    if (task) await cards.editCard(tx, now, task, request, 'card_cancelled');
    await approvals.settle(tx, now, (await findRequest(tx, request.id))!, (l) => h.t(l, 'approval_cancelled'));
  });
  deps.sender.poke();
  return true;
}

/** The requester adds a note (typed, or a voice message); whoever is on it hears the note at once. */
async function note(p: RequestParts, now: number, request: HelpRequest, note: string | VoiceNote) {
  await p.deps.db.transaction().execute(async (tx) => {
    const line = typeof note === 'string' ? note : `🎤 ${voiceLength(note.seconds)}`;
    if (typeof note === 'string') await addNote(tx, now, request.id, note);
    else await addVoiceNote(tx, now, request.id, note, line);
    const active = await tx
      .selectFrom('tasks')
      .select(['id', 'claimed_by'])
      .where('request_id', '=', request.id)
      .where('status', 'in', ['claimed', 'started'])
      .execute();
    for (const task of active) {
      if (task.claimed_by === null) continue;
      if (typeof note === 'string')
        await p.notices.notifyUser(tx, now, task.claimed_by, 'note_for_claimer', { id: task.id, note: escapeHtml(note) });
      else await tellClaimerVoice(p, tx, now, task, task.claimed_by, note, line);
    }
  });
  p.deps.sender.poke();
}

/** The claimer hears a voice note itself, filed with the task's details (so /deleteme drops them together). */
async function tellClaimerVoice(
  p: RequestParts,
  tx: Executor,
  now: number,
  task: { id: number },
  claimer: number,
  voice: VoiceNote,
  line: string,
) {
  const locale = await p.deps.users.localeOf(claimer, tx);
  const text = p.h.t(locale, 'note_for_claimer', { id: task.id, note: line });
  await enqueue(tx, now, { chatId: claimer, text, voice, priority: PRIORITY.personal, ref: taskDetailsRef(task.id) });
}

/**
 * The requester re-posts a request whose slot passed unclaimed, for the new time they chose: a
 * fresh task to the team as at approval. Undefined when it was re-posted already, or is not theirs.
 */
async function repost(
  { deps, cards }: RequestParts,
  now: number,
  request: HelpRequest,
  userId: number,
  window: { start: number | null; end: number | null; urgent: boolean },
) {
  const task = await repostRequest(deps.db, now, request.id, userId, window, (tx, t, req) => cards.postOrTellStaff(tx, now, t, req));
  if (task) deps.sender.poke();
  return task;
}
