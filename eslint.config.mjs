// Lint rules. Workflow files run in Temporal's deterministic sandbox, so they may not import Node
// built-ins, I/O clients or zod: a determinism bug should fail here, not in production replay.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const workflowBans = [
  { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'timers'], message: 'Workflow code is sandboxed: no Node built-ins.' },
  { group: ['zod', 'zod/*'], message: 'Keep zod out of the workflow bundle; validate at the edge.' },
  { group: ['@prisma/*', '**/generated/**', 'pg', '@sendgrid/*', 'express', 'pino', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Workflow code does no I/O: call an activity.' },
  { group: ['**/src/**', '!**/src/programs/types'], message: 'Workflows may only import types and pure helpers.' },
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
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: workflowBans.map((b) => ({ ...b, allowTypeImports: true })) }] },
  },
  { files: ['**/*.mjs', '**/*.js'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.js'], languageOptions: { globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' } } },
);
