/**
 * Jest as `npm run mutate` (Stryker) runs it: the engine harness loads the TypeScript sources
 * instead of dist/, and the bulk suites run smaller (both set in test/setup-mutation.js).
 * Left out: the suites that check the build or the package (dist/, npm pack, the e2e capture),
 * which a mutant in the sources cannot change, and the sandbox's own tests, which test the
 * emulator, not the package. Each mutant loads only the test files that hold a test covering it.
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
	...base,
	setupFiles: [...base.setupFiles, '<rootDir>/test/setup-mutation.js'],
	// Loads only the test files that hold a test Stryker asks for (see the file).
	runner: '<rootDir>/test/harness/mutation-runner.js',
	testPathIgnorePatterns: [
		...base.testPathIgnorePatterns,
		'/test/dist\\.test\\.ts$',
		'/test/pack/',
		'/test/e2e-capture\\.test\\.js$',
		'/test/sandbox\\.test\\.js$',
		'/test/dev/',
		// CHARGEPILOT_MUTATE_FAST=1: without the engine suites (unit and wire tests only). Quicker, and
		// a lower bound of the score (engine tests kill some mutants too); docs/TESTING.md says which
		// part was measured so.
		...(process.env.CHARGEPILOT_MUTATE_FAST === '1' ? ['/test/engine/'] : []),
	],
};
