// Injected provider faults for tests: failing statuses and slow responses on /v3/mail/send.
import { z } from 'zod';

export const faultSpec = z
  .object({
    /** Status the faulted sends answer with, e.g. 500, 503, or 429 (sent with Retry-After). */
    status: z.number().int().min(400).max(599).optional(),
    /** Fault only the next `count` sends. */
    count: z.number().int().min(1).optional(),
    /** Fault every send for this long. With neither count nor durationMs the fault lasts until cleared. */
    durationMs: z.number().int().min(1).optional(),
    /** Hold each affected send this long before answering (faulted or not). */
    delayMs: z.number().int().min(0).max(120_000).optional(),
    /** Fault only sends whose subject contains this (e.g. one program version's template). */
    subjectContains: z.string().min(1).optional(),
  })
  .strict()
  .refine((f) => f.status !== undefined || f.delayMs !== undefined, {
    message: 'Give status, delayMs or both.',
    path: ['status'],
  });

type FaultSpec = z.infer<typeof faultSpec>;

/** What to do with one send. */
interface FaultDecision {
  status?: number;
  delayMs: number;
  retryAfterSeconds?: number;
}

export interface SinkFaults {
  set(spec: FaultSpec): void;
  clear(): void;
  current(): FaultSpec | null;
  /** Consumes one use of the active fault, if any applies to a send with this subject. */
  take(subject?: string): FaultDecision;
}

export function createSinkFaults(now: () => number = Date.now): SinkFaults {
  let active: { spec: FaultSpec; remaining?: number; until?: number } | null = null;

  const expired = (): boolean =>
    active !== null &&
    ((active.remaining !== undefined && active.remaining <= 0) ||
      (active.until !== undefined && now() >= active.until));

  return {
    set(spec) {
      active = {
        spec,
        remaining: spec.count,
        until: spec.durationMs === undefined ? undefined : now() + spec.durationMs,
      };
    },
    clear() {
      active = null;
    },
    current() {
      if (expired()) active = null;
      return active?.spec ?? null;
    },
    take(subject) {
      if (expired()) active = null;
      if (!active) return { delayMs: 0 };
      const only = active.spec.subjectContains;
      if (only !== undefined && !(subject ?? '').includes(only)) return { delayMs: 0 };
      if (active.remaining !== undefined) active.remaining -= 1;
      const { status, delayMs = 0 } = active.spec;
      const retryAfterSeconds =
        status === 429 ? Math.max(1, Math.ceil(((active.until ?? now()) - now()) / 1000)) : undefined;
      return { status, delayMs, retryAfterSeconds };
    },
  };
}
