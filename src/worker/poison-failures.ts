// Failures that no retry can mend, turned into non-retryable ApplicationFailures in one place, so
// an activity fed bad data fails once and its enrollment ends with an error step instead of the
// activity retrying forever. Everything else (a database or provider outage) is retried.
import { ApplicationFailure } from '@temporalio/common';
import type { Next } from '@temporalio/common/lib/interceptors';
import type {
  ActivityExecuteInput,
  ActivityInboundCallsInterceptor,
  ActivityInterceptorsFactory,
} from '@temporalio/worker';
import { LiquidError } from 'liquidjs';
import { ZodError } from 'zod';
import { StoredJsonError } from '../db/stored-json';
import { ExecutionFormError } from '../programs/execution-form';

/** Why `err` will fail the same way on every attempt, or null when a retry may succeed. */
export function poisonReason(err: unknown): string | null {
  if (err instanceof ZodError || err instanceof ExecutionFormError || err instanceof StoredJsonError)
    return 'invalid data';
  if (err instanceof LiquidError) return 'template error';
  // Prisma's "record to read or update not found" (findUniqueOrThrow, update of a missing row).
  if (err instanceof Error && (err as { code?: unknown }).code === 'P2025') return 'not found';
  return null;
}

class PoisonFailures implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      return await next(input);
    } catch (err) {
      const reason = poisonReason(err);
      if (reason === null) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw ApplicationFailure.nonRetryable(`${reason}: ${message.slice(0, 500)}`, reason, undefined);
    }
  }
}

export const poisonFailures: ActivityInterceptorsFactory = () => ({ inbound: new PoisonFailures() });
