import { callbackCodec } from '../../bot/callback';
import { LOCALES } from '../../i18n';

/** The language picker's buttons (a person's own, and a linked group's), and the /deleteme confirmation. */
export const langButton = callbackCodec('lang', { locale: LOCALES });
export const groupLangButton = callbackCodec('glang', { locale: LOCALES });
export const deleteButton = callbackCodec('del', { answer: ['yes', 'no'] });
