// Lint rules. Workflow files (and the engine in src/core) run in Temporal's deterministic sandbox,
// so they may not import Node built-ins, I/O clients or zod: a determinism bug should fail here,
// not in production replay.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const workflowBans = [
  {
    group: ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'timers'],
    message: 'Workflow code is sandboxed: no Node built-ins.',
  },
  { group: ['zod', 'zod/*'], message: 'Keep zod out of the workflow bundle; validate at the edge.' },
  {
    group: [
      '@prisma/*',
      '**/generated/**',
      'pg',
      '@sendgrid/*',
      'express',
      'pino',
      '@temporalio/client',
      '@temporalio/worker',
      '@temporalio/activity',
    ],
    message: 'Workflow code does no I/O: call an activity.',
  },
  {
    regex: '^(\\.\\./)+src/(?!core/|contracts/program-language/types$)',
    message: 'Workflows may only import the engine (src/core) and the program language types.',
  },
];

// The engine is pure: what workflows may not import, and Temporal too, so it runs in plain tests.
const coreBans = [
  ...workflowBans.slice(0, 3),
  { group: ['@temporalio/*'], message: 'The engine knows nothing of Temporal: the driver (workflows/driver.ts) does.' },
  {
    regex: '^\\.\\./(?!contracts/program-language/types$|programs/program-states$)',
    message: 'The engine imports only itself and program types.',
  },
];

// One-way layers (docs/ARCHITECTURE.md): the application in src/ does not reach into its Temporal
// adapters. Only the composition roots (src/apps, src/*-main.ts, src/worker, src/dev) wire activities and
// workflows in, and the Temporal adapter (src/temporal) uses the workflows' signal, query and
// search-attribute definitions. Activities talk to workflows through that adapter too.
const srcBans = [
  {
    regex: '^(\\.\\./)+(activities|workflows)(/|$)',
    message: 'src/ does not import activities/ or workflows/: only the composition roots and src/temporal do.',
  },
  // Settings and compositions are the roots' business: everything else is handed what it needs.
  {
    regex: '^(\\.\\./)+(apps|config)(/|$)',
    message: 'Only composition roots import src/apps and src/config: take what you need as a parameter.',
    allowTypeImports: true,
  },
];
// The HTTP layer is an adapter too: services throw domain errors (src/core/errors.ts) and build
// schemas from src/contracts; only routers and composition roots import src/api.
const httpBans = [
  {
    regex: '^(\\.\\./)+api(/|$)',
    message: 'Only routers and composition roots import src/api: throw src/core/errors.ts, use src/contracts.',
  },
];
// Contracts (the API's and the program language's schemas, the route table) sit just above the core:
// they import only each other and src/core, never the app, adapters or roots that build on them.
// A relative import is checked by depth: from src/contracts/<n dirs>/x.ts, n+1 `../` leave contracts.
const contractsBans = (depth) => [
  {
    regex: `^(\\.\\./){${depth + 1}}(?!core/)`,
    message:
      'src/contracts imports only src/contracts and src/core: arrows point core <- contracts <- app <- adapters ' +
      '<- roots. Move the schema into src/contracts, or have the app import it from there.',
  },
];
const activityBans = [
  {
    regex: '^\\.\\./workflows(/|$)',
    message: 'Activities do not import workflow code: reach a workflow through src/temporal/customer-client.ts.',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'generated/**', 'node_modules/**', 'coverage/**', '.tools/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Prettier wraps code at 120; this catches what it does not wrap (SQL, strings, comments).
      'max-len': ['error', { code: 120, ignoreUrls: true }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: workflowBans.map((b) => ({ ...b, allowTypeImports: true })) },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: coreBans.map((b) => ({ ...b, allowTypeImports: b.regex !== undefined })) },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: [
      'src/apps/**',
      'src/*-main.ts',
      'src/cli/kairos.ts',
      'src/worker/**',
      'src/dev/**',
      'src/temporal/**',
      'src/core/**',
    ],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: srcBans }] },
  },
  {
    files: ['src/**/*.ts'],
    ignores: [
      'src/apps/**',
      'src/*-main.ts',
      'src/cli/kairos.ts',
      'src/api/**',
      'src/**/*-router.ts',
      'src/dev/**',
      'src/worker/**',
      'src/temporal/**',
      'src/core/**',
    ],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [...srcBans, ...httpBans] }] },
  },
  ...[0, 1, 2].map((depth) => ({
    files: [`src/contracts/${'*/'.repeat(depth)}*.ts`],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: contractsBans(depth) }] },
  })),
  {
    files: ['activities/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: activityBans }] },
  },
  { files: ['**/*.mjs', '**/*.js'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.js'],
    languageOptions: {
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' },
    },
  },
  { files: ['**/*.mjs'], languageOptions: { globals: { process: 'readonly' } } },
);
