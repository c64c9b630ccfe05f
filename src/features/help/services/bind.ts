/**
 * A service written as plain functions that take its parts first, bound to the parts once:
 * `bindParts(p, { claim, start })` is `{ claim: (…) => claim(p, …), start: (…) => start(p, …) }`.
 */

type Bound<P, F> = { [K in keyof F]: F[K] extends (p: P, ...args: infer A) => infer R ? (...args: A) => R : never };

export function bindParts<P, F extends Record<string, (p: P, ...args: never[]) => unknown>>(p: P, fns: F): Bound<P, F> {
  return Object.fromEntries(Object.entries(fns).map(([name, f]) => [name, (...args: never[]) => f(p, ...args)])) as Bound<P, F>;
}
