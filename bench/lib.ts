import { cpus, totalmem } from 'node:os';

/** Small helpers the benchmarks share: percentiles, a results table, the machine's description. */

export interface Row {
  bench: string;
  figure: string;
  value: string;
  reference: string;
  ratio: string;
  target: string;
  met: 'yes' | 'no' | '—';
  /** Why a target was missed and what would reach it (printed under the table when met is 'no'). */
  why?: string;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return '—';
  return n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(digits);
}

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB memory, Node ${process.version}, ${process.platform}`;
}

export function table(rows: Row[]): string {
  const head = ['bench', 'figure', 'value', 'reference', 'ratio', 'target', 'met'];
  const lines = [head, head.map(() => '---'), ...rows.map((r) => [r.bench, r.figure, r.value, r.reference, r.ratio, r.target, r.met])];
  const missed = rows.filter((r) => r.met === 'no' && r.why).map((r) => `- **${r.bench}, ${r.figure}:** ${r.why}`);
  return [...lines.map((l) => `| ${l.join(' | ')} |`), ...(missed.length ? ['', 'Targets missed:', '', ...missed] : [])].join('\n');
}

/**
 * A port to listen on, with `count - 1` free after it, picked at random below Linux's ephemeral
 * range (32768 up), where the benches' own outgoing connections could hold it.
 */
export function listenPort(count = 1): number {
  return 10_000 + Math.floor(Math.random() * (20_000 - count));
}
