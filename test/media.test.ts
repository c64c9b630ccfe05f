import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotMessageView, EmulatedUser } from '../src/sandbox/emulator';
import { approvalCard, approveRequest, neighbourhood, volunteer, type Neighbourhood } from './help-support';
import { hazardSuite } from './helpers/hazards';
import { startWorld, type World } from './helpers/world';

/**
 * What people send instead of typing, and every photo shown: a voice note as the description
 * (the committee hears it under the card, /myreports says so), a photo sent "as a file" (a
 * document, which Telegram refuses where a photo is expected), and a report's album of photos
 * on the committee card and in /myreports. The emulator refuses like Telegram; every suite ends
 * with `emu.rejected` empty.
 */

/** A tiny PNG, as a phone would send it "as a file". */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const rid = (id: number) => `R-${id + 1000}`;
const shows = (m: BotMessageView, text: string) => (m.text ?? m.caption ?? '').includes(text);

describe('voice notes, photos sent as files and albums on hazard reports', () => {
  const h = hazardSuite();

  /** A resident (in English, in their own building) up to the review step of a broken street light. */
  async function upToReview(u: EmulatedUser, describe: () => Promise<unknown>, photos: () => Promise<unknown>): Promise<void> {
    await u.send('/report');
    await u.press('Broken street light');
    await describe();
    await photos();
    await u.press(/In my building/);
    await u.press('Skip');
    if (u.last()!.buttons().includes('No, this is a different one')) await u.press('No, this is a different one');
  }

  /** The committee group's messages from the report's card on. */
  const fromCard = (id: number) => {
    const all = h.group.messages();
    return all.slice(all.findIndex((m) => shows(m, rid(id))));
  };

  /** /myreports, then the report's button: what the bot answered. */
  async function openInMyReports(u: EmulatedUser, id: number): Promise<BotMessageView[]> {
    await u.send('/myreports');
    const before = u.inbox().length;
    await u.press(new RegExp(rid(id)));
    return u.inbox().slice(before);
  }

  it('a voice note as the description reaches the committee card, and /myreports says "🎤 voice note"', async () => {
    const ana = await h.world.resident('Ana', { locale: 'en', building: 'b2' });
    let spoken: { file_id: string } | undefined;
    await upToReview(
      ana,
      async () => {
        spoken = (await ana.sendVoice({ duration: 12 })).voice;
        expect(ana.last()!.text).toMatch(/Send photos|photo/i);
      },
      () => ana.press('Skip'),
    );
    expect(ana.last()!.text).toMatch(/Description: 🎤 voice note \(0:12\)/);
    await ana.press('✅ Submit');
    await h.world.flush();

    const r = await h.latest();
    expect(r).toMatchObject({ description: '', voice_file_id: spoken!.file_id, voice_seconds: 12 });
    // The card says it is a voice note and how long; the voice itself follows it, naming the report.
    const [card, voice] = fromCard(r.id);
    expect(card.kind).toBe('text');
    expect(card.text).toMatch(/🎤 语音描述，0:12/);
    expect(card.buttons()).toContain('👀 受理');
    expect(voice).toMatchObject({ kind: 'voice', voice: { file_id: spoken!.file_id, duration: 12 } });
    expect(voice.caption).toContain(rid(r.id));

    await ana.send('/myreports');
    expect(ana.last()!.text).toMatch(new RegExp(`${rid(r.id)}.*🎤 voice note \\(0:12\\)`));
    const detail = await openInMyReports(ana, r.id);
    expect(detail[0].text).toMatch(/📝 🎤 voice note \(0:12\)/);
    // The reporter hears their own voice note again below the detail.
    expect(detail[1]).toMatchObject({ kind: 'voice', voice: { file_id: spoken!.file_id } });

    // A voice note added later: kept with the report's history, heard in the committee group.
    await ana.press('📝 Add a note or photo');
    const note = (await ana.sendVoice({ duration: 65 })).voice!;
    expect(ana.last()!.text).toMatch(/Added to/);
    await h.world.flush();
    const event = await h.world.db
      .selectFrom('report_events')
      .selectAll()
      .where('report_id', '=', r.id)
      .where('action', '=', 'voice')
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({ voice_file_id: note.file_id, voice_seconds: 65 });
    expect(h.group.last()).toMatchObject({ kind: 'voice', voice: { file_id: note.file_id, duration: 65 } });
    expect(h.group.last()!.caption).toMatch(new RegExp(`${rid(r.id)}.*1:05`));

    // /mydata says a voice note is kept; /deleteme drops the voice (their own voice), the report stays as a count.
    await ana.send('/mydata');
    expect(ana.last()!.text).toMatch(new RegExp(`${rid(r.id)}.*🎤 voice note \\(0:12\\)`));
    await ana.send('/deleteme');
    await ana.press(/Yes, delete/);
    const kept = await h.world.db.selectFrom('reports').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
    expect(kept).toMatchObject({ reporter_id: null, voice_file_id: null, voice_seconds: 12 });
    const voices = await h.world.db.selectFrom('report_events').select('voice_file_id').where('report_id', '=', r.id).execute();
    expect(voices.every((e) => e.voice_file_id === null)).toBe(true);
  });

  it('a photo sent as a file is accepted and reaches the committee card as a file; pressing the card edits its caption', async () => {
    const bo = await h.world.resident('Bo', { locale: 'en', building: 'b3' });
    await upToReview(
      bo,
      () => bo.send('The light by the bins is out'),
      async () => {
        await bo.sendDocument({ fileName: 'IMG_0042.png', mimeType: 'image/png', bytes: PNG });
        expect(bo.last()!.text).toMatch(/Photo 1 of at most 3 received/);
        await bo.press('Done with photos');
      },
    );
    // The review shows the picture as what it is, a file.
    expect(bo.last()).toMatchObject({ kind: 'document' });
    expect(bo.last()!.caption).toMatch(/Photos: 1/);
    await bo.press('✅ Submit');
    await h.world.flush();

    const r = await h.latest();
    const photos = await h.world.db.selectFrom('report_photos').select('file_id').where('report_id', '=', r.id).execute();
    expect(photos).toEqual([{ file_id: expect.stringMatching(/^document:/) }]);
    const card = h.cardOf(r.id);
    expect(card).toMatchObject({ kind: 'document', document: { mime_type: 'image/png' } });
    expect(card.caption).toContain(rid(r.id));
    await h.lin.press('👀 受理', { in: h.group, messageId: card.message_id });
    expect(h.cardOf(r.id).caption).toMatch(/已受理/);
    expect(h.world.emu.rejected).toEqual([]);
  });

  it('a three-photo album in /report: one answer, and three photos on the committee card (an album after it) and in /myreports', async () => {
    const cy = await h.world.resident('Cy', { locale: 'en', building: 'b4' });
    let answers: string[] = [];
    await upToReview(
      cy,
      () => cy.send('Three lights out along the path'),
      async () => {
        const before = cy.inbox().length;
        await cy.sendAlbum(3);
        await cy.waitFor(/Where is it/);
        answers = cy
          .inbox()
          .slice(before)
          .map((m) => m.text ?? '');
      },
    );
    expect(answers.filter((t) => /Photo \d of|Got \d photo/.test(t))).toHaveLength(1);
    await cy.press('✅ Submit');
    await h.world.flush();

    const r = await h.latest();
    const stored = (
      await h.world.db.selectFrom('report_photos').select('file_id').where('report_id', '=', r.id).orderBy('id').execute()
    ).map((p) => p.file_id);
    expect(stored).toHaveLength(3);
    // The card (with its buttons) carries the first photo; the other two follow it as one album naming the report.
    const [card, ...album] = fromCard(r.id).slice(0, 3);
    expect(card).toMatchObject({ kind: 'photo' });
    expect(card.buttons()).toContain('👀 受理');
    expect(album.map((m) => m.kind)).toEqual(['photo', 'photo']);
    expect(album[0].media_group_id).toBeDefined();
    expect(album[1].media_group_id).toBe(album[0].media_group_id);
    expect(album[0].caption).toContain(rid(r.id));
    expect([card, ...album].map((m) => m.photo!.at(-1)!.file_id)).toEqual(stored);

    // /myreports: the detail, then all three as one album.
    const detail = await openInMyReports(cy, r.id);
    expect(detail[0].text).toMatch(/Three lights out/);
    const shown = detail.slice(1);
    expect(shown.map((m) => m.kind)).toEqual(['photo', 'photo', 'photo']);
    expect(new Set(shown.map((m) => m.media_group_id)).size).toBe(1);
    expect(shown[0].caption).toMatch(new RegExp(`${rid(r.id)}: 3 photo`));
    expect(shown.map((m) => m.photo!.at(-1)!.file_id)).toEqual(stored);
  });
});

describe('voice notes on help requests', () => {
  let world: World;
  let hood: Neighbourhood;
  let li: EmulatedUser;
  beforeAll(async () => {
    world = await startWorld();
    hood = await neighbourhood(world, ['elder']);
    li = await volunteer(world, 'Li', 'Elder care team', { user: hood.staff, in: hood.committee });
  }, 60_000);
  afterAll(async () => {
    expect(world.emu.rejected).toEqual([]);
    await world.stop();
  });

  it('a voice note as the details reaches the staff approval card, and later the claimer; never the team group', async () => {
    const mei = await world.resident('Mei', { unit: '2-101', locale: 'en' });
    await mei.send('/request');
    await mei.press('Me');
    await mei.press('Errands and shopping');
    const spoken = (await mei.sendVoice({ duration: 20 })).voice!;
    expect(mei.last()!.text).toMatch(/When is it needed/);
    await mei.press('⚡ As soon as possible');
    await mei.press(/My home/);
    await mei.press('Skip');
    expect(mei.last()!.text).toMatch(/What: 🎤 voice note \(0:20\)/);
    await mei.press('✅ Send the request');
    const requestId = Number(/#(\d+)/.exec(mei.last()!.text!)![1]);
    const row = await world.db.selectFrom('help_requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ details: '', voice_file_id: spoken.file_id, voice_seconds: 20 });

    // Staff's card says it is a voice note and how long; the voice itself follows it.
    const card = await approvalCard(world, hood.staff, requestId, hood.committee);
    expect(card.text).toMatch(/🎤 语音描述，0:20/);
    const all = hood.committee.messages();
    const after = all.slice(all.findIndex((m) => m.message_id === card.message_id) + 1);
    expect(after[0]).toMatchObject({ kind: 'voice', voice: { file_id: spoken.file_id, duration: 20 } });
    expect(after[0].caption).toContain(`#${requestId}`);

    // /myrequests says so, and a note can be spoken too.
    await mei.send('/myrequests');
    expect(mei.last()!.text).toMatch(/🎤 voice note \(0:20\)/);
    await mei.press('📝 Add a note');
    const note = (await mei.sendVoice({ duration: 7 })).voice!;
    expect(mei.last()!.text).toMatch(/The note has been added/);
    const notes = await world.db.selectFrom('help_voice_notes').selectAll().where('request_id', '=', requestId).execute();
    expect(notes).toEqual([expect.objectContaining({ file_id: note.file_id, seconds: 7 })]);

    // Approved: the team group's card shows no details, so it gets no voice; the claimer hears both.
    await approveRequest(world, hood.staff, requestId, hood.committee);
    const teamCard = hood.teams.elder.messages().find((m) => m.buttons().includes('✋ 我来认领'))!;
    await li.press('✋ 我来认领', { in: hood.teams.elder, messageId: teamCard.message_id });
    await world.flush();
    expect(hood.teams.elder.messages().filter((m) => m.kind === 'voice')).toEqual([]);
    const inbox = li.inbox();
    const details = inbox.findLastIndex((m) => /What: 🎤 voice note, 0:20/.test(m.text ?? ''));
    expect(details).toBeGreaterThanOrEqual(0);
    expect(inbox[details].text).toMatch(/🎤 0:07/);
    expect(inbox.slice(details + 1).map((m) => m.voice?.file_id)).toEqual([spoken.file_id, note.file_id]);

    // /deleteme: nothing of their voice is kept.
    await mei.send('/deleteme');
    await mei.press(/Yes, delete/);
    const erased = await world.db.selectFrom('help_requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
    expect(erased.voice_file_id).toBeNull();
    expect(await world.db.selectFrom('help_voice_notes').selectAll().where('request_id', '=', requestId).execute()).toEqual([]);
  });
});
