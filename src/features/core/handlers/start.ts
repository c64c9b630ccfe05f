import type { BotContext } from '../../../bot/context';
import { localName } from '../../../community/config';
import { grantKind } from '../../../domain/grid';
import { escapeHtml } from '../../../i18n';
import { acceptInvite } from '../services';
import { onboarded, type CoreKit } from './kit';
import { languagePicker } from './language';

/** Deep links: `inv-<token>` (an invitation) or `c-<community>[-b-<building>]` (a stairwell QR code). */
export function parseStartPayload(payload: string): { invite: string } | { community: string; building?: string } | undefined {
  const invite = /^inv-([A-Za-z0-9_-]{8,40})$/.exec(payload);
  if (invite) return { invite: invite[1] };
  const place = /^c-([a-z0-9_]{1,16})(?:-b-([a-z0-9_]{1,16}))?$/.exec(payload);
  if (place) return { community: place[1], building: place[2] };
  return undefined;
}

/** /start, with or without a deep link; only in the private chat. */
export const startCommand = (kit: CoreKit) => async (ctx: BotContext) => {
  if (ctx.chat?.type !== 'private') return ctx.reply(ctx.t('core.start_in_private', { bot: kit.deps.botUsername() }));
  const payload = parseStartPayload(('payload' in ctx ? String(ctx.payload ?? '') : '').trim());
  kit.bot.flows.cancel(ctx);
  if (payload && 'invite' in payload) return startFromInvite(kit, ctx, payload.invite);
  if (payload && 'community' in payload) return startFromPlace(kit, ctx, payload);
  const name = escapeHtml(ctx.from!.first_name);
  if (onboarded(ctx)) {
    return ctx.reply(ctx.t('core.welcome_back', { name }), { parse_mode: 'HTML', reply_markup: kit.bot.mainMenu(ctx) });
  }
  await ctx.reply(ctx.t('core.welcome', { name }), { parse_mode: 'HTML' });
  return languagePicker(ctx);
};

/** An invitation: the new role, a welcome naming the community, then onboarding if it is still to do. */
async function startFromInvite({ deps, bot, onboarding }: CoreKit, ctx: BotContext, token: string) {
  const result = await acceptInvite(deps, token, ctx.from!.id);
  if (!result.ok) return ctx.reply(ctx.t(`core.invite_${result.reason}`));
  ctx.role = ctx.role === 'admin' ? 'admin' : (await deps.users.find(ctx.from!.id))!.role;
  const community = localName(deps.communities.community(result.communityId)!.name, ctx.locale);
  const welcome = result.grants ? `grid.invite_welcome_${grantKind(result.grants)}` : `core.invite_welcome_${result.role}`;
  await ctx.reply(ctx.t(welcome, { community: escapeHtml(community) }), { parse_mode: 'HTML' });
  await bot.refreshCommands(ctx.from!.id);
  if (!onboarded(ctx)) return bot.flows.start(ctx, onboarding, { community: result.communityId });
  return ctx.reply(ctx.t('core.menu'), { reply_markup: bot.mainMenu(ctx) });
}

/** A stairwell QR code: moves an onboarded resident to that building, or onboards a new one with it known. */
async function startFromPlace({ deps, bot, onboarding }: CoreKit, ctx: BotContext, link: { community: string; building?: string }) {
  const { communities, users, clock } = deps;
  const community = communities.community(link.community);
  const building = link.building ? communities.building(link.community, link.building) : undefined;
  if (!community || (link.building && !building)) return ctx.reply(ctx.t('core.bad_link'));
  if (onboarded(ctx) && building) {
    await users.update(ctx.from!.id, { community_id: community.id, building_id: building.id }, clock.now());
    const place = `${localName(community.name, ctx.locale)} · ${localName(building.name, ctx.locale)}`;
    return ctx.reply(ctx.t('core.building_changed', { place: escapeHtml(place) }), {
      parse_mode: 'HTML',
      reply_markup: bot.mainMenu(ctx),
    });
  }
  // The welcome and the first question in one message.
  const heading = ctx.t('core.welcome', { name: escapeHtml(ctx.from!.first_name) }) + '\n' + ctx.t('core.lang_hint');
  return bot.flows.start(ctx, onboarding, { community: community.id, building: building?.id }, { heading });
}
