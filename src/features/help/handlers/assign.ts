import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { findRequest, findTask } from '../../../domain/help';
import { canStaff } from '../../../domain/roles';
import { isTeamLead, isTeamMember } from '../../../domain/volunteers';
import { escapeHtml } from '../../../i18n';
import { assignButton } from '../buttons';
import { taskCardText } from '../views/tasks';
import type { HelpParts } from './parts';

/**
 * A lead assigns a privately offered task (mediation, legal advice) to a member: the member gets
 * the details as a claimer does, the requester hears who took it, and the lead's message says so.
 */
export function registerAssignButtons(composer: Composer<BotContext>, { deps, s }: HelpParts): void {
  const { db } = deps;
  onButton(composer, {
    codec: assignButton,
    load: (b) => findTask(db, b.task),
    may: async (ctx, task) =>
      (await isTeamLead(db, ctx.from.id, task.community_id, task.team_id)) || canStaff(ctx.role, ctx.profile, task.community_id),
    notAllowed: 'help.assign_not_lead',
    run: async (ctx, task, b) => {
      if (!(await isTeamMember(db, b.to, task.community_id, task.team_id))) return ctx.answerCbQuery(ctx.t('help.assign_not_member'));
      const claimed = await s.claims.claim(deps.clock.now(), task.id, b.to, ctx.from.first_name);
      if (!claimed) {
        const current = await findTask(db, task.id);
        if (!current?.claimed_by) return ctx.answerCbQuery(ctx.t('help.task_not_open'));
        const name = await s.cards.volunteerLabel(db, current.claimed_by, current, ctx.locale);
        return ctx.answerCbQuery(ctx.t('help.claimed_already', { name }), { show_alert: true });
      }
      const member = await db.selectFrom('users').select('first_name').where('id', '=', b.to).executeTakeFirst();
      const name = member?.first_name ?? '';
      await ctx.answerCbQuery(ctx.t('help.assigned_ok', { name }));
      const request = (await findRequest(db, claimed.request_id))!;
      await ctx
        .editMessageText(taskCardText(s.text, claimed, request, ctx.locale, ctx.t('help.assigned_to', { name: escapeHtml(name) })), {
          parse_mode: 'HTML',
          reply_markup: { inline_keyboard: [] },
        })
        .catch((err) => ctx.log.debug({ err }, 'offer not edited'));
    },
  });
}
