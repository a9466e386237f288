import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/results/', 'coverage/', '.slipway/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { ignores: ['src/web/src/**'], languageOptions: { globals: globals.node } },
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'max-params': ['error', 3],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Configuration is read once, in src/config.' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'Network calls belong in provider or telemetry adapters (undici).' },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: 'Use the Clock port.',
        },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Use the Clock port.' },
        {
          selector: "MemberExpression[object.name='Math'][property.name='random']",
          message: 'Use the Random port.',
        },
      ],
    },
  },
  {
    files: ['src/config/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', '**/*.test.ts', 'vitest.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.test.ts'],
    rules: { 'no-restricted-globals': 'off', 'max-params': 'off' },
  },
  {
    // The dashboard runs in the browser: browser globals, and fetch is its only way to the admin API.
    files: ['src/web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'The dashboard runs in the browser.' },
        { name: 'require', message: 'The dashboard is ESM.' },
      ],
    },
  },
  { files: ['**/*.js', '**/*.cjs', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
