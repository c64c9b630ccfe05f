import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs. Personal data (phone numbers, addresses, message text) is never logged at info;
 * the redact list is a second line of defence for fields that might slip into an object.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { app: 'linli' },
      // err.on.payload: a failed Bot API call's parameters (telegraf's TelegramError), i.e. the message text.
      redact: {
        paths: [
          '*.phone',
          '*.unit',
          '*.address',
          '*.text',
          '*.caption',
          'phone',
          'unit',
          'address',
          'text',
          'err.on.payload',
          '*.on.payload',
        ],
        censor: '[redacted]',
      },
    },
    destination as DestinationStream | undefined,
  );
}
