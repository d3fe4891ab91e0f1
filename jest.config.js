/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts', '**/*.test.js'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	// Engine and wire tests start loopback servers; keep the run bounded.
	testTimeout: 60000,
	setupFiles: ['<rootDir>/test/setup-env.js'],
	// One process: n8n-core is loaded once (faster here than two workers on two cores).
	maxWorkers: 1,
};
