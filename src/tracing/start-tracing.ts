// Starts OpenTelemetry tracing in a process when it is configured (src/config/tracing-config.ts),
// and nothing at all when it is not: the SDK is loaded only then. An entry point calls this before
// it loads the rest of the process, because the HTTP and Express instrumentations patch those
// modules as they are required (src/api-main.ts, src/worker-main.ts).
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TracingSettings } from '../config/tracing-config';

/** A process's running tracing: what the Temporal interceptors and the workflow span sink need. */
export interface Tracing {
  resource: Resource;
  /** Spans end here to be batched to the collector; the workflows' spans too (their sink). */
  processor: SpanProcessor;
  /** Stops the instrumentations and flushes the spans not yet sent. */
  shutdown(): Promise<void>;
}

export async function startTracing(settings: TracingSettings | undefined): Promise<Tracing | undefined> {
  if (!settings) return undefined;
  const { startTracerProvider } = await import('./tracer-provider');
  return startTracerProvider(settings);
}
