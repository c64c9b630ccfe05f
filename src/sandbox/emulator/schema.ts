// Checks a call against api-facts.json (every Bot API method and type, derived from
// PaulSonOfLars/telegram-bot-api-spec): the method exists, required parameters are present, no
// parameter is unknown, each value has an allowed type. Form-encoded values arrive as strings and
// JSON-encoded objects; they are converted here, so handlers see the same values either way.

import { readFileSync } from 'node:fs';
import { ApiError, UploadedFile } from './types';

interface FieldFact {
  name: string;
  types: string[];
  required: boolean;
}

interface ApiFacts {
  methods: Record<string, { fields: FieldFact[] }>;
  types: Record<string, { fields?: FieldFact[]; subtypes?: string[] }>;
}

/**
 * Fields tolerated although Telegram does not define them: telegraf's `Markup.button.*` adds
 * `hide: false` to every button it builds, and Telegram ignores it.
 */
const TOLERATED_FIELDS: Record<string, string[]> = {
  InlineKeyboardButton: ['hide'],
  KeyboardButton: ['hide'],
};

/**
 * Telegram's prose allows a plain string where a KeyboardButton is expected (a text button);
 * the facts keep only the types, so this one rule is restated here. Such a string is stored as
 * the button it stands for.
 */
const TEXT_BUTTON = 'KeyboardButton';

type Checked = { ok: true; value: unknown } | { ok: false; error: string; score: number };

const describe = (value: unknown): string =>
  Array.isArray(value) ? 'an array' : value instanceof UploadedFile ? 'a file' : value === null ? 'null' : typeof value;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof UploadedFile);

let loaded: ApiFacts | undefined;

/** The facts file is large; every emulator of a test run shares one parsed copy. */
function apiFacts(): ApiFacts {
  loaded ??= JSON.parse(readFileSync(new URL('../api-facts.json', import.meta.url), 'utf8')) as ApiFacts;
  return loaded;
}

export class ApiSchema {
  private readonly facts = apiFacts();
  private readonly canonical = new Map<string, string>();

  constructor() {
    // Telegram matches method names case-insensitively.
    for (const name of Object.keys(this.facts.methods)) this.canonical.set(name.toLowerCase(), name);
  }

  /** The method's canonical name, or undefined when the Bot API has no such method. */
  methodName(name: string): string | undefined {
    return this.canonical.get(name.toLowerCase());
  }

  /**
   * Returns the parameters converted to their declared types, or throws a 400 ApiError.
   * With `allowUnknown`, parameters and fields the API does not define are kept, not rejected.
   */
  check(method: string, raw: Record<string, unknown>, allowUnknown: boolean): Record<string, unknown> {
    const fields = this.facts.methods[method]!.fields;
    const params: Record<string, unknown> = {};
    for (const field of fields) {
      const value = raw[field.name];
      if (value === undefined) {
        if (field.required) throw new ApiError(400, `Bad Request: parameter "${field.name}" is required`);
        continue;
      }
      const checked = this.checkValue(value, field.types, field.name, allowUnknown, true);
      if (!checked.ok) throw new ApiError(400, `Bad Request: ${checked.error}`);
      params[field.name] = checked.value;
    }
    for (const [name, value] of Object.entries(raw)) {
      if (fields.some((f) => f.name === name)) continue;
      // telegraf repeats the method name as a part of every multipart request.
      if (name === 'method' && value === method) continue;
      // Files referenced as attach://name travel as extra parts.
      if (value instanceof UploadedFile) {
        params[name] = value;
        continue;
      }
      if (!allowUnknown) throw new ApiError(400, `Bad Request: unknown parameter "${name}" for method ${method}`);
      params[name] = value;
    }
    return params;
  }

  /** `encoded`: a top-level parameter, whose arrays and objects may arrive JSON-encoded. */
  private checkValue(value: unknown, types: string[], path: string, allowUnknown: boolean, encoded = false): Checked {
    const failures: Extract<Checked, { ok: false }>[] = [];
    for (const type of types) {
      const checked = this.checkType(value, type, path, allowUnknown, encoded);
      if (checked.ok) return checked;
      failures.push(checked);
    }
    const best = failures.reduce((a, b) => (b.score > a.score ? b : a));
    if (best.score > 0 || failures.length === 1) return best;
    return { ok: false, score: 0, error: `parameter "${path}" must be ${types.join(' or ')}, got ${describe(value)}` };
  }

  private checkType(value: unknown, type: string, path: string, allowUnknown: boolean, encoded: boolean): Checked {
    const mismatch: Checked = { ok: false, score: 0, error: `parameter "${path}" must be ${type}, got ${describe(value)}` };
    switch (type) {
      case 'Integer':
        if (typeof value === 'number') return Number.isInteger(value) ? { ok: true, value } : mismatch;
        return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? { ok: true, value: Number(value) } : mismatch;
      case 'Float':
        if (typeof value === 'number') return Number.isFinite(value) ? { ok: true, value } : mismatch;
        return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
          ? { ok: true, value: Number(value) }
          : mismatch;
      case 'String':
        return typeof value === 'string' ? { ok: true, value } : mismatch;
      case 'Boolean':
        if (typeof value === 'boolean') return { ok: true, value };
        if (value === 'true' || value === '1') return { ok: true, value: true };
        if (value === 'false' || value === '0') return { ok: true, value: false };
        return mismatch;
      case 'InputFile':
        return value instanceof UploadedFile ? { ok: true, value } : mismatch;
    }

    if (type === TEXT_BUTTON && typeof value === 'string') return { ok: true, value: { text: value } };

    // Arrays and objects may arrive JSON-encoded (always so in form-encoded requests).
    let decoded = value;
    if (encoded && typeof value === 'string' && (type.startsWith('Array of ') || type in this.facts.types)) {
      try {
        decoded = JSON.parse(value);
      } catch {
        return { ok: false, score: 0, error: `can't parse parameter "${path}" as JSON` };
      }
    }

    if (type.startsWith('Array of ')) {
      if (!Array.isArray(decoded)) return mismatch;
      const itemType = type.slice('Array of '.length);
      const items: unknown[] = [];
      for (const [index, item] of decoded.entries()) {
        const checked = this.checkValue(item, [itemType], `${path}[${index}]`, allowUnknown);
        if (!checked.ok) return { ...checked, score: checked.score + 1 };
        items.push(checked.value);
      }
      return { ok: true, value: items };
    }

    const fact = this.facts.types[type];
    if (!fact) return { ok: true, value: decoded }; // a type the facts do not describe
    if (fact.subtypes) return this.checkValue(decoded, fact.subtypes, path, allowUnknown);
    if (!isPlainObject(decoded)) return mismatch;
    const fields = fact.fields ?? [];
    // How well the object matches this type: picks the most useful error among alternatives.
    const score = 1 + Object.keys(decoded).filter((key) => fields.some((f) => f.name === key)).length;
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      const fieldValue = decoded[field.name];
      if (fieldValue === undefined || fieldValue === null) {
        if (field.required) return { ok: false, score, error: `field "${path}.${field.name}" is required in ${type}` };
        continue;
      }
      const checked = this.checkValue(fieldValue, field.types, `${path}.${field.name}`, allowUnknown);
      if (!checked.ok) return { ...checked, score: score + checked.score };
      out[field.name] = checked.value;
    }
    for (const [key, fieldValue] of Object.entries(decoded)) {
      if (fields.some((f) => f.name === key) || TOLERATED_FIELDS[type]?.includes(key)) continue;
      // A type without declared fields (CallbackGame, InputFile…) takes what it is given.
      if (fields.length > 0 && !allowUnknown) {
        return { ok: false, score, error: `unknown field "${path}.${key}" (not a field of ${type})` };
      }
      out[key] = fieldValue;
    }
    return { ok: true, value: out };
  }
}
