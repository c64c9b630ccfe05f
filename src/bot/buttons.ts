import type { Composer, NarrowedContext } from 'telegraf';
import type { CallbackQuery, Update } from 'telegraf/types';
import { atLeast } from '../domain/roles';
import type { Role } from '../store/schema';
import type { CallbackCodec, Fields, Payload } from './callback';
import type { BotContext } from './context';

/**
 * One way to handle a button: the codec unpacks the payload once, the spec declares who may
 * press (as commands declare minRole), loads the thing the button names and checks that it is
 * still in the state the button assumed. Every refusal is answered the same way: a forged or
 * outdated payload gets "stale", a presser without the right gets "not allowed" (as an alert),
 * a thing that moved on gets the spec's own explanation (as an alert).
 */

export type PressContext = NarrowedContext<BotContext, Update.CallbackQueryUpdate<CallbackQuery>> & BotContext;

/** A refusal: the translated text shown to the presser, and whether Telegram shows it as an alert. */
export interface Refusal {
  text: string;
  alert?: boolean;
}

export interface ButtonSpec<S extends Fields, T> {
  codec: CallbackCodec<S>;
  /** The lowest role that may press; lower roles are told "not allowed". */
  minRole?: Role;
  /** Who may press, when the payload alone tells (e.g. the community it names): checked before anything is loaded. */
  allowed?: (ctx: PressContext, p: Payload<S>) => boolean;
  /** Loads what the payload names; undefined answers "stale". */
  load?: (p: Payload<S>, ctx: PressContext) => Promise<T | undefined> | T | undefined;
  /** May this presser act on this thing (e.g. staff of its community)? false answers "not allowed". */
  may?: (ctx: PressContext, thing: T, p: Payload<S>) => boolean | Promise<boolean>;
  /** The locales key of the "not allowed" answer, when the feature words it its own way. */
  notAllowed?: string;
  /** Is the thing still in the state the button assumed? A refusal explains why not. */
  refuse?: (ctx: PressContext, thing: T, p: Payload<S>) => Refusal | undefined | Promise<Refusal | undefined>;
  run: (ctx: PressContext, thing: T, p: Payload<S>) => Promise<unknown>;
}

type PressHandler = (ctx: PressContext, data: string) => Promise<unknown>;
const routes = new WeakMap<Composer<BotContext>, Map<string, PressHandler>>();

/**
 * A composer's buttons, found by their payload's prefix: one lookup per composer, rather than one
 * middleware per button that every update (a typed message too) used to walk through, each step
 * costing telegraf a promise and a closure. The first button registered for a prefix handles it,
 * as the first matching action would.
 */
function buttonsOf(composer: Composer<BotContext>): Map<string, PressHandler> {
  let table = routes.get(composer);
  if (!table) {
    const handlers = new Map<string, PressHandler>();
    // A plain middleware: telegraf's on() filter costs promises of its own on every update.
    composer.use((ctx, next) => {
      const data = ctx.callbackQuery && 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : '';
      const bar = data.indexOf('|');
      const handler = bar > 0 ? handlers.get(data.slice(0, bar)) : undefined;
      return handler ? handler(ctx as PressContext, data) : next();
    });
    routes.set(composer, (table = handlers));
  }
  return table;
}

export function onButton<const S extends Fields, T = undefined>(composer: Composer<BotContext>, spec: ButtonSpec<S, T>): void {
  const table = buttonsOf(composer);
  if (table.has(spec.codec.prefix)) return;
  table.set(spec.codec.prefix, async (ctx, data) => {
    const p = spec.codec.unpack(data);
    if (!p) return ctx.answerCbQuery(ctx.t('common.stale_button'));
    const notAllowed = () => ctx.answerCbQuery(ctx.t(spec.notAllowed ?? 'common.not_allowed'), { show_alert: true });
    if (spec.minRole && !atLeast(ctx.role, spec.minRole)) return notAllowed();
    if (spec.allowed && !spec.allowed(ctx, p)) return notAllowed();
    const loaded = spec.load ? await spec.load(p, ctx) : undefined;
    if (spec.load && loaded === undefined) return ctx.answerCbQuery(ctx.t('common.stale_button'));
    const thing = loaded as T;
    if (spec.may && !(await spec.may(ctx, thing, p))) return notAllowed();
    const refusal = spec.refuse ? await spec.refuse(ctx, thing, p) : undefined;
    if (refusal) return ctx.answerCbQuery(refusal.text, { show_alert: refusal.alert ?? true });
    return spec.run(ctx, thing, p);
  });
}
