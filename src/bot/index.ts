import { randomUUID } from 'node:crypto';
import { session, Telegraf, type Middleware } from 'telegraf';
import type { CoreDeps } from '../deps';
import type { Sender } from '../delivery/sender';
import { atLeast, effectiveRole } from '../domain/roles';
import { guessLocale, isLocale, LOCALES, type Locale } from '../i18n';
import type { Role } from '../store/schema';
import type { BotContext, SessionData } from './context';
import type { CommandSpec, FeatureParts, JobSpec, PrivacySpec } from './feature';
import { features as allFeatures } from '../features';
import { ChatQueues } from './chat-queue';
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
  /** After updates stop coming: waits for each chat's queued work and held answers (at most `limitMs`). */
  settled(limitMs: number): Promise<void>;
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
  let flows: FlowEngine | undefined; // eslint-disable-line prefer-const -- services needs it before the features that declare the flows are built

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
  flows = new FlowEngine(
    parts.flatMap((p) => p.flows ?? []),
    services.mainMenu,
    clock,
  );

  const queues = new ChatQueues(ALBUM_HOLD_MS, (err) => log.error({ err }, 'a held answer could not be sent'));
  bot.use(oneAtATimePerChat(queues));
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
    await ctx.reply(
      ctx.t(onboarded ? 'common.not_understood' : 'common.start_first'),
      onboarded ? { reply_markup: services.mainMenu(ctx) } : {},
    );
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
    const menus: [Locale, string | undefined][] = [
      [config.defaultLocale, undefined],
      ['en', 'en'],
      ['zh-CN', 'zh'],
    ];
    for (const [locale, code] of menus) {
      const t = i18n.translator(locale);
      const describe = (list: CommandSpec[]) => list.map((c) => ({ command: c.name, description: t(c.description).slice(0, 256) }));
      try {
        await bot.telegram.setMyCommands(describe(commandsFor('resident', 'private')), {
          scope: { type: 'all_private_chats' },
          language_code: code,
        });
        await bot.telegram.setMyCommands(describe(commandsFor('staff', 'group')), {
          scope: { type: 'all_group_chats' },
          language_code: code,
        });
      } catch (err) {
        log.warn({ err, locale }, 'setMyCommands failed; the command menu may be out of date');
      }
    }
  };

  return {
    bot,
    services,
    commands,
    jobs: parts.flatMap((p) => p.jobs ?? []),
    registerCommands,
    settled: (limitMs) => queues.settled(limitMs),
  };
}

/** How long an album's answer waits for the album's next part (they arrive within milliseconds of each other). */
const ALBUM_HOLD_MS = 400;

/**
 * The first middleware: each chat's updates one after another (src/bot/chat-queue.ts). It runs
 * before anything awaits, so the updates of one polling batch queue up in update_id order.
 */
function oneAtATimePerChat(queues: ChatQueues): Middleware<BotContext> {
  return (ctx, next) => {
    const chat = ctx.chat?.id ?? ctx.from?.id;
    if (chat === undefined) return next();
    const message = ctx.message;
    const album = message && 'media_group_id' in message ? message.media_group_id : undefined;
    if (album) ctx.holdAnswer = (send) => queues.hold(String(chat), album, send);
    return queues.run(String(chat), { updateId: ctx.update.update_id, album }, () => next());
  };
}

/** Methods that post a new message, which Telegram counts against its flood limits. */
const postsMessage = (method: string) =>
  (method.startsWith('send') && method !== 'sendChatAction') || method === 'copyMessage' || method === 'forwardMessage';

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
      if (postsMessage(method) && typeof chatId === 'number')
        return sender.counted(chatId, () => call(method as never, payload as never, options));
      return call(method as never, payload as never, options);
    }) as typeof telegram.callApi;
    return next();
  };
}

/** How long a claim on an update holds unless its owner renews it (every third of that while handling). */
const CLAIM_LEASE_MS = 10_000;

/**
 * Telegram delivers an update again until it is confirmed (a webhook retry, or polling after a
 * restart): handle each one to the end at least once, and twice only if a process dies mid-way.
 * Each process start claims the updates it handles under its own id and marks them finished
 * (an error answered with an apology counts: redelivery would not help). Again-delivered updates:
 * - finished, or claimed by this process (still at work on it): skipped;
 * - claimed by another instance and never finished: that one died, or it is alive and still at
 *   work (two processes on one PostgreSQL). A live owner renews its lease every few seconds, so
 *   wait until the lease we saw runs out, then take the claim over with one guarded UPDATE that
 *   only matches if nobody renewed or took it meanwhile: one winner, and an owner that keeps
 *   renewing keeps its update even if the two clocks disagree.
 * The cost: after a crash, the update that was in hand waits up to CLAIM_LEASE_MS (when polling,
 * with its batch), and whatever the dead process had sent for it before dying is sent again.
 */
function dedupe(deps: CoreDeps): Middleware<BotContext> {
  const { db, clock, log } = deps;
  const me = randomUUID();

  /** The claim exists already: true if this process should handle the update after all. */
  const takeOver = async (updateId: number): Promise<boolean> => {
    const claim = await db
      .selectFrom('processed_updates')
      .select(['owner', 'lease_until', 'finished_at'])
      .where('update_id', '=', updateId)
      .executeTakeFirst();
    // No row: forgotten by the weekly clean-up, long after Telegram stopped redelivering.
    if (!claim || claim.finished_at !== null || claim.owner === me) return false;
    const left = Math.min(Math.max(claim.lease_until - clock.now(), 0), CLAIM_LEASE_MS);
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    const taken = await db
      .updateTable('processed_updates')
      .set({ owner: me, lease_until: clock.now() + CLAIM_LEASE_MS })
      .where('update_id', '=', updateId)
      .where('owner', '=', claim.owner)
      .where('lease_until', '=', claim.lease_until)
      .where('finished_at', 'is', null)
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1;
  };

  const renew = (updateId: number) =>
    db
      .updateTable('processed_updates')
      .set({ lease_until: clock.now() + CLAIM_LEASE_MS })
      .where('update_id', '=', updateId)
      .where('owner', '=', me)
      .where('finished_at', 'is', null)
      .execute()
      .catch((err) => log.warn({ err, updateId }, 'could not renew the claim on an update'));

  return async (ctx, next) => {
    const updateId = ctx.update.update_id;
    const now = clock.now();
    const inserted = await db
      .insertInto('processed_updates')
      .values({ update_id: updateId, at: now, owner: me, lease_until: now + CLAIM_LEASE_MS, finished_at: null })
      .onConflict((oc) => oc.column('update_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
      if (!(await takeOver(updateId))) return;
      log.info({ updateId }, 'handling again an update whose earlier handler never finished');
      // The dead process may have answered this press already, and Telegram refuses a second answer.
      if (ctx.callbackQuery) ctx.answerCbQuery = async () => true;
    }
    const renewal = setInterval(() => void renew(updateId), CLAIM_LEASE_MS / 3);
    renewal.unref();
    try {
      return await next();
    } finally {
      clearInterval(renewal);
      await db
        .updateTable('processed_updates')
        .set({ finished_at: clock.now() })
        .where('update_id', '=', updateId)
        .execute()
        .catch((err) => log.warn({ err, updateId }, 'could not mark an update finished'));
    }
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
        profile = await users.touch({
          id: from.id,
          firstName: from.first_name,
          username: from.username,
          locale: profile?.locale ?? guessLocale(from.language_code, config.defaultLocale),
          now: clock.now(),
        });
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
    if (isPrivate && !cmd.beforeOnboarding && !ctx.profile?.privacy_accepted_at && ctx.role !== 'admin')
      return void (await ctx.reply(ctx.t('common.start_first')));
    if (!atLeast(ctx.role, cmd.minRole)) return void (await ctx.reply(ctx.t('common.not_allowed')));
    return next();
  };
}
