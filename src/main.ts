import 'dotenv/config';
import { createApp } from './app';
import { ConfigError, parseConfig } from './config';
import { createLogger } from './logger';

/** Reads the configuration, starts the app, and stops it cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const app = await createApp(config, { logger: log });
  await app.start();
  log.info({ mode: config.mode.kind, database: config.database.kind }, 'Linli is running');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    // Whatever happens, do not hang: updates in flight get 10 s.
    setTimeout(() => process.exit(1), 10_000).unref();
    await app.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
