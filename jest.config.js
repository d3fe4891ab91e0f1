/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts', '**/*.test.js'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	// Engine and wire tests start loopback servers; keep the run bounded.
	testTimeout: 60000,
	maxWorkers: 2,
};
