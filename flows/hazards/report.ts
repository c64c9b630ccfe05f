import { choiceStep, defineFlow, textStep, type FlowContext, type Outcome, type Step, requiredTextStep } from '../../src/bot/flow';
import { localName } from '../../src/community/config';
import type { CoreDeps } from '../../src/deps';
import { findReport, MAX_DESCRIPTION, MAX_PHOTOS, publicId, similarReports, type Report } from '../../src/domain/hazards';
import type { VoiceNote } from '../../src/domain/voice';
import { voiceLength } from '../../src/delivery/media';
import { escapeHtml } from '../../src/i18n';
import { renderCard, submitReport, supportReport } from '../../src/features/hazards/services';
import { categoryName } from '../../src/features/hazards/views/card';
import { draftPlace } from '../../src/features/hazards/views/resident';
import { buildingChoices, orVoice } from '../steps';

/**
 * /report: category → (emergency: what to call now) → description (typed, or a voice message) → up to 3 photos → where
 * (a shared location, the building on file, or a picked building, then the spot) → "same
 * issue?" when an open report looks like it → review → submit.
 */
interface State {
  category?: string;
  /** The words, or '' when the description is the voice note. */
  description?: string;
  voice?: VoiceNote;
  photos: string[];
  buildingId?: string;
  /** The configured spot a shared location was near (it routes to the unit whose frontage it is). */
  spotId?: string;
  spot?: string;
  location?: { latitude: number; longitude: number };
  similar?: number[];
}

type C = FlowContext<State>;
type ReportStep = (deps: CoreDeps) => Step<State>;

const MAX_SPOT = 100;

const communityOf = (c: C) => c.user.community_id!;
const categoryOf = (deps: CoreDeps, c: C) => deps.communities.hazardCategory(c.state.category!)!;

/** After the place is known: offer the same open report, if one looks like it. */
async function afterPlace(deps: CoreDeps, c: C): Promise<Outcome> {
  const similar = await similarReports(deps.db, c.now, deps.communities.settings, {
    communityId: communityOf(c),
    category: c.state.category!,
    buildingId: c.state.buildingId,
    location: c.state.location,
  });
  c.state.similar = similar.map((r) => r.id);
  return { next: similar.length > 0 ? 'same' : 'review' };
}

const categoryStep: ReportStep = (deps) =>
  choiceStep({
    ask: (c) => ({
      text: c.t('hazards.ask_category'),
      choices: deps.communities.config.hazardCategories.map((x) => ({
        label: `${x.emergency ? '🚨 ' : ''}${localName(x.name, c.locale)}`,
        value: x.id,
      })),
    }),
    then: (id, c) => {
      c.state.category = id;
      return { next: deps.communities.hazardCategory(id)!.emergency ? 'urgent' : 'describe' };
    },
  });

/** An emergency: what to call right now, before anything is written. */
const urgentStep: ReportStep = (deps) =>
  choiceStep({
    ask: (c) => ({
      text: c.t('hazards.call_now', {
        numbers:
          categoryOf(deps, c)
            .callNow.map((n) => `<b>${escapeHtml(n)}</b>`)
            .join(' / ') || '<b>110</b>',
      }),
      choices: [{ label: c.t('hazards.call_now_continue'), value: 'go' }],
      columns: 1,
    }),
    then: () => ({ next: 'describe' }),
  });

const describeStep: ReportStep = (deps) =>
  orVoice(
    requiredTextStep({
      ask: (c) => ({ text: c.t('hazards.ask_description', { category: escapeHtml(categoryName(deps, c.state.category!, c.locale)) }) }),
      min: 2,
      max: MAX_DESCRIPTION,
      then: (text, c) => {
        Object.assign(c.state, { description: text, voice: undefined });
        return { next: 'photos' };
      },
    }),
    (voice, c) => {
      Object.assign(c.state, { description: '', voice });
      return { next: 'photos' };
    },
  );

/** The description as the review shows it: the words, or "🎤 voice note (0:12)". */
const draftDescription = (c: C) =>
  c.state.voice
    ? c.t('hazards.voice_note', { length: voiceLength(c.state.voice.seconds) })
    : escapeHtml(c.state.description!.slice(0, 600));

const photosStep = (): Step<State> => ({
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
    if (input.kind === 'skip' || (input.kind === 'choice' && input.value === 'done')) return { next: 'where' };
    return { retry: c.t('common.pick_a_button') };
  },
});

/** Where: a shared location, the resident's own building, or another building. */
const whereStep: ReportStep = (deps) => {
  const choose = choiceStep<State>({
    ask: (c) => {
      const home = c.user.building_id ? deps.communities.building(communityOf(c), c.user.building_id) : undefined;
      const choices = [{ label: c.t('hazards.where_pick'), value: 'pick' }];
      if (home) choices.unshift({ label: c.t('hazards.where_home', { building: localName(home.name, c.locale) }), value: 'home' });
      return { text: c.t('hazards.ask_where'), choices, columns: 1, request: 'location' };
    },
    then: (how, c) => {
      c.state.location = undefined;
      c.state.spotId = undefined;
      if (how === 'pick') return { next: 'building' };
      c.state.buildingId = c.user.building_id!;
      return { next: 'spot' };
    },
  });
  return {
    accepts: ['location', 'choice'],
    ask: choose.ask,
    answer: (input, c) => {
      if (input.kind !== 'location') return choose.answer(input, c);
      c.state.location = { latitude: input.latitude, longitude: input.longitude };
      // Told as "near <building>" and kept in the ledger, when a configured building is near.
      c.state.buildingId = deps.communities.nearestBuilding(communityOf(c), c.state.location)?.id;
      c.state.spotId = deps.communities.nearestSpot(communityOf(c), c.state.location)?.id;
      c.state.spot = undefined;
      return afterPlace(deps, c);
    },
  };
};

const buildingStep: ReportStep = (deps) =>
  choiceStep({
    ask: (c) => ({ text: c.t('hazards.ask_building'), choices: buildingChoices(deps.communities, communityOf(c), c.locale) }),
    then: (id, c) => {
      c.state.buildingId = id;
      return { next: 'spot' };
    },
  });

const spotStep: ReportStep = (deps) =>
  textStep({
    ask: (c) => ({ text: c.t('hazards.ask_spot'), skippable: true }),
    max: MAX_SPOT,
    then: (spot, c) => {
      c.state.spot = spot;
      return afterPlace(deps, c);
    },
  });

/** "Is it one of these?": the open reports that look like it, each with its card, or a new one. */
const sameStep: ReportStep = (deps) =>
  choiceStep({
    ask: async (c) => {
      const rows = (await Promise.all((c.state.similar ?? []).map((id) => findReport(deps.db, id)))).filter(Boolean) as Report[];
      // A prompt's links would get Telegram's preview: the map link stays on the card itself.
      const cards = await Promise.all(rows.map((r) => renderCard(deps, deps.db, r, c.locale, {})));
      return {
        text: `${c.t('hazards.ask_same')}\n\n${cards.join('\n\n')}`,
        choices: [
          ...rows.map((r) => ({ label: c.t('hazards.same_support', { id: publicId(r.id) }), value: String(r.id) })),
          { label: c.t('hazards.same_different'), value: 'new' },
        ],
        columns: 1,
      };
    },
    then: async (value, c) => {
      if (value === 'new') return { next: 'review' };
      const id = Number(value);
      const result = await supportReport(deps, c.now, id, c.userId);
      if (result === 'closed') return { retry: c.t('hazards.same_gone') };
      return { finish: { text: c.t(result === 'added' ? 'hazards.supported' : 'hazards.already_following', { id: publicId(id) }) } };
    },
  });

const reviewStep: ReportStep = (deps) =>
  choiceStep({
    ask: (c) => {
      const place = draftPlace(deps, { communityId: communityOf(c), ...c.state }, c.t, c.locale);
      const text = c.t('hazards.review', {
        category: escapeHtml(categoryName(deps, c.state.category!, c.locale)),
        description: draftDescription(c),
        place,
        photos: c.state.photos.length,
      });
      return { text, photo: c.state.photos[0], choices: [{ label: c.t('hazards.submit'), value: 'submit' }], columns: 1 };
    },
    then: (_submit, c) => submit(deps, c),
  });

async function submit(deps: CoreDeps, c: C): Promise<Outcome> {
  const category = categoryOf(deps, c);
  const report = await submitReport(deps, c.now, {
    communityId: communityOf(c),
    category,
    description: c.state.description!,
    voice: c.state.voice,
    buildingId: c.state.buildingId,
    spotId: c.state.spotId,
    spot: c.state.spot,
    location: c.state.location,
    reporterId: c.userId,
    photos: c.state.photos,
    pageAfterMinutes: deps.communities.settings.emergencyAckMinutes,
    updateId: c.updateId,
  });
  const said = report.emergency ? 'hazards.submitted_emergency' : 'hazards.submitted';
  return { finish: { text: c.t(said, { id: publicId(report.id), hours: category.slaAckHours }) } };
}

export function reportFlow(deps: CoreDeps) {
  return defineFlow<State>({
    id: 'rep',
    first: 'category',
    initial: () => ({ photos: [] }),
    steps: {
      category: categoryStep(deps),
      urgent: urgentStep(deps),
      describe: describeStep(deps),
      photos: photosStep(),
      where: whereStep(deps),
      building: buildingStep(deps),
      spot: spotStep(deps),
      same: sameStep(deps),
      review: reviewStep(deps),
    },
  });
}
