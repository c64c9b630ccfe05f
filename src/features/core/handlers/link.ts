import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { localName } from '../../../community/config';
import type { CoreDeps } from '../../../deps';
import { groupLocaleOf, linkChat, linkOf, migrateChat, setGroupLocale } from '../../../domain/chat-links';
import { canStaff } from '../../../domain/roles';
import { escapeHtml, LOCALE_NAMES, type Locale } from '../../../i18n';
import { groupLangButton } from '../buttons';
import { languageKeyboard } from '../views';

/** A group upgraded to a supergroup changes its id; keep its link. */
export function followChatMigrations(composer: Composer<BotContext>, deps: CoreDeps): void {
  composer.on('message', async (ctx, next) => {
    if ('migrate_to_chat_id' in ctx.message) await migrateChat(deps.db, ctx.chat.id, ctx.message.migrate_to_chat_id);
    return next();
  });
}

/** /link committee [community] or /link team <team> [community], sent in the group itself. */
export const linkCommand = (deps: CoreDeps) => async (ctx: BotContext) => {
  const { communities } = deps;
  const args = (ctx.message && 'text' in ctx.message ? ctx.message.text : '').split(/\s+/).slice(1);
  const [kind, ...rest] = args;
  const teamId = kind === 'team' ? rest.shift() : undefined;
  const communityId = rest[0] ?? ctx.profile?.community_id ?? (communities.all.length === 1 ? communities.all[0].id : undefined);
  if ((kind !== 'committee' && kind !== 'team') || (kind === 'team' && !teamId) || !communityId) {
    const teams = (communities.community(communityId ?? '')?.teams ?? communities.all[0].teams).map((t) => t.id).join(', ');
    return ctx.reply(ctx.t('admin.link_usage', { teams }));
  }
  const community = communities.community(communityId);
  if (!community) return ctx.reply(ctx.t('admin.link_unknown_community', { ids: communities.all.map((c) => c.id).join(', ') }));
  if (!canStaff(ctx.role, ctx.profile, community.id)) return ctx.reply(ctx.t('common.not_allowed'));
  const team = teamId ? communities.team(community.id, teamId) : undefined;
  if (teamId && !team) return ctx.reply(ctx.t('admin.link_unknown_team', { ids: community.teams.map((t) => t.id).join(', ') }));
  const chat = ctx.chat!;
  // A group already linked to another community stays theirs: only its staff (or an admin) may move it.
  const current = await linkOf(deps.db, chat.id);
  if (current && !canStaff(ctx.role, ctx.profile, current.community_id)) return ctx.reply(ctx.t('common.not_allowed'));
  await linkChat(
    deps.db,
    deps.clock.now(),
    { id: chat.id, title: 'title' in chat ? chat.title : '' },
    team ? { kind: 'team', communityId: community.id, teamId: team.id } : { kind: 'committee', communityId: community.id },
    ctx.from!.id,
  );
  const what = team ? localName(team.name, ctx.locale) : ctx.t('admin.committee_of', { community: localName(community.name, ctx.locale) });
  const linked = ctx.t('admin.linked', { what: escapeHtml(what) });
  return groupLanguagePicker(deps, ctx, await groupLocaleOf(deps.db, chat.id, deps.config.defaultLocale), `${linked}\n\n`);
};

/** The group's language picker (after `before`): what its cards, escalations and summaries are written in. */
function groupLanguagePicker(deps: CoreDeps, ctx: BotContext, current: Locale, before = '') {
  const t = deps.i18n.translator(current);
  return ctx.reply(before + t('admin.group_language', { language: LOCALE_NAMES[current] }), {
    parse_mode: 'HTML',
    reply_markup: { inline_keyboard: languageKeyboard(current, groupLangButton) },
  });
}

/** /lang in a group: staff of the group's community choose its language; anyone else is told where their own is set. */
export const groupLanguageCommand = (deps: CoreDeps) => async (ctx: BotContext) => {
  const link = await linkOf(deps.db, ctx.chat!.id);
  if (!link) return ctx.reply(ctx.t('admin.group_language_unlinked'));
  if (!canStaff(ctx.role, ctx.profile, link.community_id)) return ctx.reply(ctx.t('admin.group_language_staff_only'));
  return groupLanguagePicker(deps, ctx, await groupLocaleOf(deps.db, link.chat_id, deps.config.defaultLocale));
};

export function groupLanguageButton(composer: Composer<BotContext>, deps: CoreDeps): void {
  onButton(composer, {
    codec: groupLangButton,
    minRole: 'staff',
    load: (_, ctx) => (ctx.chat ? linkOf(deps.db, ctx.chat.id) : undefined),
    may: (ctx, link) => canStaff(ctx.role, ctx.profile, link.community_id),
    notAllowed: 'admin.group_language_staff_only',
    run: async (ctx, _, { locale }) => {
      await setGroupLocale(deps.db, deps.clock.now(), ctx.chat!.id, locale, ctx.from.id);
      const t = deps.i18n.translator(locale);
      await ctx.answerCbQuery(LOCALE_NAMES[locale]);
      // The picker keeps the choice written under it, in the group's new language.
      return ctx
        .editMessageText(`${t('admin.group_language', { language: LOCALE_NAMES[locale] })}`, {
          reply_markup: { inline_keyboard: languageKeyboard(locale, groupLangButton) },
        })
        .catch(() => undefined);
    },
  });
}
