// Admin-API moves shared by the program release tests (experiments, rollouts, states), over HTTP.
import type { Prisma } from '../../generated/prisma/client';
import type { Db } from '../../src/db/prisma';
import { eventually } from '../helpers/world';
import type { ApiServer } from './http';

/** A program that waits for `continue` (so the test decides when customers move), then emails `template`. */
export const offerProgram = (template: string, trigger = 'visit') => ({
  name: 'Offer',
  entry: { event: trigger, reentry: { mode: 'always' }, maxInstances: 5 },
  goal: { event: { type: 'purchase' }, window: '1d' },
  start: 'hold',
  steps: {
    hold: {
      kind: 'waitForEvent',
      event: { type: 'continue' },
      timeout: '1h',
      next: { matched: 'offer', timedOut: 'done' },
    },
    offer: { kind: 'send', channel: 'email', template, next: 'done' },
    done: { kind: 'exit' },
  },
});

export async function saveTemplates(api: ApiServer, subjects: Record<string, string>): Promise<void> {
  for (const [id, subject] of Object.entries(subjects)) {
    const res = await api.request('PUT', `/v1/templates/${id}`, { json: { subject, body: `<p>${subject}</p>` } });
    if (res.status !== 200) throw new Error(`template ${id}: ${res.status} ${res.text}`);
  }
}

/** Saves the draft (creating the program the first time) and publishes it; returns the version. */
export async function publish(api: ApiServer, id: string, definition: object): Promise<number> {
  const exists = (await api.request('GET', `/v1/programs/${id}`)).status === 200;
  const saved = exists
    ? await api.request('PUT', `/v1/programs/${id}/draft`, { json: { definition } })
    : await api.request('POST', '/v1/programs', { json: { id, definition } });
  if (saved.status >= 300) throw new Error(`save ${id}: ${saved.status} ${saved.text}`);
  const published = await api.request('POST', `/v1/programs/${id}/versions`);
  if (published.status !== 201) throw new Error(`publish ${id}: ${published.status} ${published.text}`);
  return published.body.version as number;
}

/** Posts events in batches of 500; every item must be accepted. */
export async function postEvents(
  api: ApiServer,
  events: { type: string; customer: object; eventId?: string; properties?: object }[],
): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    const res = await api.request('POST', '/v1/events/batch', { json: { events: events.slice(i, i + 500) } });
    if (res.status !== 207 || res.body.rejected !== 0)
      throw new Error(`batch: ${res.status} ${res.text.slice(0, 500)}`);
  }
}

export const customerOf = (n: string) => ({ email: `${n}@example.com` });

/** `n` customer names: prefix000, prefix001, ... */
export const names = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

/** Waits until `count` step records match `where` (they are written in batches, shortly after the fact). */
export async function stepsRecorded(
  db: Db,
  where: Prisma.JourneyStepWhereInput,
  count: number,
  what: string,
  timeoutMs = 90_000,
): Promise<void> {
  await eventually(async () => (await db.journeyStep.count({ where })) >= count, timeoutMs, what);
}

/** Customer ids by email, for the customers the test created. */
export async function customerIds(db: Db, names: string[]): Promise<Map<string, string>> {
  const rows = await db.customerIdentifier.findMany({
    where: { kind: 'email', value: { in: names.map((n) => `${n}@example.com`) } },
  });
  return new Map(rows.map((r) => [r.value.replace('@example.com', ''), r.customerId]));
}

/**
 * Waits until each customer's enrollments have all ended: every enrollment has its final exit
 * record (the one without `next`; an exit step's own record carries `next: null`).
 */
export async function finished(db: Db, customerIds: string[], what: string, timeoutMs = 120_000): Promise<void> {
  await eventually(
    async () => {
      const [row] = await db.$queryRaw<{ open: bigint }[]>`
      SELECT count(*) AS open FROM journey_steps s
      WHERE s.customer_id = ANY(${customerIds}) AND s.kind = 'enter' AND s.outcome = 'entered'
        AND NOT EXISTS (SELECT 1 FROM journey_steps x
                         WHERE x.enrollment_id = s.enrollment_id AND x.kind = 'exit' AND NOT (x.detail ? 'next'))`;
      return Number(row!.open) === 0;
    },
    timeoutMs,
    what,
  );
}
