// Experiments on a real dev server: 200 customers in flight on v1, then v2 released as a 50/50
// experiment with a 10 % holdout. Assignments are sticky and recorded, the split passes a
// chi-square check, v1's customers finish on v1, the holdout is never messaged, and the winner
// rule promotes v2 once it converts.
import { NO_CONTACT_POLICY } from '../helpers/worker';
import { eventually, startWorld, type World } from '../helpers/world';
import {
  customerIds,
  customerOf,
  names,
  finished,
  offerProgram,
  postEvents,
  publish,
  saveTemplates,
  stepsRecorded,
} from './admin';
import { listen, type ApiServer } from './http';

let world: World;
let api: ApiServer;

beforeAll(async () => {
  world = await startWorld('dev-server', { contactPolicy: NO_CONTACT_POLICY });
  api = await listen(world.api.app);
  await saveTemplates(api, { 'offer-a': 'Offer A', 'offer-b': 'Offer B' });
}, 90_000);
afterAll(async () => {
  await api?.close();
  await world?.stop();
});

const visit = (n: string, eventId = `visit-${n}`) => ({ eventId, type: 'visit', customer: customerOf(n) });

/** χ² goodness of fit of observed counts against expected shares. */
function chiSquare(observed: number[], shares: number[]): number {
  const total = observed.reduce((a, b) => a + b, 0);
  return observed.reduce((sum, o, i) => sum + (o - total * shares[i]!) ** 2 / (total * shares[i]!), 0);
}

test(
  'v2 as a 50/50 experiment with a 10% holdout: sticky, recorded, ' +
    'balanced; v1 customers finish on v1; the winner is promoted',
  async () => {
    const { db } = world.database;
    expect(await publish(api, 'offer', offerProgram('offer-a'))).toBe(1);
    expect((await api.request('POST', '/v1/programs/offer/launch', { json: { version: 1 } })).status).toBe(200);
    const early = names('early', 200);
    await postEvents(
      api,
      early.map((n) => visit(n)),
    );
    await stepsRecorded(
      db,
      { programId: 'offer', version: 1, kind: 'enter', outcome: 'entered' },
      200,
      '200 customers entered v1',
    );

    expect(await publish(api, 'offer', offerProgram('offer-b'))).toBe(2);
    const started = await api.request('POST', '/v1/programs/offer/experiments', {
      json: {
        variants: [
          { name: 'v1', version: 1 },
          { name: 'v2', version: 2 },
        ],
        holdout: 0.1,
        winnerRule: { minCustomersPerVariant: 40, minProbability: 0.95, autoPromote: true, evaluationIntervalMs: 1000 },
      },
    });
    expect(started.status).toBe(201);
    const experimentId = started.body.id as string;

    // New entrants, 50 of them visiting twice.
    const late = names('late', 200);
    await postEvents(api, [
      ...late.map((n) => visit(n)),
      ...late.slice(0, 50).map((n) => visit(n, `visit-again-${n}`)),
    ]);
    await stepsRecorded(
      db,
      { programId: 'offer', kind: 'enter', variant: { not: null } },
      250,
      'the new entries recorded',
    );

    // Recorded once per customer, and every entry of a customer is in their recorded variant.
    const assignments = await db.assignment.findMany({ where: { experimentId } });
    expect(assignments).toHaveLength(200);
    const variantOf = new Map(assignments.map((a) => [a.customerId, a.variant]));
    const entries = await db.journeyStep.findMany({
      where: { programId: 'offer', kind: 'enter', variant: { not: null } },
    });
    expect(entries).toHaveLength(250);
    for (const e of entries) expect(e.variant).toBe(variantOf.get(e.customerId));
    for (const e of entries) expect(e.version).toBe(e.variant === 'v2' ? 2 : 1);

    const counts = ['holdout', 'v1', 'v2'].map((v) => assignments.filter((a) => a.variant === v).length);
    // Critical value for 2 degrees of freedom at p = 0.001.
    expect(chiSquare(counts, [0.1, 0.45, 0.45])).toBeLessThan(13.82);

    // v1's in-flight customers move on now, and finish on v1 with v1's email.
    const earlyIds = await customerIds(db, early);
    await postEvents(
      api,
      early.map((n) => ({ type: 'continue', customer: customerOf(n) })),
    );
    await finished(db, [...earlyIds.values()], 'v1 customers to finish');
    const earlySteps = await db.journeyStep.findMany({ where: { customerId: { in: [...earlyIds.values()] } } });
    expect(new Set(earlySteps.map((s) => s.version))).toEqual(new Set([1]));
    const earlyMail = world.sink.store.list({}).filter((m) => m.to.some((to) => to.startsWith('early')));
    expect(earlyMail).toHaveLength(200);
    expect(new Set(earlyMail.map((m) => m.subject))).toEqual(new Set(['Offer A']));

    // Holdout customers run v1 silently: their send is recorded as skipped, and nothing reaches the sink.
    const lateIds = await customerIds(db, late);
    const holdout = late.filter((n) => variantOf.get(lateIds.get(n)!) === 'holdout');
    await postEvents(
      api,
      holdout.map((n) => ({ type: 'continue', customer: customerOf(n) })),
    );
    const holdoutIds = holdout.map((n) => lateIds.get(n)!);
    await finished(db, holdoutIds, 'holdout customers to finish');
    const holdoutMessages = await db.message.findMany({ where: { customerId: { in: holdoutIds } } });
    expect(new Set(holdoutMessages.map((m) => m.customerId)).size).toBe(holdout.length);
    for (const m of holdoutMessages) expect(m).toMatchObject({ status: 'skipped', reason: 'holdout' });
    expect(
      world.sink.store.list({}).filter((m) => holdout.some((n) => m.to.includes(`${n}@example.com`))),
    ).toHaveLength(0);

    // v2's customers buy; v1's and the holdout's do not. The rule (40 per variant, P ≥ 0.95) promotes v2.
    const v2 = late.filter((n) => variantOf.get(lateIds.get(n)!) === 'v2');
    await postEvents(
      api,
      v2.map((n) => ({ type: 'purchase', customer: customerOf(n) })),
    );
    const promoted = await eventually(
      async () => {
        const res = await api.request('GET', `/v1/experiments/${experimentId}`);
        return res.body.status === 'promoted' ? res.body : undefined;
      },
      90_000,
      'the winner to be promoted',
    );
    expect(promoted.winner).toBe('v2');
    expect((await api.request('GET', '/v1/programs/offer')).body.liveVersion).toBe(2);

    // The rule may fire before the last purchases are recorded; the results catch up.
    const results = await eventually(
      async () => {
        const body = (await api.request('GET', `/v1/experiments/${experimentId}/results`)).body;
        return body.variants.v2.converted === v2.length ? body : undefined;
      },
      60_000,
      'every purchase to count',
    );
    expect(results.variants.v2).toMatchObject({ entered: v2.length, converted: v2.length, conversionRate: 1 });
    expect(results.variants.v2.probabilityToBeatHoldout).toBeGreaterThan(0.95);
    expect(results.variants.v2.pValue).toBeLessThan(0.001);
    expect(results.variants.v1).toMatchObject({ converted: 0, conversionRate: 0 });
    expect(results.holdout).toMatchObject({ entered: holdout.length, converted: 0 });
    // The day-by-day timeline the console charts adds up to the totals, series by series.
    const summed: Record<string, { entered: number; converted: number }> = {};
    for (const t of results.timeline as { series: string; entered: number; converted: number }[]) {
      const sum = (summed[t.series] ??= { entered: 0, converted: 0 });
      sum.entered += t.entered;
      sum.converted += t.converted;
    }
    expect(summed).toEqual({
      holdout: { entered: holdout.length, converted: 0 },
      v1: { entered: results.variants.v1.entered, converted: 0 },
      v2: { entered: v2.length, converted: v2.length },
    });

    const audit = (await api.request('GET', '/v1/audit?resource=program:offer')).body.entries;
    expect(audit[0]).toMatchObject({
      actor: `experiment:${experimentId}`,
      action: 'experiment.promote',
      after: { liveVersion: 2, winner: 'v2' },
    });
    expect(audit.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['experiment.start', 'program.publish', 'program.launch', 'program.create']),
    );
  },
  360_000,
); // about 900 events through the API: a minute alone, several on a loaded 2-core machine
