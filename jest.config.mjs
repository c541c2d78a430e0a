// One jest run for the whole workspace. Sources are tested as TypeScript through @swc/jest in ESM
// mode; workspace packages resolve to their sources so tests never depend on a stale build.
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'es6' } }];
const project = (name, roots) => ({
  displayName: name,
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@meshauth/(core|express|fastify|koa|testkit|cli)$': '<rootDir>/packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  rootDir: import.meta.dirname,
  roots,
  testMatch: ['**/*.test.ts'],
});
export default {
  projects: [
    ...['core', 'express', 'fastify', 'koa', 'testkit', 'cli'].map((p) => project(p, [`<rootDir>/packages/${p}/test`])),
    project('e2e', ['<rootDir>/test']),
  ],
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
  testTimeout: 20000,
};
