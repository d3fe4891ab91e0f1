'use strict';

/** Command line and result reporting shared by the e2e scripts. */

/** The n8n lines to run (`--lines 2,1`, or E2E_LINES), and `--keep`. */
function e2eArgs(argv = process.argv.slice(2)) {
	const lines = (argv.includes('--lines') ? argv[argv.indexOf('--lines') + 1] : process.env.E2E_LINES || '2,1')
		.split(',')
		.map(Number)
		.filter((line) => line === 1 || line === 2);
	return { lines, keep: argv.includes('--keep') };
}

/** One line per check; `summary()` prints the closing "N passed, N failed" and sets the exit code. */
function createReport() {
	const counts = { passed: 0, failed: 0 };
	async function check(label, fn) {
		try {
			await fn();
			counts.passed++;
			console.log(`  ok   ${label}`);
		} catch (error) {
			counts.failed++;
			console.log(`  FAIL ${label}\n       ${String(error.message).split('\n').join('\n       ')}`);
		}
	}
	function fail(message) {
		counts.failed++;
		console.log(`  FAIL ${message}`);
	}
	function summary() {
		console.log(`${counts.passed} passed, ${counts.failed} failed`);
		process.exitCode = counts.failed === 0 && counts.passed > 0 ? 0 : 1;
	}
	return { check, fail, summary, counts };
}

module.exports = { e2eArgs, createReport };
