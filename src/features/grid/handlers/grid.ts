import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { localName } from '../../../community/config';
import { audit } from '../../../domain/audit';
import { gridRolesIn } from '../../../domain/grid';
import { escapeHtml } from '../../../i18n';
import { gridInviteButton, headButton } from '../buttons';
import { grantInviteLink, namesOf } from '../services/people';
import { gridView } from '../views/grid';
import { communityOf, editPage, replyPage, type GridEnv } from './env';

/** /grid: who answers for each building, invitations for grid workers and building heads, the community head. */

async function renderGrid(env: GridEnv, ctx: BotContext) {
  const { deps } = env;
  const communityId = communityOf(env, ctx);
  const community = deps.communities.community(communityId)!;
  const roles = await gridRolesIn(deps.db, communityId);
  const staff = await deps.db
    .selectFrom('users')
    .select(['id', 'first_name', 'community_head'])
    .where('community_id', '=', communityId)
    .where('role', '=', 'staff')
    .orderBy('id')
    .execute();
  const names = await namesOf(
    deps,
    roles.map((r) => Number(r.user_id)),
  );
  return gridView({ community, roles, names, staff, admin: ctx.role === 'admin' }, ctx.t, ctx.locale);
}

export const showGrid = (env: GridEnv) => async (ctx: BotContext) => replyPage(ctx, await renderGrid(env, ctx));

/** A one-time link that makes its opener the building's grid worker or head. */
export function onGridInvite(composer: Composer<BotContext>, env: GridEnv): void {
  onButton(composer, {
    codec: gridInviteButton,
    minRole: 'staff',
    run: async (ctx, _none, p) => {
      const communityId = communityOf(env, ctx);
      const building = env.deps.communities.building(communityId, p.b);
      if (!building) return ctx.answerCbQuery(ctx.t('common.stale_button'));
      await ctx.answerCbQuery();
      const { link, hours } = await grantInviteLink(
        env.deps,
        { id: ctx.from.id, role: ctx.role },
        communityId,
        `grid:${p.kind}:${building.id}`,
      );
      return ctx.reply(
        ctx.t(`grid.invite_created_${p.kind}`, {
          link: escapeHtml(link),
          building: escapeHtml(localName(building.name, ctx.locale)),
          hours,
        }),
        {
          parse_mode: 'HTML',
        },
      );
    },
  });
}

/** Admins name the community head (the ladder's third rung): a staff flag. */
export function onHead(composer: Composer<BotContext>, env: GridEnv): void {
  const { deps } = env;
  onButton(composer, {
    codec: headButton,
    minRole: 'admin',
    load: (p) => deps.users.find(p.u),
    refuse: (ctx, u) => (u.role === 'staff' ? undefined : { text: ctx.t('common.stale_button') }),
    run: async (ctx, u, p) => {
      await deps.db
        .updateTable('users')
        .set({ community_head: Number(p.on) })
        .where('id', '=', u.id)
        .execute();
      await audit(deps.db, deps.clock.now(), ctx.from.id, 'grid.community_head', `user:${u.id}`, { on: p.on });
      await ctx.answerCbQuery(ctx.t('grid.head_set'));
      const profileCommunity = ctx.profile?.community_id;
      if (!profileCommunity || profileCommunity === u.community_id) await editPage(ctx, await renderGrid(env, ctx));
    },
  });
}
