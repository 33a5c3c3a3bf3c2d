// ESLint flat config. Kept light: the recommended rule sets, plus Braid's house rules that a
// reviewer should not have to catch by hand. `npm run lint` runs `eslint src`.
// @eslint/js is eslint's own dependency (pinned by it to eslint's exact version).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Tests may read the clock and the environment. */
const TESTS = ['**/*.test.ts', 'test/**/*.ts'];

// House rule: only the clock reads wall-clock time; everything else receives a Clock.
const TIME_SYNTAX = [
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Read time from the Clock (src/core/clock.ts), not new Date().' },
  { selector: "CallExpression[callee.name='Date']", message: 'Read time from the Clock (src/core/clock.ts), not Date().' },
];
const TIME_PROPERTIES = [
  { object: 'Date', property: 'now', message: 'Read time from the Clock (src/core/clock.ts), not Date.now().' },
];
// House rule: configuration is parsed once in src/core/config.ts; nothing else reads the environment.
const ENV_SYNTAX = [
  { selector: "ImportDeclaration[source.value=/^(node:)?process$/] ImportSpecifier[imported.name='env']", message: 'Take settings from Config (src/core/config.ts), not process.env.' },
];
const ENV_PROPERTIES = [
  { object: 'process', property: 'env', message: 'Take settings from Config (src/core/config.ts), not process.env.' },
];

const restrict = (syntax, properties) => ({
  'no-restricted-syntax': ['error', ...syntax],
  'no-restricted-properties': ['error', ...properties],
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'scratch/', '.braid/', '.test-data/', 'bench-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain JS (the PGlite worker, config files) runs on Node: declare the globals it uses.
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', performance: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', queueMicrotask: 'readonly', structuredClone: 'readonly',
        module: 'writable', require: 'readonly', __dirname: 'readonly',
      },
    },
  },
  {
    rules: {
      // Deliberate in this codebase: `any` at framework seams (Fastify generics, test JSON bodies).
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      ...restrict([...TIME_SYNTAX, ...ENV_SYNTAX], [...TIME_PROPERTIES, ...ENV_PROPERTIES]),
    },
  },
  { files: ['src/core/clock.ts'], rules: restrict(ENV_SYNTAX, ENV_PROPERTIES) },
  { files: ['src/core/config.ts', 'src/testing/test.config.ts', 'src/main.ts'], rules: restrict(TIME_SYNTAX, TIME_PROPERTIES) },
  // Tests also match terminal output, whose escape sequences are control characters.
  { files: TESTS, rules: { 'no-restricted-syntax': 'off', 'no-restricted-properties': 'off', 'no-control-regex': 'off' } },
);
