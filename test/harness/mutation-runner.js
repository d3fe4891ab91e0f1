/**
 * Jest's own test-file runner, for `npm run mutate` only (jest.stryker.config.js). Stryker runs
 * each mutant with a name filter (`testNamePattern`) naming the tests that covered it; plain Jest
 * would then still load every test file (each engine test file loads n8n-core afresh, about a
 * second each) and run every named test, also after one has failed. For such a run this runner:
 *
 * - loads only the test files that hold a named test;
 * - runs them quickest first, and stops after the first file with a failing test (the mutant is
 *   killed: Stryker stops at the first failure with its other test runners too, but cannot ask
 *   Jest for that).
 *
 * Which tests each file holds, and how long they took, comes from the last run without a filter
 * (Stryker's initial test run), saved to reports/jest-test-names.json under the run's root
 * directory (inside Stryker's sandbox). A file that list does not know is always run, so a missing
 * or stale list costs time, never a result. A run without a filter is plain Jest.
 */
const fs = require('node:fs');
const path = require('node:path');

const TestRunner = require('jest-runner').default;

function failed(result) {
	return Boolean(result.testExecError) || result.numFailingTests > 0;
}

class MutationTestRunner extends TestRunner {
	async runTests(tests, watcher, options) {
		const listFile = path.join(this._globalConfig.rootDir, 'reports', 'jest-test-names.json');
		const pattern = this._globalConfig.testNamePattern;
		if (!pattern) {
			// A full run: remember which tests each file holds, and its run time.
			const files = {};
			const unsubscribe = this.on('test-file-success', ([test, result]) => {
				const tests = result.testResults.map((testCase) => [testCase.fullName, testCase.duration ?? 0]);
				const testMs = tests.reduce((sum, [, ms]) => sum + ms, 0);
				files[test.path] = { loadMs: Math.max(0, result.perfStats.runtime - testMs), tests };
			});
			try {
				return await super.runTests(tests, watcher, options);
			} finally {
				unsubscribe();
				fs.mkdirSync(path.dirname(listFile), { recursive: true });
				fs.writeFileSync(listFile, JSON.stringify(files));
			}
		}
		let files = {};
		try {
			files = JSON.parse(fs.readFileSync(listFile, 'utf8'));
		} catch {
			// No list yet: run every file.
		}
		// As jest-circus matches it: against the full name, case-insensitively.
		const wanted = new RegExp(pattern, 'i');
		/** What running the file's named tests costs (ms), or undefined for a file the list does not know. */
		const cost = (test) => {
			const file = files[test.path];
			if (!file || !Array.isArray(file.tests)) return undefined;
			const named = file.tests.filter(([name]) => wanted.test(name));
			return named.length ? file.loadMs + named.reduce((sum, [, ms]) => sum + ms, 0) : -1;
		};
		const selected = tests
			.map((test) => ({ test, ms: cost(test) }))
			.filter(({ ms }) => ms !== -1)
			.sort((a, b) => (a.ms ?? Infinity) - (b.ms ?? Infinity) || 0)
			.map(({ test }) => test);
		let failure = false;
		const unsubscribes = [
			this.on('test-file-success', ([, result]) => {
				if (failed(result)) failure = true;
			}),
			this.on('test-file-failure', () => {
				failure = true;
			}),
		];
		try {
			for (const test of selected) {
				if (failure || watcher.isInterrupted()) break;
				await super.runTests([test], watcher, options);
			}
		} finally {
			unsubscribes.forEach((unsubscribe) => unsubscribe());
		}
	}
}

module.exports = MutationTestRunner;
