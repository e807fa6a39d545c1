// The bench's markdown table: each measure, its result, the issue's target, met or missed.
import type { CpuCores } from './lib/stats';
import { printFloor, type FloorResult } from './measures/floor';
import type { IngestionResult } from './measures/ingestion';
import type { LatencyResult } from './measures/latency';
import type { MemoryResult } from './measures/memory';
import type { OverheadResult } from './measures/overhead';
import type { ReplayResult } from './measures/replay';
import type { SustainedResult } from './measures/sustained';

export interface BenchResult {
  at: string;
  server: string;
  worker: string;
  ingestion?: IngestionResult;
  latencyTrickle?: LatencyResult;
  latency10?: LatencyResult;
  sustained?: SustainedResult;
  latencyHalf?: LatencyResult;
  replay?: ReplayResult;
  overhead?: OverheadResult;
  memory?: MemoryResult;
  /** The same for the hand-written minimal workflow: what the SDK costs per cached workflow. */
  memoryFloor?: MemoryResult;
  /** Kairos beside a hand-written minimal workflow doing the same job (issue 14, Outcome 8). */
  floor?: FloorResult;
  totalSeconds?: number;
  machine?: { cpus: number; loadAverage: number[]; node: string };
}

const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
const cores = (c: CpuCores) => `node ${c.node}, temporal ${c.temporalServer}`;
const lat = (l: LatencyResult) =>
  `${l.p50} / ${l.p95} / ${l.p99} ms (${l.received}/${l.events} arrived; load ${l.load}; cores ${cores(l.cpuCores)})`;

export function printTable(r: BenchResult): void {
  const rows: string[][] = [];
  const i = r.ingestion;
  if (i) {
    rows.push([
      'Ingestion: POST /v1/events/batch',
      `${i.api.eventsPerSecond} events/s (${i.api.delivered}/${i.events} delivered; ` +
        `load ${i.api.load}; cores ${cores(i.api.cpuCores)})`,
      '',
      '',
    ]);
    rows.push([
      'Ingestion: bare signalWithStart',
      `${i.bareSignalWithStart.eventsPerSecond} events/s (load ${i.bareSignalWithStart.load}; ` +
        `cores ${cores(i.bareSignalWithStart.cpuCores)})`,
      '',
      '',
    ]);
    rows.push(['Ingestion ratio (API / bare)', `${i.ratio}`, '≥ 0.8', verdict(i.ratio >= 0.8)]);
  }
  if (r.latencyTrickle)
    rows.push([`E2E latency at ${r.latencyTrickle.ratePerSecond}/s p50 / p95 / p99`, lat(r.latencyTrickle), '', '']);
  if (r.latency10)
    rows.push([
      'E2E latency at 10/s p50 / p95 / p99',
      lat(r.latency10),
      'p99 ≤ 100 ms',
      verdict(r.latency10.p99 <= 100 && r.latency10.received === r.latency10.events),
    ]);
  if (r.sustained) {
    const s = r.sustained;
    rows.push([
      'Sustained E2E (2 min, no backlog growth)',
      `${s.eventsPerSecond} events/s ` +
        `(probes ${s.probes.map((p) => `${p.rate}/s ${p.held ? '✓' : '✗'}`).join(', ')}; ` +
        `load ${s.load}; cores ${cores(s.cpuCores)})`,
      '≥ 100/s',
      verdict(s.eventsPerSecond >= 100),
    ]);
  }
  if (r.latencyHalf)
    rows.push([`E2E latency at half max (${r.latencyHalf.ratePerSecond}/s)`, lat(r.latencyHalf), '', '']);
  if (r.memory)
    for (const l of r.memory.levels)
      rows.push([
        `Worker RSS per cached workflow, ${l.cached} cached`,
        `${l.kbPerWorkflow} kB (RSS ${l.rssMb} MB; load ${l.load})`,
        '≤ 200 kB',
        verdict(l.kbPerWorkflow <= 200),
      ]);
  if (r.memoryFloor)
    for (const l of r.memoryFloor.levels)
      rows.push([
        `  the same, minimal hand-written workflow, ${l.cached} cached`,
        `${l.kbPerWorkflow} kB (RSS ${l.rssMb} MB; load ${l.load})`,
        '',
        '',
      ]);
  if (r.replay) {
    const p = r.replay;
    rows.push([
      'Replay (customers with 200 events)',
      `${p.historiesPerSecond} histories/s; ${p.steadyHistoriesPerSecond}/s without start-up ` +
        `(${p.histories} histories of ${Math.min(...p.historyEvents)}–${Math.max(...p.historyEvents)} events, ` +
        `${p.cpuMsPerHistory} ms CPU each, ${p.failures} failures; load ${p.load})`,
      '≥ 10/s',
      verdict(p.historiesPerSecond >= 10),
    ]);
  }
  if (r.overhead) {
    const o = r.overhead;
    rows.push([
      'Interpreter overhead (workflow-task CPU)',
      `${o.ratio}× (${o.interpreter.cpuMsPerHistory} vs ${o.minimal.cpuMsPerHistory} ` +
        `ms per ${o.eventsPerCustomer}-event customer; ` +
        `histories of ${o.interpreter.historyEvents} vs ${o.minimal.historyEvents} events; load ${o.load})`,
      '≤ 1.3×',
      verdict(o.ratio <= 1.3),
    ]);
  }
  console.log(
    `\n${r.machine?.cpus} CPUs, load at the end ${r.machine?.loadAverage.join(' ')}, ${r.totalSeconds} s in all\n`,
  );
  console.log('| Measure | Result | Target | |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  printFloor(r);
}
