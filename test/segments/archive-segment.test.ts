// Archiving a segment on a real PostgreSQL, without programs: every open spell is closed with one
// segment_left event (the id of src/segments/transitions-sql.ts), archiving again writes nothing,
// an evaluation that still holds the archived segment enters no one, and a spell opened while the
// archive committed is closed by the scheduled recompute, once.
import pino from 'pino';
import { sqlRows } from '../../src/db/prisma';
import { segmentDefinitionSchema } from '../../src/contracts/program-language/segment-schema';
import { compileSegment } from '../../src/segments/compile-segment';
import { refreshSegments } from '../../src/segments/refresh-segments';
import { createSegmentService, type SegmentService } from '../../src/segments/segment-service';
import { transitionsSql } from '../../src/segments/transitions-sql';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

const logger = pino({ level: 'silent' });
const ACTOR = 'test-admin';
const vipOnly = { name: 'VIPs', condition: { field: 'profile.tags', op: 'contains', value: 'vip' } };

let database: TestDatabase;
let segments: SegmentService;
beforeAll(async () => {
  database = await createTestDatabase();
  segments = createSegmentService(database.db);
});
afterAll(() => database.drop());

const sql = <T>(text: string, params: unknown[] = []) => sqlRows<T>(database.db, text, params);

async function customers(ids: string[], tags: string[]): Promise<void> {
  for (const id of ids) await sql(`INSERT INTO customers (id, tags, updated_at) VALUES ($1, $2, now())`, [id, tags]);
}

const openSpells = async (segment: string) =>
  (
    await sql<{ customer_id: string }>(
      `SELECT customer_id FROM segment_memberships WHERE segment_id = $1 AND left_at IS NULL ORDER BY customer_id`,
      [segment],
    )
  ).map((r) => r.customer_id);

const leftEvents = (segment: string) =>
  sql<{ id: string; customer_id: string; properties: object; delivered_at: Date | null; unreferenced: boolean }>(
    `SELECT id, customer_id, properties, delivered_at, unreferenced FROM events
      WHERE type = 'segment_left' AND properties->>'segment' = $1 ORDER BY id`,
    [segment],
  );

/** Evaluates the segment's published definition for every customer, as the recompute does. */
async function evaluate(segment: string, version: number): Promise<void> {
  const now = new Date();
  const compiled = compileSegment(segmentDefinitionSchema.parse(vipOnly), now);
  await sql(
    transitionsSql([{ id: segment, version, compiled }], {
      now,
      nextAttemptAt: now,
      unreferenced: { entered: true, left: true },
    }),
  );
}

test('archiving closes every open spell with one segment_left each; archiving again writes nothing', async () => {
  await customers(['ada', 'bo', 'cy'], ['vip']);
  await customers(['dee'], []);
  await segments.create('vips', vipOnly, ACTOR);
  const { version } = await segments.publish('vips', ACTOR);
  await evaluate('vips', version);
  expect(await openSpells('vips')).toEqual(['ada', 'bo', 'cy']);
  // bo left and came back: the archive closes the open spell 2, and spell 1 keeps its own event.
  await sql(`UPDATE customers SET tags = '{}' WHERE id = 'bo'`);
  await evaluate('vips', version);
  await sql(`UPDATE customers SET tags = '{vip}' WHERE id = 'bo'`);
  await evaluate('vips', version);

  const archived = await segments.archive('vips', ACTOR);
  expect(archived).toMatchObject({ archivedAt: expect.any(Date), members: 0 });
  expect(await openSpells('vips')).toEqual([]);
  const spells = await sql<{ customer_id: string; spell: number; left_at: Date | null }>(
    `SELECT customer_id, spell, left_at FROM segment_memberships WHERE segment_id = 'vips' ORDER BY 1, 2`,
  );
  expect(spells.every((s) => s.left_at !== null)).toBe(true);
  const events = await leftEvents('vips');
  expect(events.map((e) => e.id)).toEqual([
    'segment:vips:ada:1:left',
    'segment:vips:bo:1:left',
    'segment:vips:bo:2:left',
    'segment:vips:cy:1:left',
  ]);
  // No program references segment_left in this database: stored delivered and unreferenced, as
  // transitionsSql stores them, so the relay has nothing to go through.
  expect(events).toContainEqual(
    expect.objectContaining({
      id: 'segment:vips:ada:1:left',
      properties: { segment: 'vips', version },
      delivered_at: expect.any(Date),
      unreferenced: true,
    }),
  );
  const audits = await database.db.auditEntry.findMany({
    where: { resource: 'segment:vips', action: 'segment.archive' },
  });
  expect(audits.map((a) => a.after)).toEqual([{ left: 3 }]);

  await segments.archive('vips', ACTOR);
  expect(await leftEvents('vips')).toHaveLength(4);
  expect(await database.db.auditEntry.count({ where: { resource: 'segment:vips', action: 'segment.archive' } })).toBe(
    1,
  );

  // An evaluation that still holds the archived segment (another process's index) enters no one.
  await evaluate('vips', version);
  expect(await openSpells('vips')).toEqual([]);
});

test('a spell opened while the archive committed is closed by the scheduled recompute, once', async () => {
  await customers(['eve'], ['vip']);
  await segments.create('late', vipOnly, ACTOR);
  const { version } = await segments.publish('late', ACTOR);
  await segments.archive('late', ACTOR);
  // What an evaluation that began before the archive committed leaves behind.
  await sql(
    `INSERT INTO segment_memberships (segment_id, customer_id, spell, version, entered_at)
     VALUES ('late', 'eve', 1, $1, now())`,
    [version],
  );

  const first = await refreshSegments(database.db, logger);
  expect(first.segments).toContainEqual(expect.objectContaining({ id: 'late', entered: 0, left: 1 }));
  expect(await openSpells('late')).toEqual([]);
  expect((await leftEvents('late')).map((e) => e.id)).toEqual(['segment:late:eve:1:left']);

  const again = await refreshSegments(database.db, logger);
  expect(again.segments.filter((s) => s.id === 'late')).toEqual([]);
  expect(await leftEvents('late')).toHaveLength(1);
});

test('archiving a segment never published archives it, with no spell to close', async () => {
  await segments.create('draft-only', vipOnly, ACTOR);
  expect(await segments.archive('draft-only', ACTOR)).toMatchObject({ archivedAt: expect.any(Date), members: 0 });
});
