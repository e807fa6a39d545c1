// Lint rules. Workflow files (and the engine in src/core) run in Temporal's deterministic sandbox, so they may not import Node
// built-ins, I/O clients or zod: a determinism bug should fail here, not in production replay.
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
    regex: '^(\\.\\./)+src/(?!core/|programs/types$)',
    message: 'Workflows may only import the engine (src/core) and types.',
  },
];

// The engine is pure: what workflows may not import, and Temporal too, so it runs in plain tests.
const coreBans = [
  ...workflowBans.slice(0, 3),
  { group: ['@temporalio/*'], message: 'The engine knows nothing of Temporal: the driver (workflows/driver.ts) does.' },
  {
    regex: '^\\.\\./(?!programs/types$|programs/program-states$)',
    message: 'The engine imports only itself and program types.',
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
  { files: ['**/*.mjs', '**/*.js'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.js'],
    languageOptions: {
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' },
    },
  },
);
