import { chosen, defineFlow, textAnswer, type FlowContext, type Outcome } from '../src/bot/flow';
import { localName } from '../src/community/config';
import type { CoreDeps } from '../src/deps';
import { addSupport, createReport, MAX_DESCRIPTION, MAX_PHOTOS, publicId, similarReports, type Report } from '../src/domain/hazards';
import { enqueue, PRIORITY } from '../src/delivery/outbox';
import { escapeHtml, isLocale } from '../src/i18n';
import { cardText, categoryName, enqueueCard, enqueueCardEdit, placeText, staffButton } from './report-card';
import { textRetry } from '../src/bot/flow';

/**
 * /report: category → (emergency: what to call now) → description → up to 3 photos → where
 * (a shared location, the building on file, or a picked building, then the spot) → "same
 * issue?" when an open report looks like it → review → submit.
 */
interface State {
  category?: string;
  description?: string;
  photos: string[];
  buildingId?: string;
  spot?: string;
  location?: { latitude: number; longitude: number };
  similar?: number[];
}

const MAX_SPOT = 100;

export function reportFlow(deps: CoreDeps) {
  const { communities } = deps;
  const community = (c: FlowContext<State>) => c.user.community_id!;
  const category = (c: FlowContext<State>) => communities.hazardCategory(c.state.category!)!;

  /** After the place is known: offer the same open report, if one looks like it. */
  const afterPlace = async (c: FlowContext<State>): Promise<Outcome> => {
    const similar = await similarReports(deps.db, c.now, communities.settings, {
      communityId: community(c),
      category: c.state.category!,
      buildingId: c.state.buildingId,
      location: c.state.location,
    });
    c.state.similar = similar.map((r) => r.id);
    return { next: similar.length > 0 ? 'same' : 'review' };
  };

  const submit = async (c: FlowContext<State>): Promise<Outcome> => {
    const cat = category(c);
    const report = await deps.db.transaction().execute(async (tx) => {
      const r = await createReport(tx, c.now, {
        communityId: community(c),
        category: cat,
        description: c.state.description!,
        buildingId: c.state.buildingId,
        spot: c.state.spot,
        location: c.state.location,
        reporterId: c.userId,
        photos: c.state.photos,
        pageAfterMinutes: communities.settings.emergencyAckMinutes,
      });
      await enqueueCard(deps, tx, c.now, r);
      if (r.emergency) await pageStaff(deps, tx, c.now, r);
      return r;
    });
    deps.sender.poke();
    const next = report.emergency ? 'hazards.submitted_emergency' : 'hazards.submitted';
    return { finish: { text: c.t(next, { id: publicId(report.id), hours: cat.slaAckHours }) } };
  };

  return defineFlow<State>({
    id: 'rep',
    first: 'category',
    initial: () => ({ photos: [] }),
    steps: {
      category: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('hazards.ask_category'),
          choices: communities.config.hazardCategories.map((x) => ({
            label: `${x.emergency ? '🚨 ' : ''}${localName(x.name, c.locale)}`,
            value: x.id,
          })),
        }),
        answer: (input, c) => {
          const id = chosen(
            input,
            communities.config.hazardCategories.map((x) => x.id),
          );
          if (!id) return { retry: c.t('common.pick_a_button') };
          c.state.category = id;
          return { next: communities.hazardCategory(id)!.emergency ? 'urgent' : 'describe' };
        },
      },
      urgent: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('hazards.call_now', {
            numbers:
              category(c)
                .callNow.map((n) => `<b>${escapeHtml(n)}</b>`)
                .join(' / ') || '<b>110</b>',
          }),
          choices: [{ label: c.t('hazards.call_now_continue'), value: 'go' }],
          columns: 1,
        }),
        answer: (input, c) => (chosen(input, ['go']) ? { next: 'describe' } : { retry: c.t('common.pick_a_button') }),
      },
      describe: {
        accepts: ['text'],
        ask: (c) => ({ text: c.t('hazards.ask_description', { category: escapeHtml(categoryName(deps, c.state.category!, c.locale)) }) }),
        answer: (input, c) => {
          const a = textAnswer(input, { min: 2, max: MAX_DESCRIPTION });
          if (!a.ok) return textRetry(c.t, a.reason, MAX_DESCRIPTION);
          c.state.description = a.text;
          return { next: 'photos' };
        },
      },
      photos: {
        accepts: ['photo', 'skip', 'choice'],
        ask: (c) => {
          const n = c.state.photos.length;
          return n === 0
            ? { text: c.t('hazards.ask_photos', { max: MAX_PHOTOS }), skippable: true }
            : {
                text: c.t('hazards.photo_received', { n, max: MAX_PHOTOS }),
                choices: [{ label: c.t('hazards.photos_done'), value: 'done' }],
                columns: 1,
              };
        },
        answer: (input, c) => {
          if (input.kind === 'photo') {
            c.state.photos.push(input.fileId);
            return { next: c.state.photos.length >= MAX_PHOTOS ? 'where' : 'photos' };
          }
          if (input.kind === 'skip' || chosen(input, ['done'])) return { next: 'where' };
          return { retry: c.t('common.pick_a_button') };
        },
      },
      where: {
        accepts: ['location', 'choice'],
        ask: (c) => {
          const home = c.user.building_id ? communities.building(community(c), c.user.building_id) : undefined;
          const choices = [{ label: c.t('hazards.where_pick'), value: 'pick' }];
          if (home) choices.unshift({ label: c.t('hazards.where_home', { building: localName(home.name, c.locale) }), value: 'home' });
          return { text: c.t('hazards.ask_where'), choices, columns: 1, request: 'location' };
        },
        answer: (input, c) => {
          if (input.kind === 'location') {
            c.state.location = { latitude: input.latitude, longitude: input.longitude };
            c.state.buildingId = undefined;
            c.state.spot = undefined;
            return afterPlace(c);
          }
          const how = chosen(input, c.user.building_id ? ['home', 'pick'] : ['pick']);
          if (!how) return { retry: c.t('common.pick_a_button') };
          c.state.location = undefined;
          if (how === 'pick') return { next: 'building' };
          c.state.buildingId = c.user.building_id!;
          return { next: 'spot' };
        },
      },
      building: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('hazards.ask_building'),
          choices: communities.community(community(c))!.buildings.map((b) => ({ label: localName(b.name, c.locale), value: b.id })),
        }),
        answer: (input, c) => {
          const id = chosen(
            input,
            communities.community(community(c))!.buildings.map((b) => b.id),
          );
          if (!id) return { retry: c.t('common.pick_a_button') };
          c.state.buildingId = id;
          return { next: 'spot' };
        },
      },
      spot: {
        accepts: ['text', 'skip'],
        ask: (c) => ({ text: c.t('hazards.ask_spot'), skippable: true }),
        answer: (input, c) => {
          if (input.kind === 'skip') {
            c.state.spot = undefined;
            return afterPlace(c);
          }
          const a = textAnswer(input, { max: MAX_SPOT });
          if (!a.ok) return textRetry(c.t, a.reason, MAX_SPOT);
          c.state.spot = a.text;
          return afterPlace(c);
        },
      },
      same: {
        accepts: ['choice'],
        ask: async (c) => {
          const rows = (
            await Promise.all(
              (c.state.similar ?? []).map((id) => deps.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst()),
            )
          ).filter(Boolean) as Report[];
          const lines = await Promise.all(rows.map((r) => cardText(deps, deps.db, r, c.locale)));
          return {
            text: `${c.t('hazards.ask_same')}\n\n${lines.join('\n\n')}`,
            choices: [
              ...rows.map((r) => ({ label: c.t('hazards.same_support', { id: publicId(r.id) }), value: String(r.id) })),
              { label: c.t('hazards.same_different'), value: 'new' },
            ],
            columns: 1,
          };
        },
        answer: async (input, c) => {
          const value = chosen(input, [...(c.state.similar ?? []).map(String), 'new']);
          if (!value) return { retry: c.t('common.pick_a_button') };
          if (value === 'new') return { next: 'review' };
          const id = Number(value);
          const result = await deps.db.transaction().execute(async (tx) => {
            const added = await addSupport(tx, c.now, id, c.userId);
            if (added === 'added') {
              const r = (await tx.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst())!;
              await enqueueCardEdit(deps, tx, c.now, r);
            }
            return added;
          });
          deps.sender.poke();
          if (result === 'closed') return { retry: c.t('hazards.same_gone') };
          return { finish: { text: c.t(result === 'added' ? 'hazards.supported' : 'hazards.already_following', { id: publicId(id) }) } };
        },
      },
      review: {
        accepts: ['choice'],
        ask: (c) => {
          const place = placeText(
            deps,
            {
              community_id: community(c),
              building_id: c.state.buildingId ?? null,
              spot: c.state.spot ?? null,
              latitude: c.state.location?.latitude ?? null,
              longitude: c.state.location?.longitude ?? null,
            },
            c.t,
            c.locale,
          );
          const text = c.t('hazards.review', {
            category: escapeHtml(categoryName(deps, c.state.category!, c.locale)),
            description: escapeHtml(c.state.description!.slice(0, 600)),
            place,
            photos: c.state.photos.length,
          });
          return { text, photo: c.state.photos[0], choices: [{ label: c.t('hazards.submit'), value: 'submit' }], columns: 1 };
        },
        answer: (input, c) => (chosen(input, ['submit']) ? submit(c) : { retry: c.t('common.pick_a_button') }),
      },
    },
  });
}

/** Emergency: every staff member of the community hears at once, in their own language. */
export async function pageStaff(deps: CoreDeps, tx: Parameters<typeof enqueue>[0], now: number, r: Report): Promise<void> {
  for (const s of await deps.users.staffOf(r.community_id, tx)) {
    const locale = isLocale(s.locale) ? s.locale : deps.config.defaultLocale;
    const t = deps.i18n.translator(locale);
    const text = `${t('hazards.page', { id: publicId(r.id) })}\n\n${await cardText(deps, tx, r, locale)}`;
    await enqueue(tx, now, {
      chatId: s.id,
      text,
      keyboard: [[{ text: t('hazards.act_acknowledge'), callback_data: staffButton.pack({ action: 'acknowledge', id: r.id }) }]],
      priority: PRIORITY.personal,
      ref: `report:${r.id}:page`,
    });
  }
}
