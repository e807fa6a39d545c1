// The whole customer base's figures, which every persona shows beside its segment's. They read
// every customer, order line and recent message (seconds on a base of 1M customers), and no
// segment changes them, so a process computes them at most once per `maxAgeMs` and shares them.
import type { Clock } from '../clock';
import type { Db } from '../db/prisma';
import { allCategories, allMessagesSent, type CategoryRow } from './activity-sql';
import { baseProfile, type Population } from './population-sql';

export const ENGAGEMENT_DAYS = 30;

export interface BaseFigures extends Population {
  categories: CategoryRow[];
  messagesSent: number;
  /** When they were read. */
  at: Date;
}

async function readBase(db: Db, at: Date): Promise<BaseFigures> {
  const since = new Date(at.getTime() - ENGAGEMENT_DAYS * 86_400_000);
  const [population, categories, messagesSent] = await Promise.all([
    baseProfile(db),
    allCategories(db),
    allMessagesSent(db, since),
  ]);
  return { ...population, categories, messagesSent, at };
}

/** The base's figures, read again once older than `maxAgeMs` (0: on every call); concurrent callers share one read. */
export function baseFigures(db: Db, clock: Clock, maxAgeMs: number): () => Promise<BaseFigures> {
  let current: { at: number; figures: Promise<BaseFigures> } | undefined;
  return () => {
    const now = clock.now();
    if (!current || now.getTime() - current.at >= maxAgeMs) {
      const figures = readBase(db, now);
      current = { at: now.getTime(), figures };
      // A failed read is not kept: the next caller tries again.
      figures.catch(() => {
        if (current?.figures === figures) current = undefined;
      });
    }
    return current.figures;
  };
}
