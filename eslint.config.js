import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { boundaries } from './eslint.boundaries.js';

// Lint with the types (typescript-eslint's recommended type-checked rules) for the product, its
// tests, its bench and its scripts; and the architecture's boundaries (eslint.boundaries.js). Run by npm test.
export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'public/**', '*.config.js', 'eslint.boundaries.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { project: ['./tsconfig.json', './test/tsconfig.json', './bench/tsconfig.json'], tsconfigRootDir: import.meta.dirname } },
    rules: {
      // An async function that awaits nothing still keeps an interface's promise (a Store, a provider).
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests assert on replies of unknown shape (JSON, log lines) through chai, which takes any.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Messages of assertions print whatever they are given; destructured test fixtures are plain functions.
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // It reads some tests' narrowing differently from tsc (which needs these assertions).
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    // Stryker's plugins and hooks (scripts/mutation) are plain JavaScript that Stryker and mocha
    // load as they are: linted, but without the type-aware rules, which need a TypeScript project.
    files: ['**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { require: 'readonly', module: 'writable', exports: 'writable', process: 'readonly', console: 'readonly' },
    },
  },
  {
    // CommonJS: require() is how it imports.
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...boundaries,
);
