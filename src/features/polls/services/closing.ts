import type { CoreDeps } from '../../../deps';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import { committeeChat } from '../../../domain/chat-links';
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
import { escapeHtml, type Locale, type Translate } from '../../../i18n';
import type { Executor } from '../../../store/db';
import { nextRoundButton } from '../buttons';
import { pollKeyboard, pollView, renderPoll } from '../views/poll';
import { renderResultChart, renderStandings } from '../views/results';
import { pollLook, POLL_TOPIC, standingsOf } from './polls';

/**
 * The poll jobs: at closing the result (text, then the chart as a reply to it) to the
 * committee group and the creator; a day before closing one reminder to those who have not voted.
 * The result is built before the poll is claimed (votes stop at closes_at, so it is final) and
 * written in the claim's transaction: a crash loses neither the result nor sends it twice.
 */

export async function closeDuePolls(deps: CoreDeps, now: number): Promise<void> {
  for (const poll of await dueToClose(deps.db, now)) {
    const locale = deps.config.defaultLocale;
    const result = await resultOf(deps, { ...poll, status: 'closed' }, locale);
    await deps.db.transaction().execute(async (tx) => {
      if (!(await claimClose(tx, now, poll.id))) return;
      await postResult(deps, tx, now, poll, result);
    });
  }
  deps.sender.poke();
}

async function resultOf(deps: CoreDeps, poll: PollRow, locale: Locale) {
  const t = deps.i18n.translator(locale);
  const standings = await standingsOf(deps, poll, { turnout: true, locale });
  const next = poll.keep_top ? topOptions(standings.poll.options, standings.votes, poll.keep_top) : [];
  const chart = renderResultChart(t, standings);
  return { text: renderStandings(t, standings, 'final'), next, chart };
}

type Result = Awaited<ReturnType<typeof resultOf>>;

async function postResult(deps: CoreDeps, tx: Executor, now: number, poll: PollRow, result: Result): Promise<void> {
  const t = deps.i18n.translator(deps.config.defaultLocale);
  const nextLine = (tr: Translate) =>
    result.next.length > 0 ? `\n\n${tr('polls.next_round_options', { options: result.next.map(escapeHtml).join('、') })}` : '';
  const chatId = await committeeChat(tx, poll.community_id);
  if (chatId !== undefined) {
    const ref = `poll:${poll.id}:result`;
    await enqueue(tx, now, { chatId, text: result.text + nextLine(t), priority: PRIORITY.group, ref });
    // The chart is bytes: it waits in summary_files and is uploaded as a reply once the text is out (summary.files job).
    await tx
      .insertInto('summary_files')
      .values({
        chat_id: chatId,
        kind: 'photo',
        filename: `poll-${poll.id}.png`,
        caption: t('polls.chart_caption', { question: escapeHtml(poll.question.slice(0, 200)) }),
        bytes: result.chart,
        after_ref: ref,
        error: null,
        created_at: now,
        sent_at: null,
      })
      .execute();
  }
  const creator = deps.i18n.translator(await deps.users.localeOf(poll.created_by, tx));
  const canContinue = result.next.length >= 2;
  await enqueue(tx, now, {
    chatId: poll.created_by,
    text: `${creator('polls.closed_for_creator')}\n\n${result.text}${nextLine(creator)}`,
    keyboard: canContinue
      ? [[{ text: creator('polls.next_round_button', { round: poll.round + 1 }), callback_data: nextRoundButton.pack({ poll: poll.id }) }]]
      : undefined,
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
