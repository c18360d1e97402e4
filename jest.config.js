/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup-console.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/setup-after-env.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  // NodeNext './x.js' specifiers point at the .ts sources under test
  moduleNameMapper: {'^(\\.{1,2}/.*)\\.js$': '$1'},
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {jsc: {parser: {syntax: 'typescript'}, target: 'es2023'}, module: {type: 'es6'}, sourceMaps: 'inline'},
    ],
  },
  testTimeout: 30000,
}
