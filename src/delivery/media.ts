/**
 * Pictures and voice notes people send, kept as Telegram file ids. A picture sent "as a file" is
 * a document, and Telegram refuses a document's file_id where a photo is expected, so such a
 * picture is kept as "document:<file_id>" and sent back with sendDocument. Everything that
 * stores a picture keeps this reference as it is; only what sends one looks inside.
 */

const DOCUMENT = 'document:';

export function pictureRef(fileId: string, sentAsFile: boolean): string {
  return sentAsFile ? `${DOCUMENT}${fileId}` : fileId;
}

/** The Bot API method and field that send this picture. */
export function pictureSend(ref: string): { method: 'sendPhoto' | 'sendDocument'; field: 'photo' | 'document'; fileId: string } {
  return ref.startsWith(DOCUMENT)
    ? { method: 'sendDocument', field: 'document', fileId: ref.slice(DOCUMENT.length) }
    : { method: 'sendPhoto', field: 'photo', fileId: ref };
}

/** An album of pictures for sendMediaGroup: Telegram does not mix photos and documents in one. */
export interface AlbumItem {
  type: 'photo' | 'document';
  media: string;
  caption?: string;
  parse_mode?: 'HTML';
}

export function albumsOf(refs: string[], caption?: string): AlbumItem[][] {
  const items = refs.map((ref): AlbumItem => ({ type: pictureSend(ref).field, media: pictureSend(ref).fileId }));
  const groups = [items.filter((i) => i.type === 'photo'), items.filter((i) => i.type === 'document')].filter((g) => g.length > 0);
  if (caption && groups[0]) groups[0][0] = { ...groups[0][0], caption, parse_mode: 'HTML' };
  return groups;
}

/** "0:42": a voice note's length as people read it. */
export function voiceLength(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
