// The one-way layers are a lint rule, not a convention (eslint.config.mjs): an import against the
// arrows fails `npm run lint` with a message that says which way they point. Each case lints a
// piece of code as if it were an existing file of that layer.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');

interface Case {
  filePath: string;
  code: string;
}

function lint(cases: Case[]): { ruleId: string | null; message: string }[][] {
  const out = execFileSync('node', [join(__dirname, 'lint-texts.mjs'), JSON.stringify(cases)], { cwd: root });
  return JSON.parse(out.toString()) as { ruleId: string | null; message: string }[][];
}

const restricted = (messages: { ruleId: string | null; message: string }[]) =>
  messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);

test('imports against the layers fail lint, and the ones along them pass', () => {
  const [
    appToActivities,
    appToWorkflows,
    activityToWorkflows,
    workflowToApp,
    coreToApp,
    adapterToWorkflows,
    rootToActivities,
    serviceToHttp,
    routerToHttp,
    serviceToSettings,
    adapterToComposition,
    rootToComposition,
    contractToApp,
    routeToApp,
    routeTypeToApp,
    contractToCore,
    routeToContracts,
  ] = lint(
    [
      { filePath: 'src/templates/render.ts', code: "export { createActivities } from '../../activities';\n" },
      {
        filePath: 'src/templates/render.ts',
        code: "export { absorbSignal } from '../../workflows/customer-signals';\n",
      },
      { filePath: 'activities/deps.ts', code: "export { absorbSignal } from '../workflows/customer-signals';\n" },
      { filePath: 'workflows/driver.ts', code: "export { createDb } from '../src/db/prisma';\n" },
      { filePath: 'src/core/engine.ts', code: "export { createDb } from '../db/prisma';\n" },
      {
        filePath: 'src/temporal/addressing.ts',
        code: "export { absorbSignal } from '../../workflows/customer-signals';\n",
      },
      { filePath: 'src/worker/create-worker.ts', code: "export { createActivities } from '../../activities';\n" },
      { filePath: 'src/programs/program-service.ts', code: "export { HttpError } from '../api/errors';\n" },
      { filePath: 'src/webhooks/sendgrid-webhook-router.ts', code: "export { HttpError } from '../api/errors';\n" },
      { filePath: 'src/ingestion/relay.ts', code: "export { loadApiConfig } from '../config/api-config';\n" },
      { filePath: 'src/api/app.ts', code: "export { composeApi } from '../apps/api';\n" },
      { filePath: 'src/api-main.ts', code: "export { composeApi } from './apps/api';\n" },
      { filePath: 'src/contracts/scopes.ts', code: "export { compile } from '../programs/compile';\n" },
      { filePath: 'src/contracts/routes/programs.ts', code: "export { compile } from '../../programs/compile';\n" },
      {
        filePath: 'src/contracts/program-language/types.ts',
        code: "export type { ProgramStatus } from '../../programs/program-states';\n",
      },
      { filePath: 'src/contracts/issues.ts', code: "export { ConflictError } from '../core/errors';\n" },
      {
        filePath: 'src/contracts/routes/programs.ts',
        code: "export { ConflictError } from '../../core/errors';\nexport { route } from '../route';\n",
      },
    ].map((c) => ({ ...c, filePath: join(root, c.filePath) })),
  );

  expect(restricted(appToActivities!)).toEqual([
    expect.stringContaining('src/ does not import activities/ or workflows/'),
  ]);
  expect(restricted(appToWorkflows!)).toEqual([
    expect.stringContaining('src/ does not import activities/ or workflows/'),
  ]);
  expect(restricted(activityToWorkflows!)).toEqual([expect.stringContaining('Activities do not import workflow code')]);
  expect(restricted(workflowToApp!)).not.toEqual([]);
  expect(restricted(coreToApp!)).not.toEqual([]);
  // The Temporal adapter and the composition roots may.
  expect(restricted(adapterToWorkflows!)).toEqual([]);
  expect(restricted(rootToActivities!)).toEqual([]);
  // A service throws domain errors and builds schemas from src/contracts; a router may use HTTP's.
  expect(restricted(serviceToHttp!)).toEqual([
    expect.stringContaining('Only routers and composition roots import src/api'),
  ]);
  expect(restricted(routerToHttp!)).toEqual([]);
  // Settings and compositions belong to the roots (src/apps, src/*-main.ts): the rest is handed what it needs.
  expect(restricted(serviceToSettings!)).toEqual([expect.stringContaining('Only composition roots import src/apps')]);
  expect(restricted(adapterToComposition!)).toEqual([
    expect.stringContaining('Only composition roots import src/apps'),
  ]);
  expect(restricted(rootToComposition!)).toEqual([]);
  // Contracts import only contracts and the core, not even types from the app: the arrows point at them.
  const contractsArrows = expect.stringContaining('src/contracts imports only src/contracts and src/core');
  expect(restricted(contractToApp!)).toEqual([contractsArrows]);
  expect(restricted(routeToApp!)).toEqual([contractsArrows]);
  expect(restricted(routeTypeToApp!)).toEqual([contractsArrows]);
  expect(restricted(contractToCore!)).toEqual([]);
  expect(restricted(routeToContracts!)).toEqual([]);
}, 120_000);
