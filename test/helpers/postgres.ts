import pg from 'pg';

/**
 * A fresh PostgreSQL database per test (on the server TEST_DATABASE_URL names), dropped after
 * the file's tests (`afterAll(dropFreshDatabases)`), so runs never see each other's rows.
 */

export const PG_URL = process.env.TEST_DATABASE_URL;

async function onServer<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const databases: string[] = [];

/** A new empty database's URL. */
export async function freshPostgres(): Promise<string> {
  const name = `linli_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await onServer((c) => c.query(`create database ${name}`));
  databases.push(name);
  const url = new URL(PG_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops every database freshPostgres made. */
export async function dropFreshDatabases(): Promise<void> {
  if (databases.length === 0) return;
  await onServer(async (c) => {
    for (const name of databases.splice(0)) await c.query(`drop database if exists ${name} with (force)`);
  });
}
