import pg from 'pg';

export const PG_URL = process.env.TEST_DATABASE_URL;

/** A fresh PostgreSQL database when TEST_DATABASE_URL is set (dropped afterwards); SQLite otherwise. */
export async function freshDatabase(prefix: string): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  if (!PG_URL) return { env: {}, drop: async () => undefined };
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(statement).finally(() => client.end());
  };
  const name = `${prefix}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await run(`create database ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return { env: { DATABASE_URL: url.toString() }, drop: () => run(`drop database if exists ${name} with (force)`) };
}
