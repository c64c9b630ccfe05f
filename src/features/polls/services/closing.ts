import type { CoreDeps } from '../../../deps';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import { committeeGroup } from '../../../domain/chat-links';
import { audienceMembers, parseAudience, topicFilter } from '../../../domain/notices';
import {
  claimClose,
  claimReminder,
  dueForReminder,
  dueToClose,
  electorate,
  optionsOf,
  topOptions,
  voterKey,
  votedKeys,
  type PollRow,
} from '../../../domain/polls';
import { escapeHtml, type Locale } from '../../../i18n';
import type { Executor } from '../../../store/db';
import { nextRoundButton } from '../buttons';
import { pollKeyboard, pollView, renderPoll } from '../views/poll';
import { renderResultChart, renderStandings } from '../views/results';
import { pollLook, POLL_TOPIC, standingsOf } from './polls';
import { list } from '../../../phrases';

/**
 * The poll jobs: at closing the result (text, then the chart as a reply to it) to the
 * committee group and the creator; a day before closing one reminder to those who have not voted.
 * The result is built before the poll is claimed (votes stop at closes_at, so it is final) and
 * written in the claim's transaction: a crash loses neither the result nor sends it twice.
 */

export async function closeDuePolls(deps: CoreDeps, now: number): Promise<void> {
  for (const due of await dueToClose(deps.db, now)) {
    const poll: PollRow = { ...due, status: 'closed' };
    // The committee group reads its own language (/lang there); the creator theirs.
    const group = await committeeGroup(deps.db, poll.community_id, deps.config.defaultLocale);
    const forGroup = group && (await resultOf(deps, poll, group.locale, true));
    const forCreator = await resultOf(deps, poll, await deps.users.localeOf(poll.created_by), false);
    await deps.db.transaction().execute(async (tx) => {
      if (!(await claimClose(tx, now, poll.id))) return;
      if (group && forGroup) await postResult(tx, now, poll, group.chatId, forGroup);
      await tellCreator(tx, now, poll, forCreator);
    });
  }
  deps.sender.poke();
}

/** The result in one language: the text (with what goes on to the next round) and, for the group, the chart. */
async function resultOf(deps: CoreDeps, poll: PollRow, locale: Locale, withChart: boolean) {
  const t = deps.i18n.translator(locale);
  const standings = await standingsOf(deps, poll, { turnout: true, locale });
  const next = poll.keep_top ? topOptions(standings.poll.options, standings.votes, poll.keep_top) : [];
  const nextLine = next.length > 0 ? `\n\n${t('polls.next_round_options', { options: list(t, next.map(escapeHtml)) })}` : '';
  return {
    t,
    text: renderStandings(t, standings, 'final') + nextLine,
    canContinue: next.length >= 2,
    chart: withChart ? renderResultChart(t, standings) : undefined,
  };
}

type Result = Awaited<ReturnType<typeof resultOf>>;

async function postResult(tx: Executor, now: number, poll: PollRow, chatId: number, result: Result): Promise<void> {
  const ref = `poll:${poll.id}:result`;
  await enqueue(tx, now, { chatId, text: result.text, priority: PRIORITY.group, ref });
  // The chart is bytes: it waits in summary_files and is uploaded as a reply once the text is out (summary.files job).
  await tx
    .insertInto('summary_files')
    .values({
      chat_id: chatId,
      kind: 'photo',
      filename: `poll-${poll.id}.png`,
      caption: result.t('polls.chart_caption', { question: escapeHtml(poll.question.slice(0, 200)) }),
      bytes: result.chart!,
      after_ref: ref,
      error: null,
      created_at: now,
      sent_at: null,
    })
    .execute();
}

/** The creator hears the result; a selection round's creator gets the button that starts the next round. */
async function tellCreator(tx: Executor, now: number, poll: PollRow, result: Result): Promise<void> {
  const { t } = result;
  const next = { text: t('polls.next_round_button', { round: poll.round + 1 }), callback_data: nextRoundButton.pack({ poll: poll.id }) };
  await enqueue(tx, now, {
    chatId: poll.created_by,
    text: `${t('polls.closed_for_creator')}\n\n${result.text}`,
    keyboard: result.canContinue ? [[next]] : undefined,
    ref: `poll:${poll.id}:closed`,
  });
}

/**
 * A day before closing: those the poll reached who have not voted (nor their household), and
 * who still take notices (their subscriptions as they are now; volunteers and teams are not
 * limited, as for notices), get the poll again with its buttons.
 */
export async function remindNonVoters(deps: CoreDeps, now: number): Promise<void> {
  for (const poll of await dueForReminder(deps.db, now)) {
    const reached = await electorate(deps.db, poll);
    const audience = parseAudience(poll.audience);
    const { recipients } = await audienceMembers(deps.db, poll.community_id, audience, topicFilter(audience, false, POLL_TOPIC));
    const stillListening = new Set(recipients.map((r) => r.id));
    const voted = await votedKeys(deps.db, poll.id);
    const view = pollView(poll);
    const due = reached.filter((u) => {
      const key = voterKey(poll, u);
      return stillListening.has(u.id) && key !== undefined && !voted.has(key);
    });
    await deps.db.transaction().execute(async (tx) => {
      if (!(await claimReminder(tx, now, poll.id))) return;
      const messages = due.map((u) => {
        const look = pollLook(deps, poll.community_id, deps.users.localeOfUser(u));
        const text = `${look.t('polls.reminder')}\n\n${renderPoll(look, view)}`;
        return {
          chatId: u.id,
          text,
          keyboard: pollKeyboard(look.t, view, 0, { canVote: true, voted: false }),
          priority: PRIORITY.bulk,
          ref: `poll:${poll.id}:reminder`,
        };
      });
      await enqueue(tx, now, ...messages);
    });
  }
  deps.sender.poke();
}

/** The options of a closed selection round that go on, for the next round's flow. */
export async function nextRoundOptions(deps: CoreDeps, poll: PollRow): Promise<string[]> {
  const standings = await standingsOf(deps, poll, { turnout: false, locale: deps.config.defaultLocale });
  return poll.keep_top ? topOptions(optionsOf(poll), standings.votes, poll.keep_top) : [];
}
