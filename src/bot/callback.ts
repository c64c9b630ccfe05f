/**
 * Typed button payloads. Each kind of button has one codec: a short prefix and typed fields,
 * packed as "prefix|a|b" and unpacked in one place. Telegram allows 64 bytes; pack() refuses
 * anything longer, so an oversized payload fails in tests, not in a resident's chat.
 * Prefixes are unique: a second codec with a prefix already taken throws at start-up.
 * Never trust an unpacked payload: handlers re-check who presses and the current state
 * (src/bot/buttons.ts does that uniformly).
 */

export const MAX_CALLBACK_BYTES = 64;
const SEP = '|';

/** 'id': a positive integer; 'int': any integer (chat ids are negative); 'str': any text; a list: one of those words. */
export type FieldKind = 'id' | 'int' | 'str' | readonly string[];
type FieldValue<K> = K extends 'id' | 'int' ? number : K extends readonly (infer U)[] ? U : string;
export type Fields = Record<string, FieldKind>;
export type Payload<S extends Fields> = { [K in keyof S]: FieldValue<S[K]> };
/** What pack() takes: a text field also takes a number (an id kept as text). */
export type PackValues<S extends Fields> = { [K in keyof S]: S[K] extends 'str' ? string | number : FieldValue<S[K]> };

export interface CallbackCodec<S extends Fields> {
  readonly prefix: string;
  /** Matches this codec's payloads, for bot.action(). */
  readonly pattern: RegExp;
  pack(values: PackValues<S>): string;
  /** The typed payload, or undefined for anything malformed or forged. */
  unpack(data: string): Payload<S> | undefined;
}

const taken = new Set<string>();

export function callbackCodec<const S extends Fields>(prefix: string, fields: S): CallbackCodec<S> {
  if (prefix.includes(SEP)) throw new Error(`callback prefix "${prefix}" may not contain ${SEP}`);
  if (taken.has(prefix)) throw new Error(`two kinds of button use the callback prefix "${prefix}"`);
  taken.add(prefix);
  const names = Object.keys(fields);
  return {
    prefix,
    pattern: new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\|`),
    pack(values) {
      const parts = names.map((f) => {
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
      if (parts[0] !== prefix || parts.length !== names.length + 1) return undefined;
      const out: Record<string, string | number> = {};
      for (const [i, name] of names.entries()) {
        const value = parseField(fields[name], parts[i + 1]);
        if (value === undefined) return undefined;
        out[name] = value;
      }
      return out as Payload<S>;
    },
  };
}

function parseField(kind: FieldKind, raw: string): string | number | undefined {
  if (kind === 'str') return raw;
  if (kind === 'id') return idField(raw);
  if (kind === 'int') return /^-?\d{1,16}$/.test(raw) ? Number(raw) : undefined;
  return kind.includes(raw) ? raw : undefined;
}

/** Parses a positive integer id; undefined for anything forged. */
export function idField(value: string | undefined): number | undefined {
  if (!value || !/^\d{1,15}$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}
