// Program durations ("90s", "30m", "2d", "1 week") in milliseconds. The same parser Temporal uses
// for its own durations (`ms`), so what the schema accepts is what the engine waits.
import ms, { type StringValue } from 'ms';

/** NaN when `text` is no duration. */
export function durationMs(text: string): number {
  try {
    return ms(text as StringValue);
  } catch {
    return Number.NaN;
  }
}
