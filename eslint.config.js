// Architectural fences, not style: each layer imports only what docs/architecture.md allows.
// `npm test` runs this, so crossing a fence fails the build. Each file set appears in exactly one
// block below, because a later block's `no-restricted-imports` replaces an earlier one's.
import tseslint from 'typescript-eslint';

const DRIVERS = { group: ['@duckdb/*', '@google-cloud/*'], message: 'only src/sinks (behind the store port) and src/transform (behind WindowTransform) hold a database driver.' };
const NO_IO = ['got', 'commander', 'chalk', 'child_process', 'fs', 'fs/promises', 'http', 'https', 'net', 'dns', 'tls', 'os', 'perf_hooks', 'process', 'readline', 'worker_threads']
  .flatMap((m) => [m, `node:${m}`]);

const fence = (files, patterns, paths = []) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});

export default [
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
  {
    ...fence(
      ['src/core/**/*.ts'],
      [
        DRIVERS,
        {
          group: ['**/adapters/**', '**/sinks/**', '**/stores/**', '**/cli/**', '**/config.js', '**/sim/**'],
          message: 'src/core imports only src/core: outer layers depend on the core, never the reverse.',
        },
      ],
      NO_IO.map((name) => ({ name, message: 'src/core does no I/O and uses no framework: take a port (src/core/ports.ts, src/core/store.ts).' })),
    ),
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'only src/config.ts reads the environment.' },
        { object: 'Date', property: 'now', message: 'the core takes a Clock; it never asks the system for the time.' },
      ],
      'no-restricted-globals': [
        'error',
        ...['setTimeout', 'setInterval', 'performance'].map((name) => ({ name, message: 'the core takes a Clock and never waits on a timer.' })),
      ],
    },
  },
  fence(['src/sinks/**/*.ts'], [{ group: ['**/cli/**', '**/config.js', '**/adapters/**'], message: 'stores depend on the core only; the CLI composes them.' }]),
  fence(['src/transform/**/*.ts'], [{ group: ['**/cli/**', '**/config.js', '**/adapters/**'], message: 'the SQL transform depends on the core (and the DuckDB scratch folder) only; the CLI composes it.' }]),
  fence(['src/adapters/**/*.ts'], [DRIVERS, { group: ['**/cli/**', '**/config.js', '**/sinks/**'], message: 'adapters depend on the core only; the CLI composes them.' }]),
  fence(['src/config.ts'], [DRIVERS, { group: ['**/adapters/**', '**/sinks/**', '**/cli/**'], message: 'configuration is read into core types; adapters take it, not the reverse.' }]),
  fence(['src/cli/**/*.ts', 'src/sim/**/*.ts'], [DRIVERS]),
];
