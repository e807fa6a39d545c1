// `kairos programs apply` against the real API over HTTP: the first run creates, publishes and
// launches; the second changes nothing (no version, no audit entry); an edited file publishes v2.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/kairos';
import { seedTemplates } from '../helpers/seed';
import { startWorld, TEST_ADMIN_KEY, type World } from '../helpers/world';
import { listen, type ApiServer } from '../integration/http';
import { captureIo } from './cli-io';

let world: World;
let api: ApiServer;
const file = join(mkdtempSync(join(tmpdir(), 'kairos-apply-')), 'welcome.json');

beforeAll(async () => {
  world = await startWorld('time-skipping');
  api = await listen(world.api.app);
  await seedTemplates(world.database.db, ['welcome', 'welcome-2']);
});
afterAll(async () => {
  await api?.close();
  await world?.stop();
});

const definition = (template: string) => ({
  name: 'Welcome',
  entry: { event: 'signup' },
  start: 'hello',
  steps: { hello: { kind: 'send', channel: 'email', template, next: 'done' }, done: { kind: 'exit' } },
});

async function apply(): Promise<{ code: number; output: string }> {
  const io = captureIo();
  const code = await run(['programs', 'apply', '-f', file, '--launch'], io, {
    env: { KAIROS_API_URL: api.url, KAIROS_API_KEY: TEST_ADMIN_KEY },
  });
  return { code, output: io.text() };
}

const auditCount = () => world.database.db.auditEntry.count({ where: { resource: 'program:welcome' } });

test('applying the same file twice changes nothing the second time', async () => {
  writeFileSync(file, JSON.stringify({ id: 'welcome', definition: definition('welcome') }));
  const first = await apply();
  expect(first).toEqual({
    code: 0,
    output: 'welcome: created\nwelcome: published version 1\nwelcome: launched version 1\nwelcome: applied\n',
  });
  const audited = await auditCount();
  expect(audited).toBe(3);

  const second = await apply();
  expect(second).toEqual({
    code: 0,
    output:
      'welcome: draft unchanged\nwelcome: version 1 unchanged\nwelcome: version 1 already live\nwelcome: no changes\n',
  });
  expect(await auditCount()).toBe(audited);
  expect(await world.database.db.programVersion.count({ where: { programId: 'welcome' } })).toBe(1);

  writeFileSync(file, JSON.stringify({ id: 'welcome', definition: definition('welcome-2') }));
  expect((await apply()).output).toBe(
    'welcome: draft saved\nwelcome: published version 2\nwelcome: launched version 2\nwelcome: applied\n',
  );
  expect((await api.request('GET', '/v1/programs/welcome')).body).toMatchObject({ status: 'live', liveVersion: 2 });
});

test('an invalid definition fails with each path and reason, and publishes nothing', async () => {
  writeFileSync(
    file,
    JSON.stringify({ id: 'broken', definition: { ...definition('no-such-template'), start: 'nowhere' } }),
  );
  const { code, output } = await apply();
  expect(code).toBe(1);
  expect(output).toContain('POST /v1/programs/broken/versions: 422 Invalid program definition');
  expect(output).toMatch(/\$\.start: .*nowhere/);
  expect(output).toMatch(/\$\.steps\.hello\.template: unknown template "no-such-template"/);
  expect(await world.database.db.programVersion.count({ where: { programId: 'broken' } })).toBe(0);
});
