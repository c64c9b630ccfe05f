import type { Composer } from 'telegraf';
import { onButton, type PressContext } from '../../../bot/buttons';
import { commandText } from '../../../bot/command-args';
import type { BotContext } from '../../../bot/context';
import type { BotServices } from '../../../bot/services';
import type { CoreDeps } from '../../../deps';
import { enqueue } from '../../../delivery/outbox';
import { revokeGridRole } from '../../../domain/grid';
import { findMember } from '../../../domain/volunteers';
import { canStaff } from '../../../domain/roles';
import { escapeHtml } from '../../../i18n';
import { removeMemberButton, revokeGridButton, revokeLeadButton, revokeStaffButton, teamMembersButton } from '../buttons';
import { findResidents } from '../services/find';
import {
  gridOfCommunity,
  membersOfCommunity,
  removeFromTeam,
  revokeLead,
  revokeStaff,
  staffOfCommunity,
  type Revoked,
} from '../services/people';
import { foundView, membersView, peopleView, teamChoiceKeyboard, type ViewCtx } from '../views/people';

/** Staff managing people in chat: /find, /staff (staff and team leads, with Revoke), /members (a team, with Remove). */

export interface WorkbenchEnv {
  deps: CoreDeps;
  bot: BotServices;
}

/** The community a staff member works in; an admin may name another after the command (/staff guihua). */
function ownCommunity(env: WorkbenchEnv, ctx: BotContext, mayName = false): string | undefined {
  const asked = mayName ? commandText(ctx) : '';
  if (ctx.role === 'admin' && asked && env.deps.communities.community(asked)) return asked;
  return ctx.profile?.community_id ?? undefined;
}

const viewCtx = (env: WorkbenchEnv, ctx: BotContext, communityId: string): ViewCtx => ({
  t: ctx.t,
  locale: ctx.locale,
  communities: env.deps.communities,
  communityId,
});

export const findCommand = (env: WorkbenchEnv) => async (ctx: BotContext) => {
  const query = commandText(ctx);
  const communityId = ownCommunity(env, ctx);
  if (!communityId) return ctx.reply(ctx.t('summary.no_community'));
  if (!query) return ctx.reply(ctx.t('workbench.find_usage'));
  const found = await findResidents(env.deps.db, env.deps.communities, communityId, query.slice(0, 64));
  return ctx.reply(foundView(viewCtx(env, ctx, communityId), query, found), { parse_mode: 'HTML' });
};

async function renderPeople(env: WorkbenchEnv, ctx: BotContext, communityId: string) {
  const { db } = env.deps;
  return peopleView(viewCtx(env, ctx, communityId), [
    // Only admins make staff (/invite), so only admins take it back.
    { section: 'staff', people: await staffOfCommunity(db, communityId), mayRevoke: ctx.role === 'admin' },
    { section: 'lead', people: await membersOfCommunity(db, communityId, { role: 'lead' }), mayRevoke: true },
    { section: 'grid', people: await gridOfCommunity(db, communityId), mayRevoke: true },
  ]);
}

export const staffCommand = (env: WorkbenchEnv) => async (ctx: BotContext) => {
  const communityId = ownCommunity(env, ctx, true);
  if (!communityId) return ctx.reply(ctx.t('summary.no_community'));
  const { text, keyboard } = await renderPeople(env, ctx, communityId);
  return ctx.reply(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } });
};

export const membersCommand = (env: WorkbenchEnv) => async (ctx: BotContext) => {
  const communityId = ownCommunity(env, ctx, true);
  if (!communityId) return ctx.reply(ctx.t('summary.no_community'));
  const keyboard = teamChoiceKeyboard(viewCtx(env, ctx, communityId));
  if (keyboard.length === 0) return ctx.reply(ctx.t('workbench.no_teams'));
  return ctx.reply(ctx.t('workbench.choose_team'), { reply_markup: { inline_keyboard: keyboard } });
};

/** The person who lost a role hears it (through the outbox) and their command menu follows. */
async function tellRevoked(env: WorkbenchEnv, done: Extract<Revoked, { ok: true }>, key: string, communityId: string) {
  const { deps } = env;
  const person = await deps.users.find(done.userId);
  if (!person) return;
  const locale = deps.users.localeOfUser(person);
  const team = done.teamId ? (deps.communities.team(communityId, done.teamId)?.name[locale] ?? done.teamId) : '';
  const text = deps.i18n.translator(locale)(key, { team: escapeHtml(team) });
  await enqueue(deps.db, deps.clock.now(), { chatId: done.userId, text });
  deps.sender.poke();
  await env.bot.refreshCommands(done.userId).catch((err) => deps.log.warn({ err }, 'could not refresh the command menu'));
}

/** A press on a list: after the change the same message shows the list as it is now. */
async function refreshList(ctx: PressContext, view: { text: string; keyboard: unknown }) {
  await ctx
    .editMessageText(view.text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: view.keyboard as never } })
    .catch((err) => ctx.log.debug({ err }, 'list unchanged'));
}

export function peopleButtons(composer: Composer<BotContext>, env: WorkbenchEnv): void {
  const { deps } = env;
  const already = (ctx: PressContext) => ({ text: ctx.t('common.already_done') });
  onButton(composer, {
    codec: revokeStaffButton,
    minRole: 'admin',
    load: (p) => deps.users.find(p.u),
    refuse: (ctx, u) => (u.role !== 'staff' || !u.community_id ? already(ctx) : undefined),
    run: async (ctx, u) => {
      const done = await revokeStaff(deps.db, deps.clock.now(), ctx.from.id, u.id, u.community_id!);
      if (!done.ok) return ctx.answerCbQuery(ctx.t('common.already_done'));
      await ctx.answerCbQuery(ctx.t('workbench.revoked', { name: u.first_name }));
      await tellRevoked(env, done, 'workbench.told_staff_revoked', u.community_id!);
      await refreshList(ctx, await renderPeople(env, ctx, u.community_id!));
    },
  });
  const member = {
    minRole: 'staff' as const,
    load: (p: { m: number }) => findMember(deps.db, p.m),
    may: (ctx: PressContext, m: { community_id: string }) => canStaff(ctx.role, ctx.profile, m.community_id),
  };
  onButton(composer, {
    codec: revokeLeadButton,
    ...member,
    refuse: (ctx, m) => (m.role !== 'lead' || m.status !== 'approved' ? already(ctx) : undefined),
    run: async (ctx, m) => {
      const done = await revokeLead(deps.db, deps.clock.now(), ctx.from.id, m.id, m.community_id);
      if (!done.ok) return ctx.answerCbQuery(ctx.t('common.already_done'));
      await ctx.answerCbQuery(ctx.t('workbench.revoked_done'));
      await tellRevoked(env, done, 'workbench.told_lead_revoked', m.community_id);
      await refreshList(ctx, await renderPeople(env, ctx, m.community_id));
    },
  });
  onButton(composer, {
    codec: revokeGridButton,
    minRole: 'staff',
    allowed: (ctx, p) => canStaff(ctx.role, ctx.profile, p.c),
    run: async (ctx, _none, p) => {
      const duty = { communityId: p.c, buildingId: p.b, kind: p.k, userId: p.u };
      if (!(await revokeGridRole(deps.db, deps.clock.now(), ctx.from.id, duty)))
        return ctx.answerCbQuery(already(ctx).text, { show_alert: true });
      await ctx.answerCbQuery(ctx.t('workbench.revoked_grid_done'));
      await tellRevoked(env, { ok: true, userId: p.u }, 'workbench.told_grid_revoked', p.c);
      await refreshList(ctx, await renderPeople(env, ctx, p.c));
    },
  });
  onButton(composer, {
    codec: teamMembersButton,
    minRole: 'staff',
    allowed: (ctx, p) => Boolean(deps.communities.team(p.c, p.t)) && canStaff(ctx.role, ctx.profile, p.c),
    run: async (ctx, _none, p) => {
      await ctx.answerCbQuery();
      const members = await membersOfCommunity(deps.db, p.c, { teamId: p.t });
      await refreshList(ctx, membersView(viewCtx(env, ctx, p.c), p.t, members, p.p));
    },
  });
  onButton(composer, {
    codec: removeMemberButton,
    ...member,
    refuse: (ctx, m) => (m.status !== 'approved' ? already(ctx) : undefined),
    run: async (ctx, m) => {
      const done = await removeFromTeam(deps.db, deps.clock.now(), ctx.from.id, m.id, m.community_id);
      if (!done.ok) return ctx.answerCbQuery(ctx.t('common.already_done'));
      await ctx.answerCbQuery(ctx.t('workbench.removed_done'));
      await tellRevoked(env, done, 'workbench.told_removed', m.community_id);
      const members = await membersOfCommunity(deps.db, m.community_id, { teamId: m.team_id });
      await refreshList(ctx, membersView(viewCtx(env, ctx, m.community_id), m.team_id, members));
    },
  });
}
