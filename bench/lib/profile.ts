// Reading V8 CPU profiles (.cpuprofile, from the inspector or node --cpu-prof): self time by
// function and by file, the "top frames" the bench's notes quote.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function and per file, as shares of the busy (non-idle) samples. */
export function printTop(profile: Profile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const dt = profile.timeDeltas[i] ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') return; // waiting is not cost: shares are of busy time
    total += dt;
    const where = url.replace(/^.*node_modules\//, '').replace(/^.*\/work\/main\//, '') || '(native)';
    fn.set(
      `${functionName || '(anonymous)'}  ${where}:${lineNumber + 1}`,
      (fn.get(`${functionName || '(anonymous)'}  ${where}:${lineNumber + 1}`) ?? 0) + dt,
    );
    file.set(where, (file.get(where) ?? 0) + dt);
  });
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`)
      .join('\n');
  console.log(`Top functions by self time:\n${top(fn, 25)}\n\nTop files by self time:\n${top(file, 15)}`);
}

/** `npx tsx bench/lib/profile.ts <file.cpuprofile>…`: the top frames of profiles written by node --cpu-prof. */
if (require.main === module)
  for (const file of process.argv.slice(2)) {
    console.log(`\n${file}`);
    printTop(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  }
