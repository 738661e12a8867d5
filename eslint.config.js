// @ts-check
import tseslint from 'typescript-eslint';

/** Modules a workflow must never reach: they do I/O or are not deterministic (see docs/architecture.md). */
const workflowBanned = [
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
  '@kubernetes/client-node',
  'simple-git',
  'prom-client',
  'pino',
  'node:*',
  'fs',
  'path',
  'child_process',
  'os',
  'crypto',
  'http',
  'https',
];

export default tseslint.config(
  { ignores: ['node_modules/', '.node/', 'dist/', 'bench/results/'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: workflowBanned, message: 'Workflows are deterministic: do I/O in an activity.' },
            {
              group: ['../activities/*', '!../activities/index.js'],
              message: 'Import activity types only, from activities/index.js.',
            },
          ],
        },
      ],
    },
  },
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/require-await': 'off' } },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked }
);
