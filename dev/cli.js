'use strict';

/**
 * Command lines of the tools and test runners: options read with Node's util.parseArgs, and the
 * way a command ends (usage errors, help, exit code).
 */

const { parseArgs } = require('node:util');

/** A wrong command line: the message is for the user, followed by the usage. */
class UsageError extends Error {}

/**
 * The options of `argv` (`--name value`, `--name=value`, switches), as util.parseArgs reads them
 * with `options` (its format: { name: { type, short?, default? } }); -h/--help is always known.
 * Unknown options, missing values and stray arguments throw a UsageError.
 */
function readOptions(argv, options) {
	try {
		return parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, strict: true, allowPositionals: false }).values;
	} catch (error) {
		throw new UsageError(error.message);
	}
}

/** `value` as a number that `test` accepts, else a UsageError naming `--name` and `expected`. */
function numberOption(value, name, expected, test) {
	const number = Number(value);
	if (value === undefined || String(value).trim() === '' || !test(number)) throw new UsageError(`--${name} expects ${expected}, got ${value}`);
	return number;
}

/**
 * Runs `main(argv)` as the process's command: its result is the exit code; a UsageError prints
 * its message and `usage` (exit 2); any other error its stack, or just its message when
 * `isExpected(error)` (exit 1). `label` prefixes error lines, e.g. "[playground]".
 */
function runCommand(main, { usage, label, isExpected = () => false }) {
	const prefix = label ? `${label} ` : '';
	main(process.argv.slice(2)).then(
		(code) => {
			process.exitCode = code ?? 0;
		},
		(error) => {
			if (error instanceof UsageError) {
				process.stderr.write(`${error.message}\n\n${usage}`);
				process.exitCode = 2;
				return;
			}
			process.stderr.write(`${prefix}ERROR: ${isExpected(error) ? error.message : error.stack || error}\n`);
			process.exitCode = 1;
		},
	);
}

module.exports = { UsageError, readOptions, numberOption, runCommand };
