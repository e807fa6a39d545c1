// Real Temporal servers for tests, from the provisioned binaries: the time-skipping test server
// for workflow tests and the dev server (with Kairos' search attributes) for integration tests.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalCliPath, temporalTestServerPath } from '../../src/temporal/binaries';
import { SEARCH_ATTRIBUTE_FLAGS } from '../../workflows/search-attributes';

export function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  const path = temporalTestServerPath(process.env);
  return TestWorkflowEnvironment.createTimeSkipping({
    server: path ? { executable: { type: 'existing-path', path } } : undefined,
  });
}

export function startDevServer(options: { extraArgs?: string[] } = {}): Promise<TestWorkflowEnvironment> {
  const path = temporalCliPath(process.env);
  return TestWorkflowEnvironment.createLocal({
    server: {
      ...(path ? { executable: { type: 'existing-path', path } } : {}),
      ui: false,
      log: { format: 'pretty', level: 'error' },
      extraArgs: [...SEARCH_ATTRIBUTE_FLAGS.flatMap((f) => ['--search-attribute', f]), ...(options.extraArgs ?? [])],
    },
  });
}
