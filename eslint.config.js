import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import houseRules from './scripts/eslint/no-import-cycle.js';

// The structural invariants of the tree (CONTRIBUTING.md, STYLE.md), checked rather than remembered.
const KAFKAJS_ONLY_IN_BUS = {
  paths: [{ name: 'kafkajs', message: 'kafkajs is used only inside libs/bus (import @kube-herald/bus).' }],
  patterns: [
    { group: ['kafkajs/*'], message: 'kafkajs is used only inside libs/bus (import @kube-herald/bus).' },
  ],
};
// kafkajs' internals (`kafkajs/src/...`, reached through createRequire) only where the bus patches them.
const KAFKAJS_INTERNALS = {
  selector: 'Literal[value=/^kafkajs\\u002Fsrc\\u002F/]',
  message:
    "kafkajs' src/ internals are read only by libs/bus record-encoding.ts, request-queue-fix.ts and direct-sender.ts.",
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.run/**',
      '.cache/**',
      'artifacts/**',
      'helm/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      'house/no-import-cycle': 'error',
      'no-restricted-imports': ['error', KAFKAJS_ONLY_IN_BUS],
      'no-restricted-syntax': ['error', KAFKAJS_INTERNALS],
      'import-x/no-relative-packages': 'error',
    },
    plugins: { house: houseRules, 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createNodeResolver({
          conditionNames: ['source', 'types', 'import', 'node', 'default'],
          extensionAlias: { '.js': ['.ts', '.js'] },
        }),
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        { zones: [{ target: './libs', from: './services', message: 'libs never import services.' }] },
      ],
    },
  },
  {
    files: ['libs/bus/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: [
      'libs/bus/src/record-encoding.ts',
      'libs/bus/src/request-queue-fix.ts',
      'libs/bus/src/direct-sender.ts',
      'libs/bus/test/**/*.ts',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/test/**/*.ts', 'bench/**/*.ts', 'tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
