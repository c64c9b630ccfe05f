import { isLocale, type Locale } from '../i18n';
import type { Executor } from './db';
import type { Role, User } from './schema';

/** The people who use the bot, keyed by Telegram user id. */
export class UsersRepo {
  constructor(
    private readonly db: Executor,
    /** For people whose language is unknown (or who are not in the table). */
    private readonly defaultLocale: Locale,
  ) {}

  /** The language to write to this person in. */
  async localeOf(id: number, db: Executor = this.db): Promise<Locale> {
    return this.localeOfUser(await db.selectFrom('users').select('locale').where('id', '=', id).executeTakeFirst());
  }

  /** The same, for a person already loaded (no second read). */
  localeOfUser(u: { locale: string } | undefined): Locale {
    return isLocale(u?.locale) ? u.locale : this.defaultLocale;
  }

  find(id: number, db: Executor = this.db): Promise<User | undefined> {
    return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Creates the row on first contact; later contacts refresh the Telegram names only. */
  touch(u: { id: number; firstName: string; username?: string; locale: string; now: number }): Promise<User> {
    return (
      this.db
        .insertInto('users')
        .values({
          id: u.id,
          first_name: u.firstName,
          username: u.username ?? null,
          locale: u.locale,
          role: 'resident',
          created_at: u.now,
          updated_at: u.now,
        })
        .onConflict((oc) => oc.column('id').doUpdateSet({ first_name: u.firstName, username: u.username ?? null }))
        // The row as stored, in the same statement (SQLite and PostgreSQL both return it).
        .returningAll()
        .executeTakeFirstOrThrow()
    );
  }

  async update(id: number, patch: Partial<Omit<User, 'id' | 'created_at'>>, now: number, db: Executor = this.db): Promise<void> {
    await db
      .updateTable('users')
      .set({ ...patch, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async setRole(id: number, role: Role, now: number, db: Executor = this.db): Promise<void> {
    await this.update(id, { role }, now, db);
  }

  staffOf(communityId: string, db: Executor = this.db): Promise<User[]> {
    return db.selectFrom('users').selectAll().where('community_id', '=', communityId).where('role', '=', 'staff').execute();
  }
}
