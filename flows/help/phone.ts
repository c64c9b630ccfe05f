import type { FlowContext, Input, Prompt, Step } from '../../src/bot/flow';

/** The optional phone step of the help flows: the contact button, typed, or skipped. */

export const PHONE = /^\+?[\d\s()-]{5,20}$/;

/** A phone from the contact button or typed; undefined when it does not look like one. */
export function phoneAnswer(input: Input): string | undefined {
  if (input.kind === 'contact') return input.phone;
  if (input.kind === 'text' && PHONE.test(input.text.trim())) return input.text.trim();
  return undefined;
}

/** An optional phone step (contact button, typed, or skipped), shared by the help flows. */
export function phoneStep<S extends { phone?: string }>(ask: (c: FlowContext<S>) => Prompt, next: string): Step<S> {
  return {
    accepts: ['contact', 'text', 'skip'],
    ask,
    answer: (input, c) => {
      const phone = input.kind === 'skip' ? undefined : phoneAnswer(input);
      if (input.kind !== 'skip' && !phone) return { retry: c.t('help.phone_invalid') };
      c.state.phone = phone;
      return { next };
    },
  };
}
