/**
 * Mutation testing (`npm run mutate`; not part of `npm test` or CI: a full run takes hours on two
 * cores). Scope: the signer, the transport, the node's input checks and router, the polling
 * trigger's memory, the push trigger's key check and body parsing, and the modules that decide
 * whether a read is complete and what a failure says (paging, retry, errors, answer, charging
 * events). Results, timings and the survivors that remain are in docs/TESTING.md.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
	packageManager: 'npm',
	testRunner: 'jest',
	jest: {
		projectType: 'custom',
		configFile: 'jest.stryker.config.js',
		// The engine harness requires the node at run time: Jest's static graph does not see it.
		enableFindRelatedTests: false,
	},
	// Each mutant runs only the tests that executed its code in the initial run.
	coverageAnalysis: 'perTest',
	// The modules issue 12 names: the credential's signer, the transport, the node's input checks and
	// router, the polling trigger's memory and the push trigger's key check. Then the modules that
	// decide whether a read is complete and what a failure says: paging (short pages, count,
	// truncation, re-reading in parts), retry (what is tried again, and when), errors (the message
	// and hint of every failure), answer (the ceiling on an answer's size and its error) and
	// chargingEvents (the event reads every caller goes through, and their stable order).
	mutate: [
		'credentials/chargepilot/**/*.ts',
		'nodes/client/transport.ts',
		'nodes/client/paging.ts',
		'nodes/client/retry.ts',
		'nodes/client/errors.ts',
		'nodes/client/answer.ts',
		'nodes/client/chargingEvents.ts',
		'nodes/ChargePilot/helpers/validation.ts',
		'nodes/ChargePilot/actions/router.ts',
		'nodes/ChargePilotTrigger/pollState.ts',
		'nodes/ChargePilotPushTrigger/push.ts',
	],
	// Two cores: one Jest per core.
	concurrency: 2,
	// A mutant times out after 1.5 x its tests' normal time + 20 s (generous: the machine is shared).
	timeoutFactor: 1.5,
	timeoutMS: 20_000,
	dryRunTimeoutMinutes: 30,
	// Re-runs reuse the results of mutants whose code and tests did not change.
	incremental: true,
	incrementalFile: 'reports/stryker-incremental.json',
	reporters: ['clear-text', 'progress', 'html', 'json'],
	htmlReporter: { fileName: 'reports/mutation/mutation.html' },
	jsonReporter: { fileName: 'reports/mutation/mutation.json' },
	thresholds: { high: 90, low: 80, break: null },
	tempDirName: '.stryker-tmp',
	// Not needed by the tests run here (the build and the installed n8n harnesses are large).
	ignorePatterns: ['dist', 'test/e2e/harness', 'dev/n8n/harness', '.e2e', '.playground', 'coverage', 'reports', '*.tgz'],
};
