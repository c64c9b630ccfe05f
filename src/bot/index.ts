import { session, Telegraf, type Middleware } from 'telegraf';
import type { CoreDeps } from '../deps';
import type { Sender } from '../delivery/sender';
import { atLeast, effectiveRole } from '../domain/roles';
import { guessLocale, isLocale, LOCALES, type Locale } from '../i18n';
import type { Role } from '../store/schema';
import type { BotContext, SessionData } from './context';
import type { CommandSpec, FeatureParts, JobSpec, PrivacySpec } from './feature';
import { features as allFeatures } from './features';
import { floodGuard } from './flood';
import { FlowEngine } from './flow-engine';
import { mainMenu } from './keyboards';
import type { BotServices } from './services';
import type { Feature } from './feature';

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
}

export function createBot(deps: CoreDeps, features: Feature[] = allFeatures): BuiltBot {
  const { config, users, i18n, clock, log } = deps;
  const bot = new Telegraf<BotContext>(config.botToken, {
    telegram: { apiRoot: config.apiRoot, webhookReply: false },
    handlerTimeout: 60_000,
  });

  const parts: FeatureParts[] = [];
  const commands: CommandSpec[] = [];
  const privacy: PrivacySpec[] = [];
  const commandsFor = (role: Role, chat: 'private' | 'group') =>
    commands.filter((c) => atLeast(role, c.minRole) && (c.chat === 'any' || c.chat === chat));
  let flows: FlowEngine | undefined;

  const services: BotServices = {
    get flows() {
      if (!flows) throw new Error('flow engine used before the bot was built');
      return flows;
    },
    mainMenu: (ctx) => mainMenu(commands, ctx.role, ctx.t),
    commandsFor,
    privacy,
    refreshCommands: async (userId) => {
      const user = await users.find(userId);
      const locale: Locale = isLocale(user?.locale) ? user.locale : config.defaultLocale;
      const role = effectiveRole(user, config.adminIds, userId);
      const t = i18n.translator(locale);
      await bot.telegram
        .setMyCommands(
          commandsFor(role, 'private').map((c) => ({ command: c.name, description: t(c.description).slice(0, 256) })),
          { scope: { type: 'chat', chat_id: userId } },
        )
        .catch((err) => log.warn({ err, userId }, 'setMyCommands for a user failed'));
    },
  };

  for (const feature of features) {
    const p = feature(deps, services);
    parts.push(p);
    commands.push(...(p.commands ?? []));
    if (p.privacy) privacy.push(p.privacy);
  }
  flows = new FlowEngine(parts.flatMap((p) => p.flows ?? []), services.mainMenu, clock);

  bot.use(countDirectSends(deps.sender));
  bot.use(dedupe(deps));
  bot.use(contextMiddleware(deps));
  bot.use(floodGuard({ burst: 30, perSecond: 1 }));
  bot.use(
    session<SessionData, BotContext>({
      store: deps.sessions as never,
      defaultSession: () => ({}),
      // One conversation per person per chat.
      getSessionKey: (ctx) => (ctx.from && ctx.chat ? `${ctx.chat.id}:${ctx.from.id}` : undefined),
    }),
  );

  for (const cmd of commands) {
    bot.command(cmd.name, guard(cmd), (ctx) => cmd.run(ctx));
    if (cmd.menuLabel) {
      const labels = LOCALES.map((l) => i18n.t(l, cmd.menuLabel!));
      bot.hears(labels, guard(cmd), (ctx) => cmd.run(ctx));
    }
  }
  for (const p of parts) if (p.composer) bot.use(p.composer);
  bot.use(flows.middleware());

  // Nothing above understood this update.
  bot.on('callback_query', (ctx) => ctx.answerCbQuery(ctx.t('common.stale_button')));
  bot.on('message', async (ctx) => {
    if (ctx.chat?.type !== 'private') return; // groups talk among themselves; the bot stays quiet (and a message without a chat gets no answer)
    const onboarded = Boolean(ctx.profile?.privacy_accepted_at);
    await ctx.reply(ctx.t(onboarded ? 'common.not_understood' : 'common.start_first'), onboarded ? { reply_markup: services.mainMenu(ctx) } : {});
  });

  bot.catch(async (err, ctx) => {
    const c = ctx as BotContext;
    (c.log ?? log).error({ err, updateId: ctx.update.update_id }, 'update failed');
    try {
      // A press already answered cannot be answered again (Telegram refuses it): say sorry in the chat instead.
      if (ctx.callbackQuery && !pressAnswered.has(ctx)) await ctx.answerCbQuery(c.t?.('common.error') ?? 'Sorry, something went wrong.');
      else if (ctx.chat?.type === 'private') await ctx.reply(c.t?.('common.error') ?? 'Sorry, something went wrong.');
    } catch {
      // The apology itself failed (Telegram down?); the error is logged above.
    }
  });

  const registerCommands = async () => {
    // Telegram's language_code is two letters, so zh-TW cannot be told apart from zh-CN here;
    // each person's own menu is set by refreshCommands when they choose a language.
    const menus: [Locale, string | undefined][] = [[config.defaultLocale, undefined], ['en', 'en'], ['zh-CN', 'zh']];
    for (const [locale, code] of menus) {
      const t = i18n.translator(locale);
      const describe = (list: CommandSpec[]) => list.map((c) => ({ command: c.name, description: t(c.description).slice(0, 256) }));
      try {
        await bot.telegram.setMyCommands(describe(commandsFor('resident', 'private')), { scope: { type: 'all_private_chats' }, language_code: code });
        await bot.telegram.setMyCommands(describe(commandsFor('staff', 'group')), { scope: { type: 'all_group_chats' }, language_code: code });
      } catch (err) {
        log.warn({ err, locale }, 'setMyCommands failed; the command menu may be out of date');
      }
    }
  };

  return { bot, services, commands, jobs: parts.flatMap((p) => p.jobs ?? []), registerCommands };
}

/** Methods that post a new message, which Telegram counts against its flood limits. */
const postsMessage = (method: string) => (method.startsWith('send') && method !== 'sendChatAction') || method === 'copyMessage' || method === 'forwardMessage';

/**
 * The bot's direct replies (not from the outbox) are counted with the sender, so that a
 * broadcast at full pace leaves room for them instead of earning a 429 from Telegram.
 * (Telegraf gives each update its own Telegram client, so this wraps ctx.telegram.)
 */
function countDirectSends(sender: Sender): Middleware<BotContext> {
  return (ctx, next) => {
    const telegram = ctx.telegram;
    const call = telegram.callApi.bind(telegram);
    telegram.callApi = ((method: string, payload: { chat_id?: unknown }, options?: object) => {
      const chatId = payload?.chat_id;
      if (postsMessage(method) && typeof chatId === 'number') return sender.counted(chatId, () => call(method as never, payload as never, options));
      return call(method as never, payload as never, options);
    }) as typeof telegram.callApi;
    return next();
  };
}

/** A webhook retry or a restart may deliver an update twice: handle it once. */
function dedupe(deps: CoreDeps): Middleware<BotContext> {
  return async (ctx, next) => {
    const inserted = await deps.db
      .insertInto('processed_updates')
      .values({ update_id: ctx.update.update_id, at: deps.clock.now() })
      .onConflict((oc) => oc.column('update_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return;
    return next();
  };
}

/** Presses whose answerCallbackQuery went through, so bot.catch does not answer them twice. */
const pressAnswered = new WeakSet<object>();

function contextMiddleware(deps: CoreDeps): Middleware<BotContext> {
  const { users, i18n, config, clock, log } = deps;
  return async (ctx, next) => {
    if (ctx.callbackQuery) {
      const answer = ctx.answerCbQuery.bind(ctx);
      ctx.answerCbQuery = async (...args) => {
        const answered = await answer(...args);
        pressAnswered.add(ctx);
        return answered;
      };
    }
    ctx.log = log.child({ updateId: ctx.update.update_id, userId: ctx.from?.id, chatId: ctx.chat?.id });
    const from = ctx.from;
    if (from && !from.is_bot) {
      let profile = await users.find(from.id);
      if (!profile || profile.first_name !== from.first_name || profile.username !== (from.username ?? null)) {
        profile = await users.touch({ id: from.id, firstName: from.first_name, username: from.username, locale: profile?.locale ?? guessLocale(from.language_code, config.defaultLocale), now: clock.now() });
      }
      // Someone who blocked the bot and writes again can be reached again.
      if (!profile.reachable && ctx.chat?.type === 'private') {
        await users.update(from.id, { reachable: 1 }, clock.now());
        profile = { ...profile, reachable: 1 };
      }
      ctx.profile = profile;
    }
    ctx.locale = isLocale(ctx.profile?.locale) ? ctx.profile.locale : guessLocale(from?.language_code, config.defaultLocale);
    ctx.t = i18n.translator(ctx.locale);
    ctx.role = from ? effectiveRole(ctx.profile, config.adminIds, from.id) : 'resident';
    return next();
  };
}

/** Checks chat type, onboarding and role before a command runs; says politely why not. */
function guard(cmd: CommandSpec): Middleware<BotContext> {
  return async (ctx, next) => {
    const isPrivate = ctx.chat?.type === 'private';
    if (cmd.chat === 'private' && !isPrivate) return void (await ctx.reply(ctx.t('common.private_only')));
    if (cmd.chat === 'group' && isPrivate) return void (await ctx.reply(ctx.t('common.group_only')));
    // Admins (from ADMIN_IDS) may set the bot up before registering as residents themselves.
    if (isPrivate && !cmd.beforeOnboarding && !ctx.profile?.privacy_accepted_at && ctx.role !== 'admin') return void (await ctx.reply(ctx.t('common.start_first')));
    if (!atLeast(ctx.role, cmd.minRole)) return void (await ctx.reply(ctx.t('common.not_allowed')));
    return next();
  };
}
