// ESLint (flat config) with typescript-eslint's type-aware rules; `npm run lint` runs it and knip (unused files,
// exports and dependencies). Both must report nothing.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['build/**', 'dist/**', 'coverage/**', 'node_modules/**', 'bench/results/**', '.image-context/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // `Kind<Spec = any, Live = any>`: a registry of kinds of different specs is a Kind[] (any keeps it assignable)
    files: ['src/kinds/types.ts', 'src/kinds/defaults.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // lazy require() of yaml and ajv: the bundles' require (scripts/build.mjs's banner), createRequire otherwise
    files: ['src/declarations/yaml.ts', 'src/declarations/schemas.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // tests poke at untyped JSON, match ANSI escapes and write literal out-of-range numbers on purpose
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      'no-control-regex': 'off',
      'no-regex-spaces': 'off',
      'no-loss-of-precision': 'off',
      'prefer-const': 'off',
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
