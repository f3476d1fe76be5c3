// Lint config: typescript-eslint's recommended rules, plus the one boundary
// the project cares most about: lib/ (infrastructure) and functions/
// (runtime) never import each other; both read system/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', '.local/**', 'coverage/**', 'web/dist/**', 'web/src/api/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Tests read JSON responses whose shape the assertions check.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['lib/**/*.ts', 'bin/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/functions/**', '**/local/**'], message: 'lib/ must not import runtime code; share through system/.' }] }],
    },
  },
  {
    files: ['functions/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/lib/**', '**/local/**', 'aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'], message: 'functions/ must not import infrastructure or the local runtime; share through system/.' }] }],
    },
  },
);
