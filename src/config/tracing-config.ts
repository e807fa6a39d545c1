// OpenTelemetry traces, by the standard variables any OTel SDK reads: off unless an OTLP endpoint
// is set. The entry points read this before anything else is loaded (tracing must be running before
// http and express are required), so this module imports nothing but zod: env.ts pulls in the
// SendGrid client, and with it http.
import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

const tracingVars = z.object({
  /** The collector's base URL (e.g. http://otel-collector:4318); traces go to <it>/v1/traces. */
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  /** The full URL traces are posted to; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
});

export interface TracingSettings {
  /** Where the OTLP/HTTP (JSON) exporter posts spans. */
  tracesUrl: string;
  serviceName: string;
}

/** Unset endpoints: undefined, and nothing of OpenTelemetry is loaded or started. */
export function loadTracingConfig(
  defaultServiceName: string,
  env: NodeJS.ProcessEnv = process.env,
): TracingSettings | undefined {
  const parsed = tracingVars.safeParse(env);
  if (!parsed.success)
    // The same shape as parseEnv's (src/config/env.ts), which this module may not import.
    throw new Error(
      `Invalid environment:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  const e = parsed.data;
  // The OTLP spec: the signal-specific variable is used as is, the base one gets the signal's path.
  const tracesUrl =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (e.OTEL_EXPORTER_OTLP_ENDPOINT && `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces`);
  return tracesUrl ? { tracesUrl, serviceName: e.OTEL_SERVICE_NAME ?? defaultServiceName } : undefined;
}
