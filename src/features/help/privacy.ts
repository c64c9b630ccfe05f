import type { PrivacySpec } from '../../bot/feature';
import type { CoreDeps } from '../../deps';
import { countedMinutes, type HelpRequest } from '../../domain/help';
import type { TeamMember } from '../../domain/volunteers';
import { escapeHtml, type Locale, type Translate } from '../../i18n';
import type { Executor } from '../../store/db';
import { helpServices } from './services';
import { approvalEditRef, approvalRef, approvalVoiceRef } from './views/approval';
import { taskDetailsRef } from './views/tasks';
import type { HelpText } from './views/text';

/**
 * /mydata: the person's requests, volunteering and hours. /deleteme: names, phones, units and
 * addresses are erased and ids nulled; the anonymous rows stay so the committee's counts hold.
 */
export function helpPrivacy(deps: CoreDeps, h: HelpText): PrivacySpec {
  const { db } = deps;
  // What a release and a freed place do (cards edited, posted again), inside the erasing transaction.
  const { claims, shifts } = helpServices(deps);
  return {
    async exportData(userId, t) {
      const locale = await deps.users.localeOf(userId);
      const requests = await db.selectFrom('help_requests').selectAll().where('requester_id', '=', userId).orderBy('id').execute();
      const teams = await db.selectFrom('team_members').selectAll().where('user_id', '=', userId).orderBy('id').execute();
      const hours = await db.selectFrom('hours').selectAll().where('volunteer_id', '=', userId).execute();
      const minutes = hours.reduce((sum, row) => sum + countedMinutes(row), 0);
      return [
        t('help.mydata_requests'),
        ...orNone(requests.map((r) => requestLine(h, r, t, locale))),
        '',
        t('help.mydata_volunteering'),
        ...orNone(teams.map((m) => memberLine(h, m, t, locale))),
        '',
        t('help.mydata_hours', { tasks: hours.length, hours: (minutes / 60).toFixed(1) }),
      ];
    },

    async erase(userId, tx) {
      const now = deps.clock.now();
      const mine = await tx.selectFrom('help_requests').select('id').where('requester_id', '=', userId).execute();
      if (mine.length > 0)
        await eraseRequests(
          tx,
          now,
          mine.map((r) => r.id),
        );
      const released = await claims.releaseClaimsOf(tx, now, userId);
      await shifts.freePlacesOf(tx, now, userId);
      await eraseVolunteering(tx, userId);
      // The requester hears it went back, as after any release; told after the erasure, so unnamed ("a volunteer").
      for (const { task, request } of released) await claims.tellReleased(tx, now, task, request, userId);
    },
  };
}

const orNone = (lines: string[]) => (lines.length > 0 ? lines : ['—']);

function requestLine(h: HelpText, r: HelpRequest, t: Translate, locale: Locale): string {
  const place = [r.unit, r.address].filter(Boolean).join(' · ');
  const phone = r.phone || r.on_behalf_phone ? ` · ${escapeHtml(r.phone ?? r.on_behalf_phone ?? '')}` : '';
  return (
    `#${r.id} ${escapeHtml(h.typeName(r.type, locale))} · ${t(`help.status_${r.status === 'active' ? 'open' : r.status}`)} · ${new Date(r.created_at).toISOString().slice(0, 10)}` +
    `${r.on_behalf_name ? ` · ${escapeHtml(r.on_behalf_name)}` : ''}${place ? ` · ${escapeHtml(place)}` : ''}${phone}` +
    (r.voice_seconds !== null ? ` · ${h.detailsOf({ details: '', voice_seconds: r.voice_seconds }, locale)}` : '')
  );
}

function memberLine(h: HelpText, m: TeamMember, t: Translate, locale: Locale): string {
  return (
    `${escapeHtml(h.teamName(m.community_id, m.team_id, locale))} · ${t(`help.member_${m.status}`)}` +
    `${m.role === 'lead' ? ` · ${t('roles.lead')}` : ''}${m.phone ? ` · ${escapeHtml(m.phone)}` : ''}${m.skills ? ` · ${escapeHtml(m.skills)}` : ''}`
  );
}

/** The person's own requests: nobody is left to help, and nothing that identifies them is kept. */
async function eraseRequests(tx: Executor, now: number, ids: number[]): Promise<void> {
  // Nobody is left to help: requests still waiting for approval and unclaimed occurrences are cancelled.
  await tx
    .updateTable('help_requests')
    .set({ status: 'cancelled', updated_at: now })
    .where('id', 'in', ids)
    .where('status', '=', 'pending')
    .execute();
  await tx
    .updateTable('tasks')
    .set({ status: 'cancelled', updated_at: now })
    .where('request_id', 'in', ids)
    .where('status', 'in', ['open', 'released', 'escalated'])
    .execute();
  // The details a volunteer or staff were (or were about to be) sent are not kept.
  const refs = [
    ...(await tx.selectFrom('tasks').select('id').where('request_id', 'in', ids).execute()).map((t) => taskDetailsRef(t.id)),
    ...ids.flatMap((id) => [approvalRef(id), approvalEditRef(id), approvalVoiceRef(id)]),
  ];
  if (refs.length > 0) {
    await tx.updateTable('outbox').set({ status: 'cancelled' }).where('ref', 'in', refs).where('status', '=', 'pending').execute();
    await tx.updateTable('outbox').set({ payload: '{}' }).where('ref', 'in', refs).execute();
  }
  await tx.updateTable('recurrences').set({ active: 0, created_by: null }).where('request_id', 'in', ids).execute();
  await tx
    .updateTable('help_requests')
    .set({
      requester_id: null,
      on_behalf_name: null,
      on_behalf_phone: null,
      phone: null,
      unit: null,
      address: null,
      details: '',
      notes: '',
      // Their voice is theirs: the notes go, the length stays as a count like the rest.
      voice_file_id: null,
    })
    .where('id', 'in', ids)
    .execute();
  await tx.deleteFrom('help_voice_notes').where('request_id', 'in', ids).execute();
}

/** Their memberships, claims, hours, ratings, shifts and decisions: ids nulled, the counts kept (places freed before, by freePlacesOf). */
async function eraseVolunteering(tx: Executor, userId: number): Promise<void> {
  await tx
    .updateTable('team_members')
    .set({ user_id: null, phone: null, skills: null, availability: null, agreed_to_be_named: 0 })
    .where('user_id', '=', userId)
    .execute();
  await tx.updateTable('tasks').set({ claimed_by: null }).where('claimed_by', '=', userId).execute();
  await tx.updateTable('hours').set({ volunteer_id: null }).where('volunteer_id', '=', userId).execute();
  await tx.updateTable('ratings').set({ rater_id: null, comment: null }).where('rater_id', '=', userId).execute();
  await tx.updateTable('task_events').set({ actor_id: null }).where('actor_id', '=', userId).execute();
  await tx.updateTable('shifts').set({ created_by: null }).where('created_by', '=', userId).execute();
  await tx.deleteFrom('shift_members').where('user_id', '=', userId).execute();
  await tx.updateTable('team_members').set({ decided_by: null }).where('decided_by', '=', userId).execute();
  await tx.updateTable('help_requests').set({ decided_by: null }).where('decided_by', '=', userId).execute();
}
