// An independent answer to "when does the customer's clock next show this weekday and time",
// for checking src/core/time.ts. It shares no code with it: it walks real instants on a
// 15-minute grid (every zone offset and DST change since 1970 is a multiple of 15 minutes) and
// reads each one's wall clock with Intl, applying the documented rule literally:
// - the first instant still ahead whose wall clock shows the time on an allowed day;
// - a time skipped by a gap counts at (wall time - the offset in force before the gap).
const GRID = 15 * 60_000;
const DAY = 86_400_000;
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export interface CalendarRule {
  days?: readonly (typeof WEEKDAYS)[number][];
  at: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const walls = new Map<string, Map<number, number>>();

/** The wall clock of an instant in a zone, as if it were UTC milliseconds. */
export function wallClock(ms: number, zone: string): number {
  let cache = walls.get(zone);
  if (!cache) walls.set(zone, (cache = new Map()));
  let wall = cache.get(ms);
  if (wall === undefined) {
    let f = formats.get(zone);
    if (!f) {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
      formats.set(zone, f);
    }
    const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
    wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) + (ms % 1000);
    cache.set(ms, wall);
  }
  return wall;
}

export function expectedNextTime(nowMs: number, rule: CalendarRule, zone: string): number {
  const [h, m] = rule.at.split(':').map(Number) as [number, number];
  const target = (h * 60 + m) * 60_000;
  const allowed = (wallDay: number) => !rule.days || rule.days.includes(WEEKDAYS[new Date(wallDay * DAY).getUTCDay()]!);
  // Start a day early: a gap just behind `now` can still put a shifted time ahead of it.
  const start = Math.floor(nowMs / GRID) * GRID - DAY;
  let best = Infinity;
  for (let t = start + GRID; t < nowMs + 10 * DAY && t <= best; t += GRID) {
    const wall = wallClock(t, zone);
    const before = wallClock(t - GRID, zone);
    if (t > nowMs && wall % DAY === target && allowed(Math.floor(wall / DAY))) best = Math.min(best, t);
    if (wall - before > GRID) {
      // Wall times strictly between `before` and `wall` never show; shift any such target.
      for (let day = Math.floor(before / DAY); day <= Math.floor(wall / DAY); day++) {
        const skipped = day * DAY + target;
        if (skipped > before && skipped < wall && allowed(day)) {
          const shifted = skipped - (before - (t - GRID));
          if (shifted > nowMs) best = Math.min(best, shifted);
        }
      }
    }
  }
  return best;
}

/** The instants at which `zone`'s offset changes between `fromMs` and `toMs`, to the minute. */
export function offsetChanges(zone: string, fromMs: number, toMs: number): number[] {
  const offset = (ms: number) => wallClock(ms, zone) - ms;
  const changes: number[] = [];
  for (let t = fromMs; t < toMs; t += 3_600_000) {
    if (offset(t) === offset(t + 3_600_000)) continue;
    let lo = t;
    let hi = t + 3_600_000;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (offset(mid) === offset(lo)) lo = mid;
      else hi = mid;
    }
    changes.push(hi);
  }
  return changes;
}
