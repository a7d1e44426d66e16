// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Plain browser scripts (no TypeScript project, no DOM types here): the GameBoost player, exercised by
  // test/gameboost.browser.test.ts, and the stream benchmark's page probe.
  { ignores: ['node_modules/', 'data/', 'dist/', 'build/', '.tmp/', 'web/play/', 'bench/stream-probe.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js', 'agent/bin.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after'] },
          ],
        },
      ],
      // Interface implementations may be async without awaiting; a floating promise is what matters.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
      'no-console': 'error',
      // TypeScript checks names; the core rule does not know Node's globals in plain .js files.
      'no-undef': 'off',
    },
  },
  {
    // React Router's loaders and actions throw redirects and data responses on purpose.
    files: ['web/app/**'],
    rules: { '@typescript-eslint/only-throw-error': 'off' },
  },
  {
    files: ['bench/**', 'cli/**', 'test/**', '**/*.test.ts', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
);
