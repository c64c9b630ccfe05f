import { spawnSync } from 'node:child_process';

/**
 * `npm run soak`: the reliability tests at full size — a simulated day with 10% of Telegram
 * calls failing, a day in a child process killed with SIGKILL again and again, a storm of
 * hostile updates, and three instances of which one is killed and restarted again and again. It runs the same test files as `npm test` (test/reliability/), only larger,
 * so the same checks hold; sizes come from the command line:
 *
 *   npm run soak -- --residents 100 --volunteers 20 --staff 3 --actions 2000 \
 *     --crash-actions 300 --kills 10 --updates 10000 --restarts 50 --seed 1
 *
 * Prints the figures each run reports and exits non-zero when any check failed.
 */

const defaults = {
  residents: 100,
  volunteers: 20,
  staff: 3,
  actions: 2000,
  'crash-actions': 300,
  'crash-residents': 30,
  kills: 10,
  updates: 10000,
  restarts: 50,
  seed: 20261125,
};
type Option = keyof typeof defaults;

function options(argv: string[]): Record<Option, number> {
  const o = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.replace(/^--/, '') as Option;
    if (!(name in o))
      throw new Error(
        `unknown option ${argv[i]}; known: ${Object.keys(o)
          .map((k) => `--${k}`)
          .join(' ')}`,
      );
    const value = Number(argv[++i]);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number`);
    o[name] = value;
  }
  return o;
}

interface Run {
  name: string;
  file: string;
  env: Record<string, string>;
  /** The line the test prints with its figures. */
  figures: RegExp;
}

function main(): void {
  const o = options(process.argv.slice(2));
  const runs: Run[] = [
    {
      name: `faults: ${o.residents} residents, ${o.volunteers} volunteers, ${o.staff} staff, ${o.actions} actions, 10% of calls failing`,
      file: 'test/reliability/faults.test.ts',
      env: {
        SIM_RESIDENTS: String(o.residents),
        SIM_VOLUNTEERS: String(o.volunteers),
        SIM_STAFF: String(o.staff),
        SIM_ACTIONS: String(o.actions),
        SIM_SEED: String(o.seed),
      },
      figures: /^faults day:.*$/m,
    },
    {
      name: `crashes: ${o['crash-actions']} actions, ${o.kills} SIGKILLs during the day plus mid-flow, mid-broadcast and mid-claim`,
      file: 'test/reliability/crash.test.ts',
      env: {
        CRASH_ACTIONS: String(o['crash-actions']),
        CRASH_KILLS: String(o.kills),
        CRASH_RESIDENTS: String(o['crash-residents']),
        CRASH_VOLUNTEERS: String(Math.max(4, Math.round(o.volunteers / 2))),
        SIM_SEED: String(o.seed),
      },
      figures: /^crash run:.*$/m,
    },
    {
      name: `hostile input: ${o.updates} updates`,
      file: 'test/reliability/hostile.test.ts',
      env: { HOSTILE_UPDATES: String(o.updates), HOSTILE_SEED: String(o.seed % 100_000) },
      figures: /^hostile:.*$/m,
    },
    {
      name: `three instances on PostgreSQL and Redis (TEST_DATABASE_URL, TEST_REDIS_URL), ${o.restarts} SIGKILL/restart cycles of one`,
      file: 'test/reliability/instances.test.ts',
      env: { INSTANCE_RESTARTS: String(o.restarts) },
      figures: /^restarts:.*$/m,
    },
  ];

  const summary: string[] = [];
  let failed = false;
  for (const run of runs) {
    console.log(`\n=== ${run.name}`);
    const started = Date.now();
    const result = spawnSync('npx', ['vitest', 'run', run.file, '--reporter=verbose'], {
      env: { ...process.env, ...run.env },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    const output = `${result.stdout}\n${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
    const ok = result.status === 0;
    failed ||= !ok;
    const figures = run.figures.exec(output)?.[0] ?? '(no figures printed)';
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    console.log(
      output
        .split('\n')
        .filter((l) => /✓|×|faults day|crash run|hostile:|^\s+\d+×/.test(l))
        .join('\n'),
    );
    // A failure: what vitest said about it.
    if (!ok) console.log(output.slice(output.indexOf('Failed Tests') >= 0 ? output.indexOf('Failed Tests') : -4000));
    summary.push(`${ok ? 'PASS' : 'FAIL'} ${run.name} (${seconds} s)\n     ${figures}`);
  }
  console.log(`\n=== soak summary (seed ${o.seed})\n${summary.join('\n')}`);
  process.exit(failed ? 1 : 0);
}

main();
