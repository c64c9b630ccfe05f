import { Composer } from 'telegraf';
import { DAY } from '../../clock';
import { onboardingFlow } from '../../../flows/onboarding';
import { localName } from '../../community/config';
import { redeemInvite } from '../../domain/invites';
import { ensureLead } from '../../domain/volunteers';
import { audit } from '../../domain/audit';
import { escapeHtml, isLocale, LOCALE_NAMES, LOCALES, type Locale } from '../../i18n';
import { callbackCodec } from '../callback';
import type { BotContext } from '../context';
import type { Feature, FeatureParts } from '../feature';
import { replyLong } from '../reply';

/**
 * Start, language, help, cancel and the resident's own data: what every role needs before
 * and besides any feature.
 */

export const langButton = callbackCodec('lang', { locale: 'str' });
const deleteButton = callbackCodec('del', { answer: 'str' });

/** Deep links: `inv-<token>` (an invitation) or `c-<community>[-b-<building>]` (a stairwell QR code). */
export function parseStartPayload(payload: string): { invite: string } | { community: string; building?: string } | undefined {
  const invite = /^inv-([A-Za-z0-9_-]{8,40})$/.exec(payload);
  if (invite) return { invite: invite[1] };
  const place = /^c-([a-z0-9_]{1,16})(?:-b-([a-z0-9_]{1,16}))?$/.exec(payload);
  if (place) return { community: place[1], building: place[2] };
  return undefined;
}

export const coreFeature: Feature = (deps, services) => {
  const { users, communities, clock, i18n } = deps;
  const composer = new Composer<BotContext>();

  const setLocale = async (ctx: BotContext, locale: Locale) => {
    await users.update(ctx.from!.id, { locale }, clock.now());
    ctx.locale = locale;
    ctx.t = i18n.translator(locale);
  };

  const languagePicker = (ctx: BotContext) =>
    ctx.reply(ctx.t('core.choose_language'), {
      reply_markup: {
        inline_keyboard: [
          LOCALES.map((l) => ({ text: (l === ctx.locale ? '✓ ' : '') + LOCALE_NAMES[l], callback_data: langButton.pack({ locale: l }) })),
        ],
      },
    });

  const onboarded = (ctx: BotContext) => Boolean(ctx.profile?.privacy_accepted_at);

  const start = async (ctx: BotContext) => {
    if (ctx.chat?.type !== 'private') return ctx.reply(ctx.t('core.start_in_private', { bot: deps.botUsername() }));
    const payload = parseStartPayload(('payload' in ctx ? String(ctx.payload ?? '') : '').trim());
    services.flows.cancel(ctx);
    if (payload && 'invite' in payload) {
      const result = await redeemInvite(deps.db, clock.now(), payload.invite, ctx.from!.id);
      if (!result.ok) return ctx.reply(ctx.t(`core.invite_${result.reason}`));
      // A team lead's invitation also makes them the lead of that team (see domain/volunteers).
      if (result.role === 'lead' && result.teamId) await ensureLead(deps.db, clock.now(), ctx.from!.id, result.communityId, result.teamId);
      ctx.role = ctx.role === 'admin' ? 'admin' : (await users.find(ctx.from!.id))!.role;
      const community = localName(communities.community(result.communityId)!.name, ctx.locale);
      await ctx.reply(ctx.t(`core.invite_welcome_${result.role}`, { community: escapeHtml(community) }), { parse_mode: 'HTML' });
      await services.refreshCommands(ctx.from!.id);
      if (!onboarded(ctx)) return services.flows.start(ctx, 'onb', { community: result.communityId });
      return ctx.reply(ctx.t('core.menu'), { reply_markup: services.mainMenu(ctx) });
    }
    if (payload && 'community' in payload) {
      const community = communities.community(payload.community);
      const building = payload.building ? communities.building(payload.community, payload.building) : undefined;
      if (!community || (payload.building && !building)) return ctx.reply(ctx.t('core.bad_link'));
      if (onboarded(ctx) && building) {
        await users.update(ctx.from!.id, { community_id: community.id, building_id: building.id }, clock.now());
        const place = `${localName(community.name, ctx.locale)} · ${localName(building.name, ctx.locale)}`;
        return ctx.reply(ctx.t('core.building_changed', { place: escapeHtml(place) }), {
          parse_mode: 'HTML',
          reply_markup: services.mainMenu(ctx),
        });
      }
      await ctx.reply(ctx.t('core.welcome', { name: escapeHtml(ctx.from!.first_name) }) + '\n' + ctx.t('core.lang_hint'), {
        parse_mode: 'HTML',
      });
      return services.flows.start(ctx, 'onb', { community: community.id, building: building?.id ?? '' });
    }
    if (onboarded(ctx)) {
      return ctx.reply(ctx.t('core.welcome_back', { name: escapeHtml(ctx.from!.first_name) }), {
        parse_mode: 'HTML',
        reply_markup: services.mainMenu(ctx),
      });
    }
    await ctx.reply(ctx.t('core.welcome', { name: escapeHtml(ctx.from!.first_name) }), { parse_mode: 'HTML' });
    return languagePicker(ctx);
  };

  composer.action(langButton.pattern, async (ctx) => {
    const p = langButton.unpack(ctx.callbackQuery && 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : '');
    if (!p || !isLocale(p.locale)) return ctx.answerCbQuery(ctx.t('common.stale_button'));
    await setLocale(ctx, p.locale);
    await ctx.answerCbQuery(LOCALE_NAMES[p.locale]);
    await ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
    await services.refreshCommands(ctx.from.id);
    if (!onboarded(ctx) && !services.flows.active(ctx)) return services.flows.start(ctx, 'onb');
    return ctx.reply(ctx.t('core.language_set'), { reply_markup: onboarded(ctx) ? services.mainMenu(ctx) : undefined });
  });

  const help = async (ctx: BotContext) => {
    const inGroup = ctx.chat?.type !== 'private';
    const lines = services.commandsFor(ctx.role, inGroup ? 'group' : 'private').map((c) => `/${c.name} — ${ctx.t(c.description)}`);
    await ctx.reply(
      `${ctx.t('core.help_title', { role: ctx.t(`roles.${ctx.role}`) })}\n\n${lines.join('\n')}\n\n${ctx.t('core.help_footer')}`,
    );
  };

  const cancel = async (ctx: BotContext) => {
    const had = services.flows.cancel(ctx);
    await ctx.reply(ctx.t(had ? 'common.cancelled' : 'common.nothing_to_cancel'), {
      reply_markup: onboarded(ctx) ? services.mainMenu(ctx) : { remove_keyboard: true },
    });
  };

  const mydata = async (ctx: BotContext) => {
    const u = (await users.find(ctx.from!.id))!;
    const t = ctx.t;
    const community = u.community_id ? communities.community(u.community_id) : undefined;
    const building = u.community_id && u.building_id ? communities.building(u.community_id, u.building_id) : undefined;
    const lines = [
      t('core.mydata_title'),
      '',
      `${t('core.field_id')}: ${u.id}`,
      `${t('core.field_name')}: ${escapeHtml(u.first_name)}${u.username ? ` (@${escapeHtml(u.username)})` : ''}`,
      `${t('core.field_language')}: ${isLocale(u.locale) ? LOCALE_NAMES[u.locale] : u.locale}`,
      `${t('core.field_role')}: ${t(`roles.${ctx.role}`)}`,
      `${t('core.field_community')}: ${community ? escapeHtml(localName(community.name, ctx.locale)) : '—'}`,
      `${t('core.field_building')}: ${building ? escapeHtml(localName(building.name, ctx.locale)) : '—'}`,
      `${t('core.field_unit')}: ${u.unit ? escapeHtml(u.unit) : '—'}`,
      `${t('core.field_phone')}: ${u.phone ? escapeHtml(u.phone) : '—'}`,
      `${t('core.field_privacy')}: ${u.privacy_accepted_at ? new Date(u.privacy_accepted_at).toISOString().slice(0, 10) : '—'}`,
    ];
    for (const part of services.privacy) lines.push('', ...(await part.exportData(u.id, t)));
    await replyLong(ctx, lines.join('\n'));
  };

  const deleteme = async (ctx: BotContext) => {
    await ctx.reply(ctx.t('core.deleteme_confirm'), {
      reply_markup: {
        inline_keyboard: [
          [
            { text: ctx.t('core.deleteme_yes'), callback_data: deleteButton.pack({ answer: 'yes' }) },
            { text: ctx.t('core.deleteme_no'), callback_data: deleteButton.pack({ answer: 'no' }) },
          ],
        ],
      },
    });
  };

  composer.action(deleteButton.pattern, async (ctx) => {
    const p = deleteButton.unpack('data' in ctx.callbackQuery ? ctx.callbackQuery.data : '');
    await ctx.answerCbQuery();
    await ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
    if (p?.answer !== 'yes' || ctx.chat?.type !== 'private') return ctx.reply(ctx.t('core.deleteme_kept'));
    const userId = ctx.from.id;
    await deps.db.transaction().execute(async (tx) => {
      for (const part of services.privacy) await part.erase(userId, tx as never);
      await tx.deleteFrom('users').where('id', '=', userId).execute();
      // The audit trail keeps what happened, not who did it; messages to them are not kept either.
      await tx.updateTable('audit_log').set({ actor_id: null }).where('actor_id', '=', userId).execute();
      await tx.deleteFrom('outbox').where('chat_id', '=', userId).execute();
      await audit(tx, clock.now(), null, 'user.erased', 'user:erased');
    });
    services.flows.cancel(ctx);
    // Their conversation state goes too (telegraf deletes the stored session when it is null).
    (ctx as { session: unknown }).session = null;
    await ctx.reply(ctx.t('core.deleteme_done'), { reply_markup: { remove_keyboard: true } });
  });

  const parts: FeatureParts = {
    name: 'core',
    composer,
    flows: [onboardingFlow(deps)],
    jobs: [
      {
        // Update ids are remembered to drop redeliveries; Telegram keeps an update for 24 hours, so after a week
        // no row matters any more, finished or not (a claim left by a crash can no longer be redelivered).
        name: 'forget-processed-updates',
        cron: '17 4 * * *',
        run: async (now) => {
          await deps.db
            .deleteFrom('processed_updates')
            .where('at', '<', now - 7 * DAY)
            .execute();
        },
      },
    ],
    commands: [
      { name: 'start', minRole: 'resident', chat: 'any', description: 'core.cmd_start', beforeOnboarding: true, run: start },
      {
        name: 'help',
        minRole: 'resident',
        chat: 'any',
        description: 'core.cmd_help',
        menuLabel: 'core.menu_help',
        beforeOnboarding: true,
        run: help,
      },
      {
        name: 'lang',
        minRole: 'resident',
        chat: 'private',
        description: 'core.cmd_lang',
        menuLabel: 'core.menu_lang',
        beforeOnboarding: true,
        run: languagePicker,
      },
      { name: 'cancel', minRole: 'resident', chat: 'private', description: 'core.cmd_cancel', beforeOnboarding: true, run: cancel },
      { name: 'mydata', minRole: 'resident', chat: 'private', description: 'core.cmd_mydata', beforeOnboarding: true, run: mydata },
      { name: 'deleteme', minRole: 'resident', chat: 'private', description: 'core.cmd_deleteme', beforeOnboarding: true, run: deleteme },
    ],
  };
  return parts;
};
