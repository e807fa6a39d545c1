// Which event types a program version makes a workflow act on (read at publish), and the API's
// index of them on a real database: the rule (every version of a program not archived; an
// archived one's waits and goals until its customers can no longer act on them), kept current
// by the publishing process and, through NOTIFY, by every other; and signalling everything
// whenever it may be behind.
import pino from 'pino';
import { Client } from 'pg';
import { createProgramService, type ProgramService } from '../../src/programs/program-service';
import { createReferencedIndex, type ReferencedIndex } from '../../src/programs/referenced-index';
import { ARCHIVED_LISTENING_MARGIN_MS, listenedTypes, listeningAfterStopMs } from '../../src/programs/referenced-types';
import { programDefinitionSchema } from '../../src/contracts/program-language/schema';
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { abandonedCart, postPurchaseCrossSell } from './fixtures';

const logger = pino({ level: 'silent' });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Enters on `entry`, waits for `wait` (timeout `timeout`), converts on `goal` within `window`. */
const program = (entry: string, wait: string, goal: string, timeout = '1h', window = '1d'): ProgramDefinitionInput => ({
  name: entry,
  entry: { event: entry },
  goal: { event: { type: goal }, window },
  start: 'hold',
  steps: {
    hold: { kind: 'waitForEvent', event: { type: wait }, timeout, next: { matched: 'done', timedOut: 'done' } },
    done: { kind: 'exit' },
  },
});

describe('read from the definition', () => {
  const parse = (d: ProgramDefinitionInput) => programDefinitionSchema.parse(d);

  test('listened types: every waitForEvent step and the goal, once each; the entry is stored apart', () => {
    expect(listenedTypes(parse(postPurchaseCrossSell))).toEqual(['site_visit']);
    expect(listenedTypes(parse(abandonedCart))).toEqual(['order_placed']);
    expect(listenedTypes(parse(program('a', 'b', 'b')))).toEqual(['b']);
  });

  test('how long after a stop its customers may act: the longest wait or goal window, plus the margin', () => {
    expect(listeningAfterStopMs(parse(program('a', 'b', 'c', '3d', '1d')))).toBe(
      3 * DAY + ARCHIVED_LISTENING_MARGIN_MS,
    );
    expect(listeningAfterStopMs(parse(program('a', 'b', 'c', '1h', '30d')))).toBe(
      30 * DAY + ARCHIVED_LISTENING_MARGIN_MS,
    );
    expect(listeningAfterStopMs(parse(postPurchaseCrossSell))).toBe(2 * DAY + ARCHIVED_LISTENING_MARGIN_MS);
  });
});

describe('the index', () => {
  let database: TestDatabase;
  let programs: ProgramService;
  let index: ReferencedIndex;
  let other: ReferencedIndex;

  beforeAll(async () => {
    database = await createTestDatabase();
    index = createReferencedIndex({ url: database.url, logger });
    programs = createProgramService(database.db, { changed: index.refresh });
    // Another API process on the same database: it hears of changes only through NOTIFY.
    other = createReferencedIndex({ url: database.url, logger });
  });
  afterAll(async () => {
    await index?.close();
    await other?.close();
    await database?.drop();
  });

  const create = async (id: string, definition: ProgramDefinitionInput) => {
    await programs.create(id, definition as Record<string, unknown>, 'test');
    return (await programs.publish(id, 'test')).version;
  };
  const referenced = (i: ReferencedIndex, types: string[]) => types.filter((t) => i.references(t));

  test('before it has loaded, and without a database, every type counts as referenced', async () => {
    const fresh = createReferencedIndex({ url: database.url, logger });
    expect(fresh.references('anything')).toBe(true);
    expect(fresh.enters('anything')).toBe(true);
    expect(await fresh.ready()).toBe(true);
    expect(fresh.references('anything')).toBe(false);
    expect(fresh.enters('anything')).toBe(false);
    await fresh.close();
    const none = createReferencedIndex({ url: undefined, logger });
    expect(await none.ready(200)).toBe(false);
    expect(none.references('anything')).toBe(true);
    await none.close();
  });

  test(
    'published versions reference their entry, ' + 'wait and goal types in every state but archived, launched or not',
    async () => {
      expect(await index.ready()).toBe(true);
      await create('drafted', program('d-entry', 'd-wait', 'd-goal'));
      // The publishing process knows before publish answers.
      expect(referenced(index, ['d-entry', 'd-wait', 'd-goal', 'page_view'])).toEqual(['d-entry', 'd-wait', 'd-goal']);
      // Only the entry type may start an enrollment: the others need no planning in the workflow.
      expect(['d-entry', 'd-wait', 'd-goal', 'page_view'].filter((t) => index.enters(t))).toEqual(['d-entry']);

      const v = await create('lifecycle', program('l-entry', 'l-wait', 'l-goal'));
      await programs.launch('lifecycle', v, 'test');
      // A second version's types join the first's: customers stay on the version they entered.
      await programs.updateDraft(
        'lifecycle',
        program('l-entry-2', 'l-wait-2', 'l-goal') as Record<string, unknown>,
        'test',
      );
      const v2 = (await programs.publish('lifecycle', 'test')).version;
      await programs.launch('lifecycle', v2, 'test');
      const all = ['l-entry', 'l-wait', 'l-goal', 'l-entry-2', 'l-wait-2'];
      expect(referenced(index, all)).toEqual(all);
      await programs.changeState('lifecycle', 'pause', 'test');
      expect(referenced(index, all)).toEqual(all);
      await programs.changeState('lifecycle', 'stop', 'test');
      expect(referenced(index, all)).toEqual(all);
    },
  );

  test(
    'archived: its entry types go at once, ' + 'its waits and goals when its customers can no longer act on them',
    async () => {
      await create('filed', program('f-entry', 'f-wait', 'f-goal', '2d', '5d'));
      await programs.launch('filed', 1, 'test');
      await programs.changeState('filed', 'stop', 'test');
      const before = Date.now();
      await programs.changeState('filed', 'archive', 'test');
      expect(referenced(index, ['f-entry', 'f-wait', 'f-goal'])).toEqual(['f-wait', 'f-goal']);
      expect(index.enters('f-entry')).toBe(false);
      const { listeningUntil } = await database.db.program.findUniqueOrThrow({ where: { id: 'filed' } });
      const expected = before + 5 * DAY + ARCHIVED_LISTENING_MARGIN_MS;
      expect(listeningUntil!.getTime()).toBeGreaterThanOrEqual(expected);
      expect(listeningUntil!.getTime()).toBeLessThan(expected + 60_000);

      // Once that time has passed they are gone too, and another program's use of a type keeps it.
      await create('sharing', program('s-entry', 'f-wait', 's-goal'));
      await database.db.program.update({
        where: { id: 'filed' },
        data: { listeningUntil: new Date(Date.now() - 1000) },
      });
      await index.refresh();
      expect(referenced(index, ['f-entry', 'f-wait', 'f-goal'])).toEqual(['f-wait']);
    },
  );

  test('another process hears of a change by NOTIFY, whoever made it', async () => {
    expect(await other.ready()).toBe(true);
    const v = await create('elsewhere', program('e-entry', 'e-wait', 'e-goal'));
    await programs.launch('elsewhere', v, 'test');
    // (Behind, an index says yes to every type: `nobody-uses-this` tells when it is current.)
    await waitFor(
      () => other.references('e-entry') && !other.references('nobody-uses-this'),
      'the other index to load the publish',
    );
    expect(referenced(other, ['e-entry', 'e-wait', 'e-goal', 'f-entry'])).toEqual(['e-entry', 'e-wait', 'e-goal']);
    // A change made outside the program service (a script, the worker's rollout activities).
    await database.db.program.update({
      where: { id: 'elsewhere' },
      data: { status: 'archived', listeningUntil: new Date(Date.now() - 1000) },
    });
    await waitFor(
      () => !index.references('e-entry') && !other.references('e-goal'),
      'both indexes to load the archive',
    );
  });

  test('while its connection is down it signals everything, and catches up when it is back', async () => {
    expect(index.references('nobody-uses-this')).toBe(false);
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity ` +
          `WHERE application_name = 'kairos-referenced-index' AND datname = current_database()`,
      );
      await waitFor(() => index.references('nobody-uses-this'), 'the index to notice');
      // A publish while it is away is in the index once it is back.
      await createProgramService(database.db).create(
        'while-away',
        program('w-entry', 'w-wait', 'w-goal') as Record<string, unknown>,
        'test',
      );
      await createProgramService(database.db).publish('while-away', 'test');
      await waitFor(() => !index.references('nobody-uses-this'), 'the index to reconnect', 15_000);
      expect(referenced(index, ['w-entry', 'w-wait', 'w-goal', 'nobody-uses-this'])).toEqual([
        'w-entry',
        'w-wait',
        'w-goal',
      ]);
    } finally {
      await admin.end();
    }
  });
});

async function waitFor(probe: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
