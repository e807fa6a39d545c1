// Example programs that validate, shared by tests: copy them (structuredClone) before changing one.
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';

/** Template ids the fixtures send; a template store holding these accepts both programs. */
export const fixtureTemplateIds = ['cross-sell', 'recommendations', 'cart-reminder-1', 'cart-reminder-2'] as const;

/**
 * Simona's post-purchase cross-sell: a customer who comes back to the site within two days gets
 * the cross-sell at the next allowed hour; one who does not gets personal recommendations.
 */
export const postPurchaseCrossSell: ProgramDefinitionInput = {
  name: 'Post-purchase cross-sell',
  timezone: 'Europe/Ljubljana',
  entry: { event: 'purchase' },
  start: 'wait-visit',
  steps: {
    'wait-visit': {
      kind: 'waitForEvent',
      event: { type: 'site_visit' },
      timeout: '2d',
      next: { matched: 'next-allowed-hour', timedOut: 'recommend' },
    },
    'next-allowed-hour': {
      kind: 'waitUntil',
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
      at: '10:00',
      next: 'send-cross-sell',
    },
    'send-cross-sell': { kind: 'send', channel: 'email', template: 'cross-sell', next: 'done' },
    recommend: { kind: 'recommend', next: 'send-recommendations' },
    'send-recommendations': { kind: 'send', channel: 'email', template: 'recommendations', next: 'done' },
    done: { kind: 'exit' },
  },
};

/** Abandoned cart, one enrollment per cart: two reminders a day apart, stopped by an order for that cart. */
export const abandonedCart: ProgramDefinitionInput = {
  name: 'Abandoned cart',
  entry: { event: 'cart_abandoned', key: 'properties.cartId', maxInstances: 3 },
  goal: { event: { type: 'order_placed', sameKey: true }, window: '7d' },
  start: 'wait-1h',
  steps: {
    'wait-1h': { kind: 'wait', duration: '1h', next: 'send-reminder-1' },
    'send-reminder-1': { kind: 'send', channel: 'email', template: 'cart-reminder-1', next: 'wait-23h' },
    'wait-23h': { kind: 'wait', duration: '23h', next: 'send-reminder-2' },
    'send-reminder-2': { kind: 'send', channel: 'email', template: 'cart-reminder-2', next: 'done' },
    done: { kind: 'exit' },
  },
};
