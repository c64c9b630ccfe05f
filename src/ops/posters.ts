import 'dotenv/config';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Telegram } from 'telegraf';
import { LOCALES_DIR } from '../app';
import { Communities, loadCommunityConfig } from '../community/config';
import { ConfigError, parseConfig } from '../config';
import { I18n } from '../i18n';
import { communityPosters } from '../features/workbench/services/posters';

/**
 * `npm run posters [folder] [bot username]`: every building's QR poster (A4 PNG) of every
 * community, written to <folder>/<community>/ (default data/posters). The deep link names the
 * bot: its @username is asked from Telegram with BOT_TOKEN unless given (printing offline).
 */

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const communities = new Communities(loadCommunityConfig(config.communityConfigPath));
  const i18n = new I18n(LOCALES_DIR, config.defaultLocale);
  const username = process.argv[3] ?? (await new Telegram(config.botToken, { apiRoot: config.apiRoot }).getMe()).username;
  const folder = process.argv[2] ?? join('data', 'posters');
  let written = 0;
  for (const community of communities.all) {
    const dir = join(folder, community.id);
    mkdirSync(dir, { recursive: true });
    for (const poster of communityPosters({ communities, i18n, config, botUsername: () => username }, community.id)) {
      writeFileSync(join(dir, poster.filename), poster.png);
      written++;
    }
  }
  console.log(`Wrote ${written} posters to ${folder}`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  main().catch((err) => {
    console.error(err instanceof ConfigError || err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
