// `npm start` checks its ports before it starts anything: a second start names the taken port and
// says Kairos may already be running, instead of a bare "address already in use".
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { loadDevConfig } from '../../src/dev/dev-config';
import { devPorts, ensurePortsFree } from '../../src/dev/ports';

let taken: Server;
let takenPort: number;
beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  takenPort = (taken.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => taken.close(resolve)));

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test('free ports pass, and stay free', async () => {
  const port = await freePort();
  await expect(
    ensurePortsFree([{ host: '127.0.0.1', port, what: 'the Kairos API', variable: 'KAIROS_API_PORT' }]),
  ).resolves.toBeUndefined();
  await expect(
    ensurePortsFree([{ host: '127.0.0.1', port, what: 'the Kairos API', variable: 'KAIROS_API_PORT' }]),
  ).resolves.toBeUndefined();
});

test(
  'a taken port is named, with what wanted it, ' + 'the variable that moves it, and that Kairos may already be running',
  async () => {
    const free = await freePort();
    const error = await ensurePortsFree([
      { host: '127.0.0.1', port: free, what: 'the local SendGrid sink', variable: 'KAIROS_SINK_PORT' },
      { host: '127.0.0.1', port: takenPort, what: 'the Kairos API', variable: 'KAIROS_API_PORT' },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      `Port ${takenPort} on 127.0.0.1 (the Kairos API) is already in use: ` +
        `Kairos may already be running (another npm start?). ` +
        'Stop it, or set KAIROS_API_PORT to a free port.',
    );
  },
);

test("npm start's ports: API and sink, and Temporal's two unless TEMPORAL_ADDRESS names a server", () => {
  const found = { DATABASE_URL: 'postgresql://unused', KAIROS_SIGNING_SECRET: 'a-secret-of-32-characters-or-more' };
  expect(devPorts(loadDevConfig(found, {})).map((p) => `${p.port} ${p.variable}`)).toEqual([
    '3000 KAIROS_API_PORT',
    '3030 KAIROS_SINK_PORT',
    '7233 TEMPORAL_ADDRESS',
    '8233 KAIROS_TEMPORAL_UI_PORT',
  ]);
  expect(devPorts(loadDevConfig(found, { TEMPORAL_ADDRESS: 'temporal:7233' })).map((p) => p.port)).toEqual([
    3000, 3030,
  ]);
});
