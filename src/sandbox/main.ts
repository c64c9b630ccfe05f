import { startSandbox } from './sandbox';

/**
 * `npm run sandbox`: the whole bot in a browser, no Telegram account needed. Reads its own
 * two settings (it is a dev tool, not the bot): SANDBOX_PORT (default 8090) and LOG_LEVEL.
 */
async function main(): Promise<void> {
  const port = Number(process.env.SANDBOX_PORT ?? 8090);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`SANDBOX_PORT must be a port number, got "${process.env.SANDBOX_PORT}"`);
  const sandbox = await startSandbox({ dir: 'data/sandbox', port, logLevel: process.env.LOG_LEVEL || 'warn' });
  for (const warning of sandbox.seeded.warnings) console.warn(`sandbox: ${warning}`);
  console.log(`Linli sandbox: open ${sandbox.web.url} (a fresh demo street office; Ctrl+C stops it)`);

  const stop = async () => {
    setTimeout(() => process.exit(1), 5000).unref();
    await sandbox.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
