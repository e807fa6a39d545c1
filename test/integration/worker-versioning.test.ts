// Worker Versioning on the CLI's dev server (the scenario: worker-versioning-scenario.ts).
import { startDevServer } from '../helpers/temporal';
import { workerVersioningScenario } from './worker-versioning-scenario';

workerVersioningScenario((dynamicConfig) =>
  startDevServer({
    extraArgs: Object.entries(dynamicConfig).flatMap(([key, value]) => [
      '--dynamic-config-value',
      `${key}=${JSON.stringify(value)}`,
    ]),
  }),
);
