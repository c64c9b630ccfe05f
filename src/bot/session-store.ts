import type { SessionStore } from '../store/sessions';
import type { SessionData } from './context';

/**
 * telegraf's session middleware writes the session back after every update that looked at it,
 * which is nearly all of them. This store in front of keyv writes only what changed: each
 * session read remembers its JSON, and a write of the same JSON is skipped. A person without a
 * session gets an empty one (no row is written for it), and a session emptied is deleted.
 */
export function writeWhenChanged(store: SessionStore) {
  const asRead = new WeakMap<object, string>();
  return {
    async get(key: string): Promise<SessionData> {
      const session = ((await store.get<SessionData>(key)) ?? {}) as SessionData;
      asRead.set(session, JSON.stringify(session));
      return session;
    },
    async set(key: string, session: SessionData): Promise<void> {
      const json = JSON.stringify(session);
      if (asRead.get(session) === json) return;
      if (json === '{}') await store.delete(key);
      else await store.set(key, session);
      asRead.set(session, json);
    },
    async delete(key: string): Promise<void> {
      await store.delete(key);
    },
  };
}
