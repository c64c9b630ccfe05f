import pg from 'pg';

/**
 * PostgreSQL for tests, when TEST_DATABASE_URL is set (as CI sets it): a fresh database per
 * world, dropped at the end, so runs never see each other's rows.
 */

export const PG_URL = process.env.TEST_DATABASE_URL;

const databases: string[] = [];

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new empty database's URL. */
export async function freshPostgres(): Promise<string> {
  const name = `linli_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await admin((c) => c.query(`create database ${name}`));
  databases.push(name);
  const url = new URL(PG_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops the databases freshPostgres made (call in afterAll, after the worlds stopped). */
export async function dropFreshDatabases(): Promise<void> {
  if (databases.length === 0) return;
  await admin(async (c) => {
    for (const name of databases.splice(0)) {
      // FORCE kills a connection still closing, whose client then throws 57P01 uncaught: let those go first.
      for (let i = 0; i < 50; i++) {
        const { rows } = await c.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if (rows[0]!.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await c.query(`drop database if exists ${name} with (force)`);
    }
  });
}

/** A world's env on PostgreSQL when TEST_DATABASE_URL is set, else on SQLite (the default). */
export async function storageEnv(): Promise<Record<string, string>> {
  return PG_URL ? { DATABASE_URL: await freshPostgres() } : {};
}
