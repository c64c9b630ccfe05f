import type { Db, Executor } from '../store/db';
import { audit } from './audit';

/**
 * Which Telegram group is a community's committee group and which is a team's group.
 * Linking a group again moves the link; one group per target.
 */

export type LinkTarget = { kind: 'committee'; communityId: string } | { kind: 'team'; communityId: string; teamId: string };

export async function linkChat(db: Db, now: number, chat: { id: number; title: string }, target: LinkTarget, by: number): Promise<void> {
  const teamId = target.kind === 'team' ? target.teamId : '';
  await db.transaction().execute(async (tx) => {
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
      })
      .execute();
    await audit(tx, now, by, 'chat.link', `chat:${chat.id}`, { kind: target.kind, community: target.communityId, team: teamId });
  });
}

export async function committeeChat(db: Executor, communityId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('chat_links')
    .select('chat_id')
    .where('community_id', '=', communityId)
    .where('kind', '=', 'committee')
    .executeTakeFirst();
  return row?.chat_id;
}

export async function teamChat(db: Executor, communityId: string, teamId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('chat_links')
    .select('chat_id')
    .where('community_id', '=', communityId)
    .where('kind', '=', 'team')
    .where('team_id', '=', teamId)
    .executeTakeFirst();
  return row?.chat_id;
}

export async function linkOf(db: Executor, chatId: number) {
  return db.selectFrom('chat_links').selectAll().where('chat_id', '=', chatId).executeTakeFirst();
}

/** A group upgraded to a supergroup gets a new id; its links follow it. */
export async function migrateChat(db: Executor, fromId: number, toId: number): Promise<void> {
  await db.updateTable('chat_links').set({ chat_id: toId }).where('chat_id', '=', fromId).execute();
}
