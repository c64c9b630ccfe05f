import type { ChartConfiguration } from 'chart.js';
import type { BuildingTurnout } from '../../../domain/polls';
import { escapeHtml, type Translate } from '../../../i18n';
import { FONT, renderCharts } from '../../summary/views/chart';
import type { PollView } from './poll';

/** The standings of a poll (for voters, for staff's live count, at closing) and the closing chart. */

export interface Standings {
  poll: PollView;
  votes: number[];
  /** Ballots cast (persons or households). */
  ballots: number;
  /** Per building, for staff and the committee group; residents see no turnout. */
  turnout?: (BuildingTurnout & { name: string })[];
}

const percent = (n: number, of: number) => (of > 0 ? Math.round((100 * n) / of) : 0);

/** "▇▇▇▇▁▁▁▁▁▁": a bar of ten for a share, readable in any chat font. */
const bar = (share: number) => '▇'.repeat(Math.round(share / 10)) + '▁'.repeat(10 - Math.round(share / 10));

export function renderStandings(t: Translate, s: Standings, heading: 'live' | 'final' | 'voter'): string {
  const total = s.votes.reduce((a, b) => a + b, 0);
  const lines = s.poll.options.map((o, i) => {
    const share = percent(s.votes[i], total);
    return `${bar(share)} ${escapeHtml(o)} — ${t('polls.votes', { count: s.votes[i], percent: share })}`;
  });
  const ballots = t(s.poll.perHousehold ? 'polls.ballots_households' : 'polls.ballots_persons', { count: s.ballots });
  const parts = [`${t(`polls.standings_${heading}`)}\n<b>${escapeHtml(s.poll.question)}</b>`, lines.join('\n'), ballots];
  if (s.turnout) parts.push(turnoutText(t, s.turnout));
  return parts.join('\n\n');
}

function turnoutText(t: Translate, turnout: NonNullable<Standings['turnout']>): string {
  const rows = turnout.map((b) =>
    t('polls.turnout_row', { building: escapeHtml(b.name), voted: b.voted, reached: b.reached, percent: percent(b.voted, b.reached) }),
  );
  return `${t('polls.turnout_heading')}\n${rows.join('\n') || t('polls.turnout_none')}`;
}

/**
 * The result as a PNG: votes per option (horizontal bars; each label says its count and share,
 * CJK included), then turnout per building in percent (labelled voted / reached).
 */
export function renderResultChart(t: Translate, s: Standings): Buffer {
  const title = (text: string[] | string) => ({ display: true, text, font: { size: FONT.title, weight: 'bold' as const } });
  const layout = { padding: { left: 16, right: 48, top: 8 } };
  const total = s.votes.reduce((a, b) => a + b, 0);
  const votes: ChartConfiguration = {
    type: 'bar',
    data: {
      labels: s.poll.options.map((o, i) => [
        o.length > 16 ? `${o.slice(0, 15)}…` : o,
        t('polls.votes', { count: s.votes[i], percent: percent(s.votes[i], total) }),
      ]),
      datasets: [{ label: t('polls.chart_votes'), data: s.votes, backgroundColor: '#e53935', maxBarThickness: 56 }],
    },
    options: {
      indexAxis: 'y',
      layout,
      plugins: { title: title(wrap(s.poll.question, 48)), legend: { display: false } },
      scales: { x: { beginAtZero: true, grace: '5%', ticks: { precision: 0 } } },
    },
  };
  const turnout = s.turnout ?? [];
  const byBuilding: ChartConfiguration = {
    type: 'bar',
    data: {
      labels: turnout.map((b) => [b.name, `${b.voted} / ${b.reached}（${percent(b.voted, b.reached)}%）`]),
      datasets: [
        {
          label: t('polls.chart_percent'),
          data: turnout.map((b) => percent(b.voted, b.reached)),
          backgroundColor: '#1e88e5',
          maxBarThickness: 56,
        },
      ],
    },
    // Horizontal, as the votes: six or more building names stay on one line each.
    options: {
      indexAxis: 'y',
      layout,
      plugins: { title: title(t('polls.chart_turnout')), legend: { display: false } },
      scales: { x: { min: 0, max: 100, ticks: { stepSize: 20, callback: (v) => `${v}%` } } },
    },
  };
  return renderCharts([votes, byBuilding]);
}

/** A long question over a few title lines (chart.js does not wrap titles); a CJK character is as wide as two Latin ones. */
function wrap(text: string, width: number): string[] {
  const wide = (ch: string) => (/[\u2E80-\uFFEF]/.test(ch) ? 2 : 1);
  const size = (s: string) => [...s].reduce((n, ch) => n + wide(ch), 0);
  // Words stay whole where there are spaces (English); Chinese breaks anywhere.
  const pieces = text.includes(' ') ? text.split(' ').map((w) => `${w} `) : [...text];
  const lines = [''];
  for (const piece of pieces) {
    if (size(lines.at(-1)!) + size(piece) > width && lines.at(-1)) lines.push('');
    lines[lines.length - 1] += piece;
  }
  return lines.slice(0, 3).map((l) => l.trim());
}
