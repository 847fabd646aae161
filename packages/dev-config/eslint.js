// Shared ESLint flat config, with `grantor/fp-ts-dialect` (fp-ts-dialect.js) for every package. `pureCore` adds the
// import restriction that keeps Node built-ins and web frameworks out of @grantor/core.
import tseslint from 'typescript-eslint';
import { fpTsDialect } from './fp-ts-dialect.js';

const frameworkAndNode = [
  { group: ['node:*'], message: 'The core is pure: no Node built-ins. Add a port instead.' },
  { group: ['express', 'express/*', 'koa', 'koa/*', 'fastify', 'fastify/*', '@koa/*', '@fastify/*'], message: 'The core knows no web framework.' },
];
const nodeBuiltins = ['fs', 'crypto', 'http', 'https', 'net', 'os', 'path', 'url', 'buffer', 'stream', 'util', 'child_process', 'worker_threads', 'zlib'];

/** @param {string} dir @param {{ pureCore?: boolean }} [options] */
export function grantorEslint(dir, options = {}) {
  return tseslint.config(
    { ignores: ['dist/**', 'node_modules/**', '*.config.*'] },
    ...tseslint.configs.recommended,
    {
      languageOptions: { parserOptions: { tsconfigRootDir: dir } },
      plugins: { grantor: fpTsDialect },
      rules: {
        // One fp-ts dialect: the 2.14+ names (flatMap, tap, mapError, flatMapEither…), never their legacy aliases.
        'grantor/fp-ts-dialect': 'error',
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
        '@typescript-eslint/consistent-type-imports': 'error',
        '@typescript-eslint/no-explicit-any': 'error',
      },
    },
    ...(options.pureCore
      ? [
          {
            files: ['src/**/*.ts'],
            rules: {
              'no-restricted-imports': ['error', { paths: nodeBuiltins.map((name) => ({ name, message: 'The core is pure: no Node built-ins.' })), patterns: frameworkAndNode }],
              'no-restricted-syntax': [
                'error',
                { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Use the Clock port.' },
                { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Use the Clock port.' },
                { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'Use the Random port.' },
                { selector: 'ClassDeclaration', message: 'No classes in the core: plain data and functions.' },
              ],
            },
          },
          {
            files: ['src/**/*.ts'],
            ignores: ['src/codec/**'],
            rules: {
              'no-restricted-imports': ['error', { paths: nodeBuiltins.map((name) => ({ name, message: 'The core is pure: no Node built-ins.' })), patterns: [...frameworkAndNode, { group: ['io-ts', 'io-ts/*'], message: 'io-ts stays inside src/codec.' }] }],
            },
          },
        ]
      : []),
  );
}
