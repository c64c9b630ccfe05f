import { isLocale, type Locale } from '../i18n';
import type { Db, Executor } from '../store/db';
import { audit } from './audit';

/**
 * Which Telegram group is a community's committee group and which is a team's group.
 * Linking a group again moves the link; one group per target.
 */

export type LinkTarget = { kind: 'committee'; communityId: string } | { kind: 'team'; communityId: string; teamId: string };

/** A linked group as senders need it: where to post and in which language. */
export interface LinkedGroup {
  chatId: number;
  locale: Locale;
}

/**
 * Links a group. A new group is written in DEFAULT_LOCALE (groups are mixed) until staff choose
 * its language with /lang there; a group linked again keeps the language it had.
 */
export async function linkChat(db: Db, now: number, chat: { id: number; title: string }, target: LinkTarget, by: number): Promise<void> {
  const teamId = target.kind === 'team' ? target.teamId : '';
  await db.transaction().execute(async (tx) => {
    const before = await tx.selectFrom('chat_links').select('locale').where('chat_id', '=', chat.id).executeTakeFirst();
    // The group may have been linked to something else, and the target to another group.
    await tx.deleteFrom('chat_links').where('chat_id', '=', chat.id).execute();
    await tx
      .deleteFrom('chat_links')
      .where('community_id', '=', target.communityId)
      .where('kind', '=', target.kind)
      .where('team_id', '=', teamId)
      .execute();
    await tx
      .insertInto('chat_links')
      .values({
        chat_id: chat.id,
        kind: target.kind,
        community_id: target.communityId,
        team_id: teamId,
        title: chat.title,
        linked_by: by,
        linked_at: now,
        locale: before?.locale ?? null,
      })
      .execute();
    await audit(tx, now, by, 'chat.link', `chat:${chat.id}`, { kind: target.kind, community: target.communityId, team: teamId });
  });
}

/** Where the community's committee group is (its language does not matter here). */
export async function committeeChat(db: Executor, communityId: string): Promise<number | undefined> {
  return (await linkedRow(db, communityId, 'committee', ''))?.chat_id;
}

export async function teamChat(db: Executor, communityId: string, teamId: string): Promise<number | undefined> {
  return (await linkedRow(db, communityId, 'team', teamId))?.chat_id;
}

/** The community's committee group and its language (`fallback`, i.e. DEFAULT_LOCALE, when it has none set). */
export function committeeGroup(db: Executor, communityId: string, fallback: Locale): Promise<LinkedGroup | undefined> {
  return linkedGroup(db, communityId, 'committee', '', fallback);
}

export function teamGroup(db: Executor, communityId: string, teamId: string, fallback: Locale): Promise<LinkedGroup | undefined> {
  return linkedGroup(db, communityId, 'team', teamId, fallback);
}

async function linkedGroup(db: Executor, communityId: string, kind: LinkTarget['kind'], teamId: string, fallback: Locale) {
  const row = await linkedRow(db, communityId, kind, teamId);
  return row && { chatId: row.chat_id, locale: isLocale(row.locale) ? row.locale : fallback };
}

function linkedRow(db: Executor, communityId: string, kind: LinkTarget['kind'], teamId: string) {
  return db
    .selectFrom('chat_links')
    .select(['chat_id', 'locale'])
    .where('community_id', '=', communityId)
    .where('kind', '=', kind)
    .where('team_id', '=', teamId)
    .executeTakeFirst();
}

/** /lang in a linked group: its cards, escalations and summaries are written in `locale` from now on. */
export async function setGroupLocale(db: Db, now: number, chatId: number, locale: Locale, by: number): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const changed = await tx.updateTable('chat_links').set({ locale }).where('chat_id', '=', chatId).executeTakeFirst();
    if (Number(changed.numUpdatedRows) === 0) return false;
    await audit(tx, now, by, 'chat.locale', `chat:${chatId}`, { locale });
    return true;
  });
}

/** The language a linked group is written in; `fallback` (DEFAULT_LOCALE) for a group without one or not linked. */
export async function groupLocaleOf(db: Executor, chatId: number, fallback: Locale): Promise<Locale> {
  const row = await db.selectFrom('chat_links').select('locale').where('chat_id', '=', chatId).executeTakeFirst();
  return isLocale(row?.locale) ? row.locale : fallback;
}

export async function linkOf(db: Executor, chatId: number) {
  return db.selectFrom('chat_links').selectAll().where('chat_id', '=', chatId).executeTakeFirst();
}

/** A group upgraded to a supergroup gets a new id; its links follow it. */
export async function migrateChat(db: Executor, fromId: number, toId: number): Promise<void> {
  await db.updateTable('chat_links').set({ chat_id: toId }).where('chat_id', '=', fromId).execute();
}
