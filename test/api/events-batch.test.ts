// A batch answers item by item: an item the services refuse with a domain error is that item's
// 4xx result, the others go on; a fault (5xx) fails the batch, as one request would.
import { eventHandlers } from '../../src/api/events-router';
import { InvalidError } from '../../src/core/errors';
import type { Ingestion } from '../../src/ingestion/ingestion';

const event = (email: string) => ({ type: 'purchase', customer: { email }, properties: {} });

function ingestionRefusing(email: string, error: Error): Ingestion {
  const fake: Pick<Ingestion, 'ingest' | 'lanes' | 'ingestUnreferenced'> = {
    ingestUnreferenced: async () => new Map(),
    lanes: async (refs) => refs.map((_, i) => i),
    ingest: async (input) => {
      if (input.customer.email === email) throw error;
      return { eventId: `e-${input.customer.email}`, customerId: 'c', duplicate: false, delivered: true };
    },
  };
  return fake as Ingestion;
}

test('a refused item is its own 4xx; the others are accepted, and counted by outcome', async () => {
  const outcomes: string[] = [];
  const handlers = eventHandlers(ingestionRefusing('bad@example.com', new InvalidError('Invalid customer', [])), {
    event: (outcome) => outcomes.push(outcome),
  });
  const reply = await handlers.ingestBatch({
    body: { events: [event('a@example.com'), event('bad@example.com'), event('b@example.com')] },
  } as Parameters<typeof handlers.ingestBatch>[0]);
  expect(reply).toMatchObject({
    status: 207,
    body: {
      accepted: 2,
      rejected: 1,
      results: [
        { index: 0, status: 202 },
        { index: 1, status: 422, error: 'Invalid customer' },
        { index: 2, status: 202 },
      ],
    },
  });
  expect(outcomes).toEqual(['signalled', 'signalled']);
});

test('a fault in one item fails the batch', async () => {
  const handlers = eventHandlers(ingestionRefusing('bad@example.com', new Error('connection reset')), {
    event: () => undefined,
  });
  await expect(
    handlers.ingestBatch({ body: { events: [event('bad@example.com')] } } as Parameters<
      typeof handlers.ingestBatch
    >[0]),
  ).rejects.toThrow('connection reset');
});
