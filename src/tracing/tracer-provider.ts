// The OpenTelemetry SDK of one process: a tracer provider that batches spans to the OTLP/HTTP
// exporter, registered as the process's global (the Temporal interceptors and the W3C propagation
// they inject headers with use the globals), and the HTTP and Express instrumentations, so the API's
// requests and the worker's calls to SendGrid get spans. Loaded only when tracing is configured
// (start-tracing.ts), so an untraced process loads none of it.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingSettings } from '../config/tracing-config';
import type { Tracing } from './start-tracing';

export function startTracerProvider(settings: TracingSettings): Tracing {
  // The 1.x Resource class: the workflow span exporter (makeWorkflowExporter) takes one.
  const resource = new Resource({ ...Resource.default().attributes, [ATTR_SERVICE_NAME]: settings.serviceName });
  // JSON over HTTP: any collector (Jaeger, Tempo, the OTel Collector) takes it on 4318.
  const processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.tracesUrl }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // Global: the AsyncLocalStorage context manager carries the request's span down to the
  // Temporal client's signal, and the W3C propagator writes it into the signal's headers.
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Prometheus scrapes /metrics every few seconds: a trace each would drown the real ones.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url === '/metrics' }),
      new ExpressInstrumentation(),
    ],
  });
  return {
    resource,
    processor,
    async shutdown() {
      unregister();
      // Flushes the batch: the spans of the last requests and sends are not lost on a deploy.
      await provider.shutdown();
    },
  };
}
