import { createHook } from 'node:async_hooks';
import { Composer, Context, type MiddlewareFn } from 'telegraf';
import type { Update } from 'telegraf/types';
import { describe, expect, it } from 'vitest';
import { chain, FlatComposer } from '../src/bot/chain';

/** Issue 17: the bot's middlewares run as one flat chain; telegraf nests a compose per use(). */

const textUpdate = (text: string): Update =>
  ({
    update_id: 1,
    message: {
      message_id: 1,
      date: 0,
      text,
      chat: { id: 1, type: 'private', first_name: 'A' },
      from: { id: 1, is_bot: false, first_name: 'A' },
    },
  }) as Update;
const contextOf = (update: Update) => new Context(update, {} as never, {} as never);

/** Promises created while `act` runs. */
async function promisesDuring(act: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const hook = createHook({ init: (_id, type) => void (type === 'PROMISE' && n++) }).enable();
  try {
    await act();
  } finally {
    hook.disable();
  }
  return n;
}

describe('chain', () => {
  it('runs the middlewares in order, each going on only by calling next, then the outer next', async () => {
    const seen: string[] = [];
    const step =
      (name: string): MiddlewareFn<Context> =>
      async (_ctx, next) => {
        seen.push(name);
        await next();
        seen.push(`/${name}`);
      };
    await chain([step('a'), step('b')])(contextOf(textUpdate('x')), async () => void seen.push('outer'));
    expect(seen).toEqual(['a', 'b', 'outer', '/b', '/a']);

    seen.length = 0;
    const stop: MiddlewareFn<Context> = () => void seen.push('stop');
    await chain([step('a'), stop, step('never')])(contextOf(textUpdate('x')), async () => void seen.push('outer'));
    expect(seen).toEqual(['a', 'stop', '/a']);
  });

  it('passes a failure up to the caller', async () => {
    const failing: MiddlewareFn<Context> = async () => {
      throw new Error('handler failed');
    };
    await expect(chain([failing])(contextOf(textUpdate('x')), async () => undefined)).rejects.toThrow('handler failed');
  });
});

describe('FlatComposer', () => {
  it("keeps telegraf's on() and action() filters, in the order they were added", async () => {
    const seen: string[] = [];
    const c = new FlatComposer<Context>();
    c.action('press', () => void seen.push('action'));
    c.on('message', (_ctx, next) => (seen.push('message'), next()));
    c.use(() => void seen.push('last'));
    await c.middleware()(contextOf(textUpdate('hello')), async () => undefined);
    expect(seen).toEqual(['message', 'last']);
  });

  it('makes a fraction of the promises of nested composers for an update that passes 20 features by', async () => {
    const features = <C extends Composer<Context>>(make: () => C) => Array.from({ length: 20 }, () => make().use((_ctx, next) => next()));
    const nested = new Composer<Context>();
    for (const f of features(() => new Composer<Context>())) nested.use(f);
    const flat = chain(features(() => new FlatComposer<Context>()));
    const ctx = contextOf(textUpdate('x'));
    const done = async () => undefined;
    const telegrafs = await promisesDuring(async () => void (await nested.middleware()(ctx, done)));
    const ours = await promisesDuring(async () => void (await flat(ctx, done)));
    expect(ours).toBeLessThan(telegrafs / 3);
  });
});
