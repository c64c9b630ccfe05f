import { Telegraf } from 'telegraf';

/** The reference for bench 1: a bare telegraf bot that only echoes, run exactly like Linli. */
const bot = new Telegraf(process.env.BOT_TOKEN!, { telegram: { apiRoot: process.env.TELEGRAM_API_ROOT!, webhookReply: false } });
bot.on('message', (ctx) => ctx.reply('text' in ctx.message ? ctx.message.text : 'ok'));
void bot.launch();
process.once('SIGTERM', () => bot.stop('SIGTERM'));
