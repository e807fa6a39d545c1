// What went wrong, in one line, for an error step record and the trace.
import { ActivityFailure } from '@temporalio/workflow';

export function failureReason(err: unknown): string {
  // An activity's own message sits in its cause; the ActivityFailure only says which one failed.
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.slice(0, 500);
}
