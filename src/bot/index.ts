import { Composer, session, Telegraf, type MiddlewareFn } from 'telegraf';
import type { Message } from 'telegraf/types';
import type { CoreDeps } from '../deps';
import { atLeast } from '../domain/roles';
import { LOCALES } from '../i18n';
import type { Role } from '../store/schema';
import { features as allFeatures } from '../features';
import { chain } from './chain';
import { ChatQueues } from './chat-queue';
import { commandMenus } from './command-menus';
import type { BotContext, SessionData } from './context';
import type { CommandSpec, Feature, FeatureParts, JobSpec, PrivacySpec } from './feature';
import { floodGuard } from './flood';
import { writeWhenChanged } from './session-store';
import { FlowEngine } from './flow-engine';
import { mainMenu } from './keyboards';
import { ALBUM_HOLD_MS, countDirectSends, oneAtATimePerChat } from './middleware/chat-order';
import { contextMiddleware, guard, pressAnswered } from './middleware/context';
import { leanTransport, leanTransportCalls } from './middleware/transport';
import { measureUpdates } from './middleware/metrics';
import { claimUpdates } from './middleware/update-claims';
import { answerInWebhook } from './middleware/webhook-answer';
import type { BotServices } from './services';

/**
 * Wires telegraf: per-update context (logger, profile, role, language), sessions, the
 * features' commands and buttons, the flow engine, and a polite fallback last.
 */

export interface BuiltBot {
  bot: Telegraf<BotContext>;
  services: BotServices;
  commands: CommandSpec[];
  jobs: JobSpec[];
  /** Sets the command menus for every language (failures are logged, not fatal). */
  registerCommands(): Promise<void>;
  /** After updates stop coming: waits for each chat's queued work and held answers (at most `limitMs`). */
  settled(limitMs: number): Promise<void>;
}

export function createBot(deps: CoreDeps, features: Feature[] = allFeatures): BuiltBot {
  const { config, clock, log } = deps;
  // Not telegraf's webhookReply: it would answer the webhook at the first call (see middleware/webhook-answer.ts).
  const bot = new Telegraf<BotContext>(config.botToken, {
    telegram: { apiRoot: config.apiRoot, webhookReply: false },
    handlerTimeout: 60_000,
  });
  leanTransport(bot.telegram);

  const parts: FeatureParts[] = [];
  const commands: CommandSpec[] = [];
  const commandsFor = (role: Role, chat: 'private' | 'group') =>
    commands.filter((c) => atLeast(role, c.minRole) && (c.chat === 'any' || c.chat === chat));
  const menus = commandMenus(deps, () => bot.telegram, commandsFor);
  const queues = new ChatQueues(ALBUM_HOLD_MS, (err) => log.error({ err }, 'a held answer could not be sent'));
  let flows: FlowEngine | undefined; // eslint-disable-line prefer-const -- services needs it before the features that declare the flows are built
  const services: BotServices = {
    get flows() {
      if (!flows) throw new Error('flow engine used before the bot was built');
      return flows;
    },
    mainMenu: (ctx) => mainMenu(commands, ctx.role, ctx.t),
    commandsFor,
    privacy: [] as PrivacySpec[],
    refreshCommands: menus.refresh,
    inChat: (chatId, task) => queues.within(String(chatId), task),
  };
  for (const feature of features) {
    const p = feature(deps, services);
    parts.push(p);
    commands.push(...(p.commands ?? []));
    if (p.privacy) services.privacy.push(p.privacy);
  }
  flows = new FlowEngine(
    parts.flatMap((p) => p.flows ?? []),
    services.mainMenu,
    clock,
  );

  // One flat chain (see chain.ts): in order, what every update goes through, then whoever handles it.
  bot.use(
    chain([
      oneAtATimePerChat(queues),
      leanTransportCalls,
      answerInWebhook,
      measureUpdates(deps.metrics),
      countDirectSends(deps.sender),
      claimUpdates(deps),
      contextMiddleware(deps),
      floodGuard({ burst: 30, perSecond: 1, buckets: deps.flood, log }),
      session<SessionData, BotContext>({
        store: writeWhenChanged(deps.sessions),
        defaultSession: () => ({}),
        // One conversation per person per chat.
        getSessionKey: (ctx) => (ctx.from && ctx.chat ? `${ctx.chat.id}:${ctx.from.id}` : undefined),
      }),
      commandsMiddleware(deps, commands),
      ...parts.flatMap((p) => (p.composer ? [p.composer] : [])),
      flows.middleware(),
      ...fallbacks(services),
    ]),
  );
  bot.catch(errorBoundary(deps));

  return {
    bot,
    services,
    commands,
    jobs: parts.flatMap((p) => p.jobs ?? []),
    registerCommands: menus.registerAll,
    settled: (limitMs) => queues.settled(limitMs),
  };
}

/**
 * Each command, typed or tapped on the main keyboard (in any language), behind its guard. One
 * middleware looks it up by name or label, where telegraf's command() and hears() would try
 * every name and every label in turn on each message.
 */
function commandsMiddleware(deps: CoreDeps, commands: CommandSpec[]): MiddlewareFn<BotContext> {
  const byName = new Map<string, CommandSpec>();
  const byLabel = new Map<string, CommandSpec>();
  for (const cmd of commands) {
    if (!byName.has(cmd.name)) byName.set(cmd.name, cmd);
    for (const label of cmd.menuLabel ? LOCALES.map((l) => deps.i18n.t(l, cmd.menuLabel!)) : [])
      if (!byLabel.has(label)) byLabel.set(label, cmd);
  }
  const guards = new Map(commands.map((cmd) => [cmd, guard(cmd)]));
  const run = (cmd: CommandSpec, ctx: BotContext) => guards.get(cmd)!(ctx, async () => void (await cmd.run(ctx)));
  return (ctx, next) => {
    const message = ctx.message;
    if (!message || !('text' in message)) return next();
    const typed = typedCommand(message, ctx.me);
    const cmd = typed ? byName.get(typed.name) : byLabel.get(message.text);
    if (!cmd) return next();
    // What telegraf's command() sets, for handlers that read the words after the command (commandText).
    if (typed) Object.assign(ctx, { command: typed.name, payload: typed.payload });
    return run(cmd, ctx);
  };
}

/** "/name@this_bot words" as telegraf reads it: a bot_command entity at the start, for this bot or for any. */
function typedCommand(message: Message.TextMessage, me: string): { name: string; payload: string } | undefined {
  const entity = message.entities?.[0];
  if (entity?.type !== 'bot_command' || entity.offset > 0) return undefined;
  const [command, to] = message.text.slice(0, entity.length).split('@');
  if (!command || (to && to.toLowerCase() !== me.toLowerCase())) return undefined;
  return { name: command.slice(1), payload: message.text.slice(entity.length + 1) };
}

/** Nothing above understood this update: a press is stale; a private message gets a polite hint. */
function fallbacks(services: BotServices): MiddlewareFn<BotContext>[] {
  const stale = Composer.on<BotContext, 'callback_query'>('callback_query', (ctx) => ctx.answerCbQuery(ctx.t('common.stale_button')));
  const hint = Composer.on<BotContext, 'message'>('message', async (ctx) => {
    if (ctx.chat?.type !== 'private') return; // groups talk among themselves; the bot stays quiet (and a message without a chat gets no answer)
    const onboarded = Boolean(ctx.profile?.privacy_accepted_at);
    await ctx.reply(
      ctx.t(onboarded ? 'common.not_understood' : 'common.start_first'),
      onboarded ? { reply_markup: services.mainMenu(ctx) } : {},
    );
  });
  return [stale, hint];
}

/** One failing update never stops the bot: it is logged and the person gets an apology. */
function errorBoundary(deps: CoreDeps) {
  return async (err: unknown, ctx: BotContext) => {
    (ctx.log ?? deps.log).error({ err, updateId: ctx.update.update_id }, 'update failed');
    deps.metrics.updates.inc({ outcome: 'failed' });
    const sorry = ctx.t?.('common.error') ?? 'Sorry, something went wrong.';
    try {
      // A press already answered cannot be answered again (Telegram refuses it): say sorry in the chat instead.
      if (ctx.callbackQuery && !pressAnswered.has(ctx)) await ctx.answerCbQuery(sorry);
      else if (ctx.chat?.type === 'private') await ctx.reply(sorry);
    } catch {
      // The apology itself failed (Telegram down?); the error is logged above.
    }
  };
}
