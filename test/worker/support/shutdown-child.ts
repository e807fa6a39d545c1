// A process whose cleanup takes a while, as a worker's drain does: it says when it is ready, and
// prints `cleaned` when its cleanup has run to the end.
import pino from 'pino';
import { onShutdown } from '../../../src/shutdown';

onShutdown(pino({ level: 'silent' }), async () => {
  await new Promise((r) => setTimeout(r, 1_000));
  process.stdout.write('cleaned\n');
});
process.stdout.write('ready\n');
setInterval(() => undefined, 60_000); // alive until a signal
