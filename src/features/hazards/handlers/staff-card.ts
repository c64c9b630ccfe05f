import type { Composer } from 'telegraf';
import { onButton, type PressContext } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { localName } from '../../../community/config';
import { findReport, publicId, similarReports, type Report } from '../../../domain/hazards';
import type { Action } from '../../../domain/hazard-status';
import type { InlineKeyboard } from '../../../delivery/outbox';
import { assignButton, cardBackButton, rejectButton, staffButton } from '../buttons';
import { openPrivateStep } from '../private-step';
import { continueInPrivate, tellAssignee } from '../services';
import { assignKeyboard, rejectKeyboard } from '../views/card';
import {
  applyStaffMove,
  cardLocale,
  editPressed,
  isPrivate,
  refuseUnmovable,
  staffMoveOnReport,
  staffOnReport,
  type HazardsEnv,
} from './press';

/** The buttons on a report's card: the staff moves, the assign and reject menus, and Back. */

/** A staff move pressed on a card: assign and reject open a menu, fix and hand-up need words, the rest happen at once. */
export function onStaffMove(composer: Composer<BotContext>, env: HazardsEnv): void {
  onButton(composer, {
    codec: staffButton,
    ...staffOnReport(env),
    refuse: (ctx, r, p) => refuseUnmovable(env, ctx, r, p.action),
    run: async (ctx, r, { action }) => {
      if (action === 'assign' || action === 'reject') {
        await ctx.answerCbQuery();
        const menu = action === 'assign' ? await assignMenu(env, ctx, r) : await rejectMenu(env, ctx, r);
        return editPressed(env, ctx, r, menu);
      }
      if (action === 'fix' || action === 'hand_up') return startWordyMove(env, ctx, r, action);
      return applyStaffMove(env, ctx, r, action);
    },
  });
}

async function assignMenu(env: HazardsEnv, ctx: PressContext, r: Report): Promise<InlineKeyboard> {
  const locale = await cardLocale(env, ctx);
  const staff = await env.deps.users.staffOf(r.community_id);
  return assignKeyboard(env.deps, r, staff, env.deps.i18n.translator(locale), locale);
}

async function rejectMenu(env: HazardsEnv, ctx: PressContext, r: Report): Promise<InlineKeyboard> {
  const { deps } = env;
  const similar = await similarReports(deps.db, deps.clock.now(), deps.communities.settings, {
    communityId: r.community_id,
    category: r.category,
    buildingId: r.building_id ?? undefined,
    location: r.latitude !== null && r.longitude !== null ? { latitude: r.latitude, longitude: r.longitude } : undefined,
  });
  return rejectKeyboard(
    r,
    similar.filter((x) => x.id !== r.id),
    deps.i18n.translator(await cardLocale(env, ctx)),
  );
}

/**
 * "Fixed" and "Hand upward" ask for words and photos: in the private chat, never in the group.
 * Pressed in the group, the first question is written to the private chat at once and the group
 * hears where to continue; pressed again, nothing more is written there.
 */
async function startWordyMove(env: HazardsEnv, ctx: PressContext, r: Report, action: Extract<Action, 'fix' | 'hand_up'>) {
  const flow = action === 'fix' ? env.flows.fix : env.flows.handUp;
  // The engine answers the press (and a second tap "already done").
  if (isPrivate(ctx)) return env.bot.flows.start(ctx, flow, { reportId: r.id });
  const params = { id: publicId(r.id), action: ctx.t(`hazards.act_${action}`) };
  // Written in the private chat's line, so an update of theirs in hand there cannot overwrite it.
  const step = await env.bot.inChat(ctx.from.id, () =>
    openPrivateStep(env.deps, { userId: ctx.from.id, role: ctx.role, updateId: ctx.update.update_id }, flow, { reportId: r.id }),
  );
  if (step !== 'busy') return ctx.answerCbQuery(ctx.t(`hazards.continue_private_${step}`, params));
  // Another conversation is under way there: it is kept, and the step waits behind its button.
  await continueInPrivate(env.deps, ctx.from.id, ctx.t, action, r.id);
  return ctx.answerCbQuery(ctx.t('hazards.continue_private'), { show_alert: true });
}

/** Assign to a team or a staff member of the report's community. */
export function onAssign(composer: Composer<BotContext>, env: HazardsEnv): void {
  const { deps } = env;
  onButton(composer, {
    codec: assignButton,
    ...staffMoveOnReport(env, 'assign'),
    run: async (ctx, r, p) => {
      // The event's note is a code (views/resident.ts says it in each reader's language); `name` is for the toast.
      let details: { ownerId?: number; teamId?: string; note: string; name: string } | undefined;
      if (p.kind === 't') {
        const team = deps.communities.team(r.community_id, p.target);
        if (team) details = { teamId: team.id, note: `team:${team.id}`, name: localName(team.name, await cardLocale(env, ctx)) };
      } else {
        const staff = (await deps.users.staffOf(r.community_id)).find((s) => String(s.id) === p.target);
        if (staff) details = { ownerId: staff.id, note: `staff:${staff.id}`, name: staff.first_name };
      }
      if (!details) return ctx.answerCbQuery(ctx.t('common.stale_button'));
      const same = r.status === 'assigned' && r.owner_id === (details.ownerId ?? null) && r.team_id === (details.teamId ?? null);
      if (same) return ctx.answerCbQuery(ctx.t('hazards.already_assigned', { id: publicId(r.id), name: details.name }));
      const { name: _name, ...move } = details;
      const moved = await applyStaffMove(env, ctx, r, 'assign', move);
      // The assignee hears it privately, with the card and its buttons.
      if (moved && details.ownerId && details.ownerId !== ctx.from.id) await tellAssignee(deps, details.ownerId, moved);
    },
  });
}

/** Reject with a reason; a duplicate must name another report of the same community. */
export function onReject(composer: Composer<BotContext>, env: HazardsEnv): void {
  const { deps } = env;
  onButton(composer, {
    codec: rejectButton,
    ...staffMoveOnReport(env, 'reject'),
    run: async (ctx, r, p) => {
      let duplicateOf: number | undefined;
      if (p.reason === 'duplicate') {
        const other = await findReport(deps.db, p.dup);
        if (!other || other.id === r.id || other.community_id !== r.community_id) return ctx.answerCbQuery(ctx.t('common.stale_button'));
        duplicateOf = other.id;
      }
      // A code, not words: the history says it in each reader's language.
      const note = duplicateOf ? `duplicate:${duplicateOf}` : p.reason;
      return applyStaffMove(env, ctx, r, 'reject', { rejectReason: p.reason, duplicateOf, note });
    },
  });
}

/** Back from a menu to the card's buttons. */
export function onCardBack(composer: Composer<BotContext>, env: HazardsEnv): void {
  onButton(composer, {
    codec: cardBackButton,
    // The card with its staff buttons is for staff of this community only (a forged press would show it anywhere).
    ...staffOnReport(env),
    run: async (ctx, r) => {
      await ctx.answerCbQuery();
      return editPressed(env, ctx, r);
    },
  });
}
