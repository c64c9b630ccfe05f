import type { InlineKeyboard } from '../../../delivery/outbox';
import { formatLocalTime } from '../../../domain/events';
import { optionsOf, type NewPoll, type PollRow } from '../../../domain/polls';
import { escapeHtml, type Translate } from '../../../i18n';
import type { Receipt } from '../../../domain/poll-receipts';
import { changeButton, maskOptions, pickAgainButton, pickButton, resultsButton, voteButton } from '../buttons';
import { list } from '../../../phrases';

/** What a poll looks like to the people it is sent to, in their language, and its buttons. */

/** The fields a poll's message is drawn from (a poll row, or the flow's answers before it exists). */
export type PollView = Pick<
  NewPoll,
  'question' | 'options' | 'multiple' | 'anonymous' | 'perHousehold' | 'resultsAfterVote' | 'closesAt' | 'round'
> & {
  id: number;
};

export const pollView = (p: PollRow): PollView => ({
  id: p.id,
  question: p.question,
  options: optionsOf(p),
  multiple: p.multiple === 1,
  anonymous: p.anonymous === 1,
  perHousehold: p.per_household === 1,
  resultsAfterVote: p.results_after_vote === 1,
  closesAt: p.closes_at,
  round: p.round,
});

export interface PollLook {
  t: Translate;
  locale: string;
  timeZone: string;
  community: string;
}

/** The rules in one line: single or multiple, named or anonymous, per person or household, closing time. */
function rulesLine(look: PollLook, p: PollView): string {
  const { t } = look;
  return [
    t(p.multiple ? 'polls.rule_multiple' : 'polls.rule_single'),
    t(p.anonymous ? 'polls.rule_anonymous' : 'polls.rule_named'),
    t(p.perHousehold ? 'polls.rule_household' : 'polls.rule_person'),
    t('polls.rule_closes', { time: formatLocalTime(p.closesAt, look.locale, look.timeZone) }),
  ].join(' · ');
}

export function renderPoll(look: PollLook, p: PollView): string {
  const { t } = look;
  const header = t('polls.header', { community: escapeHtml(look.community) });
  const round = p.round > 1 ? `\n${t('polls.round', { round: p.round })}` : '';
  const options = p.options.map((o, i) => `${i + 1}. ${escapeHtml(o)}`).join('\n');
  const hint = t(p.anonymous ? 'polls.hint_anonymous' : 'polls.hint_named');
  return `${header}${round}\n<b>${escapeHtml(p.question)}</b>\n\n${options}\n\n${rulesLine(look, p)}\n<i>${hint}</i>`;
}

export interface KeyboardOptions {
  canVote: boolean;
  voted: boolean;
  /** An anonymous voter's receipt of their ballot: every tick and Change carry it. */
  receipt?: Receipt;
}

/** The option buttons (ticked as in `mask`), then Vote, then the standings where the poll shows them. */
export function pollKeyboard(t: Translate, p: PollView, mask: number, opts: KeyboardOptions): InlineKeyboard {
  const rows: InlineKeyboard = [];
  if (opts.canVote) {
    const ticked = maskOptions(mask, p.options.length);
    const r = opts.receipt && { was: opts.receipt.mask, changes: opts.receipt.changes, sig: opts.receipt.sig };
    p.options.forEach((o, i) =>
      rows.push([
        {
          text: `${ticked.includes(i) ? '✅' : '⬜'} ${i + 1}. ${o.slice(0, 40)}`,
          callback_data: r ? pickAgainButton.pack({ poll: p.id, mask, option: i, ...r }) : pickButton.pack({ poll: p.id, mask, option: i }),
        },
      ]),
    );
    const vote = r ? changeButton.pack({ poll: p.id, mask, ...r }) : voteButton.pack({ poll: p.id, mask });
    rows.push([{ text: t(opts.voted ? 'polls.change_button' : 'polls.vote_button'), callback_data: vote }]);
  }
  if (p.resultsAfterVote) rows.push([{ text: t('polls.results_button'), callback_data: resultsButton.pack({ poll: p.id }) }]);
  return rows;
}

/** A voter's line under the poll after voting: their options on a named poll, only "voted" on an anonymous one. */
export function votedLine(t: Translate, p: PollView, choices: number[] | undefined): string {
  if (!choices) return t('polls.voted_anonymous');
  return t('polls.voted_named', {
    choices: list(
      t,
      choices.map((i) => escapeHtml(p.options[i])),
    ),
  });
}
