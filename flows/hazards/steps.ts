import { textStep, type FlowContext, type Outcome, type Prompt, type Step } from '../../src/bot/flow';

/** Step shapes the hazard flows share. */

/** The arguments of every flow about one report: which report. */
export interface ReportArgs {
  reportId: number;
}

/**
 * A bounded text step without Skip, whose answer is always a text (textStep itself refuses a Skip
 * its prompt never offered, so `undefined` only reaches here in the types).
 */
export function requiredText<S>(spec: {
  ask: (c: FlowContext<S>) => Prompt | Promise<Prompt>;
  max: number;
  min?: number;
  then: (text: string, c: FlowContext<S>) => Outcome | Promise<Outcome>;
}): Step<S> {
  return textStep({ ...spec, then: (text, c) => (text === undefined ? { retry: c.t('common.expect_text') } : spec.then(text, c)) });
}
