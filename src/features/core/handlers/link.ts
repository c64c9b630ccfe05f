import type { Composer } from 'telegraf';
import type { BotContext } from '../../../bot/context';
import { localName } from '../../../community/config';
import type { CoreDeps } from '../../../deps';
import { linkChat, linkOf, migrateChat } from '../../../domain/chat-links';
import { canStaff } from '../../../domain/roles';
import { escapeHtml } from '../../../i18n';

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
  return ctx.reply(ctx.t('admin.linked', { what: escapeHtml(what) }), { parse_mode: 'HTML' });
};
