import { describe, expect, it } from 'vitest';
import { inOneTurn } from '../src/bot/middleware/update-claims';

/** The claims of updates that arrive together go to the database in one statement (issue 17). */
describe('inOneTurn', () => {
  const recording = () => {
    const batches: number[][] = [];
    const run = inOneTurn(async (keys: number[]) => {
      batches.push(keys);
      return keys.map((k) => k * 10);
    });
    return { batches, run };
  };

  it('runs the calls of one turn as one batch, each caller getting its own result', async () => {
    const { batches, run } = recording();
    expect(await Promise.all([run(1), run(2), run(3)])).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(await run(4)).toBe(40);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('puts a key seen twice in one turn into the next batch, so the second learns of the first', async () => {
    const { batches, run } = recording();
    await Promise.all([run(7), run(8), run(7)]);
    expect(batches).toEqual([[7, 8], [7]]);
  });

  it('splits a turn of more than 500 calls', async () => {
    const { batches, run } = recording();
    await Promise.all(Array.from({ length: 1200 }, (_, i) => run(i)));
    expect(batches.map((b) => b.length)).toEqual([500, 500, 200]);
  });

  it('fails every caller of a batch that failed, and the next batch runs afresh', async () => {
    let fail = true;
    const run = inOneTurn(async (keys: number[]) => {
      if (fail) throw new Error('database gone');
      return keys;
    });
    const results = await Promise.allSettled([run(1), run(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await run(3)).toBe(3);
  });
});
