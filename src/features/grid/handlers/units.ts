import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { findUnit, unitsOf } from '../../../domain/units';
import { canStaff } from '../../../domain/roles';
import { escapeHtml } from '../../../i18n';
import { newUnitButton, unitFrontageButton, unitInviteButton } from '../buttons';
import { grantInviteLink, namesOf } from '../services/people';
import { frontageText } from '../views/units';
import { communityOf, replyPage, type GridEnv } from './env';

/** /units: the community's partner units with their contact and frontage; register one; invite its contact. */

export const showUnits = (env: GridEnv) => async (ctx: BotContext) => {
  const { deps } = env;
  const communityId = communityOf(env, ctx);
  const units = await unitsOf(deps.db, communityId);
  const names = await namesOf(
    deps,
    units.flatMap((u) => (u.contact_id ? [Number(u.contact_id)] : [])),
  );
  const lines = units.map((u) =>
    ctx.t('grid.unit_line', {
      name: escapeHtml(u.name),
      contact: u.contact_id ? escapeHtml(names.get(Number(u.contact_id)) ?? '?') : ctx.t('grid.nobody'),
      places: escapeHtml(frontageText(deps.communities, communityId, u, ctx.locale)),
    }),
  );
  const keyboard = [
    ...units.map((u) => [
      { text: `🔗 ${ctx.t('grid.invite_contact')} · ${u.name}`, callback_data: unitInviteButton.pack({ id: Number(u.id) }) },
      { text: `✏️ ${ctx.t('grid.edit_frontage')} · ${u.name}`, callback_data: unitFrontageButton.pack({ id: Number(u.id) }) },
    ]),
    [{ text: `➕ ${ctx.t('grid.register_unit')}`, callback_data: newUnitButton.pack({ c: communityId }) }],
  ];
  const text = [ctx.t('grid.units_title', { n: units.length }), ...lines].join('\n');
  return replyPage(ctx, { text, keyboard });
};

export function onNewUnit(composer: Composer<BotContext>, env: GridEnv): void {
  onButton(composer, {
    codec: newUnitButton,
    minRole: 'staff',
    allowed: (ctx, p) => canStaff(ctx.role, ctx.profile, p.c) && Boolean(env.deps.communities.community(p.c)),
    run: (ctx, _none, p) => env.bot.flows.start(ctx, env.flows.unit, { communityId: p.c }),
  });
}

export function onUnitFrontage(composer: Composer<BotContext>, env: GridEnv): void {
  onButton(composer, {
    codec: unitFrontageButton,
    minRole: 'staff',
    load: (p) => findUnit(env.deps.db, p.id),
    may: (ctx, u) => canStaff(ctx.role, ctx.profile, u.community_id),
    run: (ctx, u) => env.bot.flows.start(ctx, env.flows.unit, { communityId: u.community_id, unitId: Number(u.id), name: u.name }),
  });
}

export function onUnitInvite(composer: Composer<BotContext>, env: GridEnv): void {
  onButton(composer, {
    codec: unitInviteButton,
    minRole: 'staff',
    load: (p) => findUnit(env.deps.db, p.id),
    may: (ctx, u) => canStaff(ctx.role, ctx.profile, u.community_id),
    run: async (ctx, u) => {
      await ctx.answerCbQuery();
      const { link, hours } = await grantInviteLink(env.deps, { id: ctx.from.id, role: ctx.role }, u.community_id, `unit:${u.id}`);
      return ctx.reply(ctx.t('grid.unit_invite', { name: escapeHtml(u.name), link: escapeHtml(link), hours }), { parse_mode: 'HTML' });
    },
  });
}
