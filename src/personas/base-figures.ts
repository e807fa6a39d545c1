// The whole customer base's figures, which every persona shows beside its segment's. They read
// every customer, order line, recent message and open spell (seconds on a base of 1M customers),
// and no one segment changes them, so a process reads them once and then again in the background once they
// are older than `maxAgeMs`, answering with the figures it has meanwhile: only its first persona
// waits for them.
import type { Clock } from '../clock';
import type { Db } from '../db/prisma';
import { allCategories, allMessagesSent, type CategoryRow } from './activity-sql';
import { segmentSizes, type SizeRow } from './overlap-sql';
import { baseProfile, type Population } from './population-sql';

export const ENGAGEMENT_DAYS = 30;

export interface BaseFigures extends Population {
  categories: CategoryRow[];
  messagesSent: number;
  /** Every segment's current members. */
  segmentSizes: SizeRow[];
  /** When they were read. */
  at: Date;
}

async function readBase(db: Db, at: Date): Promise<BaseFigures> {
  const since = new Date(at.getTime() - ENGAGEMENT_DAYS * 86_400_000);
  const [population, categories, messagesSent, sizes] = await Promise.all([
    baseProfile(db),
    allCategories(db),
    allMessagesSent(db, since),
    segmentSizes(db),
  ]);
  return { ...population, categories, messagesSent, segmentSizes: sizes, at };
}

/**
 * The base's figures: the last read, started again once older than `maxAgeMs` (0: every call waits
 * for a fresh read). Concurrent callers share one read; a failed read is not kept.
 */
export function baseFigures(db: Db, clock: Clock, maxAgeMs: number): () => Promise<BaseFigures> {
  let last: BaseFigures | undefined;
  let reading: Promise<BaseFigures> | undefined;
  const read = (now: Date) => {
    reading ??= readBase(db, now)
      .then((figures) => (last = figures))
      .finally(() => (reading = undefined));
    return reading;
  };
  return () => {
    const now = clock.now();
    if (!last || maxAgeMs === 0) return read(now);
    if (now.getTime() - last.at.getTime() >= maxAgeMs) void read(now).catch(() => undefined);
    return Promise.resolve(last);
  };
}
