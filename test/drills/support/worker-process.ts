// Starts the worker of worker-child.ts as a child process and controls it: kill -9, restart,
// read its RSS. The child loads the prebuilt workflow bundle, so a restart takes seconds.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface WorkerSettings {
  temporalAddress: string;
  databaseUrl: string;
  sinkUrl: string;
  /** The workflow bundle file; default: the one jest's global setup built. */
  bundlePath?: string;
  /**
   * The SDK sizes the workflow cache from the heap limit: (heap MiB - 200) × 600 / 1024 entries,
   * so 18,000 MiB gives about 10,400. The heap is only reserved, not allocated.
   */
  heapMiB?: number;
  /**
   * On SIGTERM, how long sends in flight may finish before they are cancelled
   * (KAIROS_WORKER_SHUTDOWN_GRACE_MS). Default 0, the tests' setting; a deploy drill gives the
   * production default.
   */
  shutdownGraceMs?: number;
}

/** How the process ended: `signal` SIGKILL after stop() means it did not drain in time. */
export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerProcess {
  readonly pid: number;
  /** SIGKILL: no shutdown, in-flight tasks and activities are simply gone. */
  kill9(): Promise<void>;
  /** Graceful stop (SIGTERM), waiting for the process to exit; SIGKILL after `killAfterMs` (default 10 s). */
  stop(options?: { killAfterMs?: number }): Promise<WorkerExit>;
  /** RSS in bytes after a full GC in the child. */
  rss(): Promise<number>;
}

const CHILD = join(__dirname, 'worker-child.ts');

export async function startWorkerProcess(settings: WorkerSettings): Promise<WorkerProcess> {
  const bundle = settings.bundlePath ?? process.env.KAIROS_TEST_WORKFLOW_BUNDLE;
  if (!bundle) throw new Error('no workflow bundle: run through jest (global setup) or pass bundlePath');
  const child: ChildProcess = fork(CHILD, [], {
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      ...(settings.heapMiB ? [`--max-old-space-size=${settings.heapMiB}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      DRILL_TEMPORAL_ADDRESS: settings.temporalAddress,
      DRILL_DATABASE_URL: settings.databaseUrl,
      DRILL_SINK_URL: settings.sinkUrl,
      KAIROS_TEST_WORKFLOW_BUNDLE: bundle,
      DRILL_SHUTDOWN_GRACE_MS: String(settings.shutdownGraceMs ?? 0),
    },
  });
  const exited = new Promise<WorkerExit>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  // Never leave a worker behind when the drill's process ends.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean }) => m.ready && resolve());
    void exited.then(() => reject(new Error(`drill worker exited with ${child.exitCode} before it was ready`)));
  });
  return {
    pid: child.pid!,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
      process.removeListener('exit', reap);
    },
    async stop({ killAfterMs = 10_000 } = {}) {
      child.kill('SIGTERM');
      // After a database outage the worker can take long to drain; a drill's tear-down need not wait.
      const late = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const exit = await exited;
      clearTimeout(late);
      process.removeListener('exit', reap);
      return exit;
    },
    rss: () =>
      new Promise<number>((resolve) => {
        const onMessage = (m: { rss?: number }) => {
          if (m.rss === undefined) return;
          child.off('message', onMessage);
          resolve(m.rss);
        };
        child.on('message', onMessage);
        child.send({ rss: true });
      }),
  };
}
