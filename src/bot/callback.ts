/**
 * Typed button payloads. Each kind of button has one codec: a short prefix and named fields,
 * packed as "prefix|a|b" and unpacked in one place. Telegram allows 64 bytes; pack() refuses
 * anything longer, so an oversized payload fails in tests, not in a resident's chat.
 * Never trust an unpacked payload: handlers re-check who presses and the current state.
 */

export const MAX_CALLBACK_BYTES = 64;
const SEP = '|';

export interface CallbackCodec<F extends string> {
  readonly prefix: string;
  /** Matches this codec's payloads, for bot.action(). */
  readonly pattern: RegExp;
  pack(values: Record<F, string | number>): string;
  unpack(data: string): Record<F, string> | undefined;
}

export function callbackCodec<const F extends string>(prefix: string, fields: readonly F[]): CallbackCodec<F> {
  if (prefix.includes(SEP)) throw new Error(`callback prefix "${prefix}" may not contain ${SEP}`);
  return {
    prefix,
    pattern: new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\|`),
    pack(values) {
      const parts = fields.map((f) => {
        const v = String(values[f]);
        if (v.includes(SEP)) throw new Error(`callback field ${f} may not contain ${SEP}`);
        return v;
      });
      const data = [prefix, ...parts].join(SEP);
      if (Buffer.byteLength(data, 'utf8') > MAX_CALLBACK_BYTES) throw new Error(`callback data over ${MAX_CALLBACK_BYTES} bytes: ${data}`);
      return data;
    },
    unpack(data) {
      const parts = data.split(SEP);
      if (parts[0] !== prefix || parts.length !== fields.length + 1) return undefined;
      return Object.fromEntries(fields.map((f, i) => [f, parts[i + 1]])) as Record<F, string>;
    },
  };
}

/** Parses a positive integer id from a payload field; undefined for anything forged. */
export function idField(value: string | undefined): number | undefined {
  if (!value || !/^\d{1,15}$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}
