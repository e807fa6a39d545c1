// Real Temporal servers for tests, from the provisioned binaries: the time-skipping test server
// for workflow tests and the dev server (with Kairos' search attributes) for integration tests.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalCliPath, temporalTestServerPath } from '../../src/temporal/binaries';
import { temporal } from '@temporalio/proto';
import { testDataConverter } from './config';
import {
  CUSTOMER_ID_KEY,
  INTERPRETER_VERSION_KEY,
  PROGRAMS_KEY,
  SEARCH_ATTRIBUTE_FLAGS,
} from '../../workflows/search-attributes';

export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  const path = temporalTestServerPath(process.env);
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: path ? { executable: { type: 'existing-path', path } } : undefined,
    client: { dataConverter: testDataConverter() },
  });
  const { IndexedValueType } = temporal.api.enums.v1;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      [CUSTOMER_ID_KEY, PROGRAMS_KEY, INTERPRETER_VERSION_KEY].map((k) => [
        k.name,
        k.type === 'KEYWORD_LIST'
          ? IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST
          : IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
  return env;
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
    client: { dataConverter: testDataConverter() },
  });
}
