import 'dotenv/config';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { ConfigError, parseConfig } from '../config';

/**
 * `npm run backup [folder]`: a consistent copy of the SQLite databases (the data and the
 * sessions) while the bot runs, through SQLite's online backup (pages copied under a read
 * transaction, so a write in progress is either wholly in the copy or not at all). For
 * PostgreSQL use pg_dump (README, "Backup and restore").
 */

export async function backupSqlite(source: string, target: string): Promise<void> {
  const db = new SQLite(source, { readonly: true, fileMustExist: true });
  try {
    await db.backup(target);
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  if (config.database.kind !== 'sqlite') {
    console.error('DATABASE_URL is PostgreSQL: back it up with pg_dump (see the README, "Backup and restore").');
    process.exit(2);
  }
  const folder = process.argv[2] ?? join('data', 'backups', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(folder, { recursive: true });
  await backupSqlite(config.database.path, join(folder, 'linli.db'));
  if (!config.redisUrl) await backupSqlite(config.sessionDbPath, join(folder, 'sessions.db'));
  console.log(`Backed up to ${folder}`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  main().catch((err) => {
    console.error(err instanceof ConfigError || err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
