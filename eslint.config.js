// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'docs/api/**',
      '**/*.config.ts',
      '**/*.config.js',
      'vitest.setup.ts',
      'vitest.property.ts',
      'vitest.arbitraries.ts',
      '**/.turbo/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The bug that matters in send loops: a promise nobody awaits or catches.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      'no-console': 'error',
      // Store and channel methods are async by contract even when an implementation has nothing to
      // await (the memory store): `async` turns a thrown error into a rejection, which is the point.
      '@typescript-eslint/require-await': 'off',
      // Unused args are part of documented callback signatures; prefix with _ to silence.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests, benchmarks, the demo and test helpers may print and may use non-null shortcuts.
    files: ['**/*.test.ts', 'apps/**', '**/testing/**', '**/test/**'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
