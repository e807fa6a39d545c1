// The customer workflow's signals and query, in their own file so clients can import them
// without loading the interpreter.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { CustomerEvent, CustomerState } from '../src/core/state';
import type { JourneySnapshot } from '../src/customers/customer-workflows';

export const customerEventSignal = defineSignal<[CustomerEvent]>('customerEvent');
export const journeyStateQuery = defineQuery<JourneySnapshot>('journeyState');

/** This customer turned out to be `survivorId`: hand everything over and end. */
export const mergeIntoSignal = defineSignal<[{ survivorId: string }]>('mergeInto');

/** Another customer's journey state, handed over by its workflow when it merged into this one. */
export const absorbSignal = defineSignal<[{ fromCustomerId: string; state: CustomerState }]>('absorb');
