// Trace context across Temporal: the client's signal carries the active span in its headers, the
// workflow continues the trace (its spans leave the sandbox by a sink), and each activity runs in
// a span of the workflow's. The SDK's interceptors (@temporalio/interceptors-opentelemetry) do
// the work; this says how Kairos' client and worker take them. With tracing off none is installed.
import type { ClientInterceptors } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import type { Tracing } from './start-tracing';

/**
 * The workflow interceptors, bundled into the workflow code only when tracing is on. They add no
 * commands (headers on the commands there are; test/tracing replays the committed histories with
 * them), but they do make spans on every activation, which untraced workers need not pay for.
 */
export const TRACING_WORKFLOW_MODULE =
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

export function tracingClientInterceptors(): ClientInterceptors {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

export interface WorkerTracing {
  activity: ActivityInterceptorsFactory[];
  workflowModules: string[];
  sinks: InjectedSinks<OpenTelemetrySinks>;
}

export function workerTracing(tracing: Tracing): WorkerTracing {
  return {
    activity: [
      (ctx) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
        // Activity log lines carry the trace and span ids.
        outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
    ],
    workflowModules: [TRACING_WORKFLOW_MODULE],
    sinks: { exporter: makeWorkflowExporter(tracing.processor, tracing.resource) },
  };
}
