import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        queueMicrotask: 'readonly',
        performance: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        structuredClone: 'readonly',
        globalThis: 'readonly',
        navigator: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Short functions: an orchestrator calls named steps (issue 12).
    files: ['src/**/*.{ts,tsx}'],
    rules: { 'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Until their owners split them (archive create/extract: the archive speed work; receiveTree: the receiver's reshaping).
    files: ['src/engine/archive/create.ts', 'src/engine/archive/extract.ts', 'src/engine/transfer/receive.ts'],
    rules: { 'max-lines-per-function': 'off' },
  },
  {
    // Pushed over 120 lines by the first formatter run (printWidth 120 unfolds long lines); each is to be split
    // into named steps and taken off this list.
    files: [
      'src/engine/transfer/client.ts',
      'src/engine/transfer/pull-lanes.ts',
      'src/renderer/store/jobs.ts',
      'src/renderer/store/swarm.ts',
    ],
    rules: { 'max-lines-per-function': 'off' },
  },
);
