'use strict';

/**
 * The skeleton every end-to-end suite shares: its command line (`--lines 2,1`, `--keep`), the
 * package packed once, and for each n8n line a fresh instance (dev/n8n) with the packed package
 * (or without it, for a suite that installs it itself), the sandbox if the suite wants one, a watchdog, one report line per check and clean-up on every
 * exit path (Ctrl+C and the watchdog included: processes stopped, temporary folders removed). A
 * suite gives only what happens on one line:
 *
 *   runSuite({ name: 'poll e2e', sandbox: { eventCount: 500 }, maxMsPerLine: 14 * 60_000,
 *     async line({ line, instance, sandbox, check, startN8n, signIn }) { ... } });
 *
 * A suite that builds its own instances (queue mode: several processes) says `instance: false` and
 * gets `packed` and `root`, an empty temporary folder of the line, instead; `lines: [2]` limits it
 * to the lines it supports (others asked for are skipped with a note).
 *
 * Prints one line per check and closes with "N passed, N failed" (exit code 0 only when all passed).
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { readOptions, runCommand } = require('../../dev/cli');
const { createInstance, packPackage, WORKFLOW_SCOPES } = require('../../dev/n8n');
const { processes, removeOnExit } = require('../../dev/process');
const { startSandbox } = require('../../dev/sandbox');

/** The owner account of every e2e instance. */
const OWNER = { email: 'owner@example.com', firstName: 'E2E', lastName: 'Owner', password: 'E2e-Owner-Pass-1' };

/**
 * The n8n lines to run (`--lines 2,1`, or E2E_LINES; only those in `supported`), `--keep` (keep the
 * user folders) and the suite's own `options` (util.parseArgs format), as `args`.
 */
function e2eArgs(argv, { supported = [2, 1], options = {} } = {}) {
	const values = readOptions(argv, { lines: { type: 'string' }, keep: { type: 'boolean', default: false }, ...options });
	const lines = (values.lines ?? process.env.E2E_LINES ?? '2,1')
		.split(',')
		.map(Number)
		.filter((line) => supported.includes(line));
	return { lines, keep: values.keep, help: values.help, args: values };
}

/**
 * One line per check; `summary()` prints the closing "N passed, N failed" and gives the exit code.
 * A check whose function returns a string (e.g. the counts it measured) prints it below its line.
 */
function createReport() {
	const counts = { passed: 0, failed: 0, skipped: 0 };
	async function check(label, fn) {
		try {
			const detail = await fn();
			counts.passed++;
			console.log(`  ok   ${label}`);
			if (typeof detail === 'string' && detail) console.log(`       ${detail.split('\n').join('\n       ')}`);
		} catch (error) {
			counts.failed++;
			console.log(`  FAIL ${label}\n       ${String(error.message).split('\n').join('\n       ')}`);
		}
	}
	function fail(message) {
		counts.failed++;
		console.log(`  FAIL ${message}`);
	}
	/** A check that was not run (an earlier one it depends on failed): listed, not counted. */
	function skip(label, why) {
		counts.skipped++;
		console.log(`  skip ${label} (${why})`);
	}
	function summary() {
		console.log(`${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} not run` : ''}`);
		return counts.failed === 0 && counts.passed > 0 ? 0 : 1;
	}
	return { check, fail, skip, summary, counts };
}

/**
 * Runs a suite. `sandbox`: options of the sandbox started for each line (none when absent);
 * `maxMsPerLine`: the watchdog; `needsFiles`: paths the packed package must contain; `lines`: the
 * n8n lines the suite runs on (default both); `instance: false`: no instance, `root` and `packed`
 * instead; `preinstall: false`: the instance starts without the package (the suite gets `packed`
 * and installs it its own way); `baseEnv`: the environment n8n's variables are added to (default
 * process.env); `options`: its own command-line options (util.parseArgs format), described by
 * `usage` (lines appended to the common usage) and handed to `line()` as `args`. Whatever the
 * suite keeps under `instance.root` is removed with the instance.
 */
function runSuite({ name, sandbox: sandboxOptions, maxMsPerLine = 20 * 60_000, needsFiles = [], lines: supported = [2, 1], instance: withInstance = true, preinstall = true, baseEnv, options = {}, usage: ownUsage = '', line: runLine }) {
	const usage = `Usage: node ${path.relative(process.cwd(), process.argv[1])} [--lines ${supported.join(',')}] [--keep]${Object.keys(options).length ? ' [options]' : ''}   (after npm run build)
  --lines   n8n lines to run (default ${supported.join(',')}, or E2E_LINES)
  --keep    keep the n8n user folders
${ownUsage}`;
	const report = createReport();
	const seconds = (since) => Math.round((Date.now() - since) / 1000);

	async function oneLine(line, packed, keep, args) {
		const started = Date.now();
		const sandbox = sandboxOptions ? await startSandbox(sandboxOptions) : undefined;
		const servers = [];
		let instance;
		let root;
		let stopWatchdog = () => {};
		try {
			if (withInstance) {
				instance = await createInstance(line, preinstall ? packed : undefined, { baseEnv });
				if (!keep) removeOnExit(instance.root);
			} else {
				root = fs.mkdtempSync(path.join(os.tmpdir(), `chargepilot-e2e-${name.replace(/[^a-z0-9]+/gi, '-')}-n8n${line}-`));
				if (!keep) removeOnExit(root);
			}
			stopWatchdog = processes.watchdog(maxMsPerLine, () => {
				console.log(`FAIL: the ${name} took longer than ${maxMsPerLine / 1000} s on line ${line}; every process it started is killed`);
				process.exit(1);
			});
			if (instance) console.log(`\nn8n ${instance.version} (line ${line}), user folder ${instance.userFolder}${sandbox ? `, sandbox ${sandbox.baseUrl}` : ''}`);
			else console.log(`\nline ${line}, folder ${root}${sandbox ? `, sandbox ${sandbox.baseUrl}` : ''}`);
			await runLine({
				line,
				instance,
				root,
				packed,
				sandbox,
				args,
				check: report.check,
				fail: report.fail,
				skip: report.skip,
				/**
				 * `n8n start` on this instance (`port`: default a free one; `env` added), logging at debug
				 * (so its log would show a leaked key: the nodes log refusals at debug); stopped after the line.
				 */
				async startN8n({ port, env } = {}) {
					const server = await instance.startServer({ port, env: { N8N_LOG_LEVEL: 'debug', ...env }, log: (text) => console.log(`  ${text}`) });
					servers.push(server);
					console.log(`  n8n start: ready after ${seconds(started)} s on ${server.url} (log ${server.logFile})`);
					return server;
				},
				/** The owner account and a public-API key on a started server; returns its client. */
				async signIn(server) {
					await server.client.setupOwner(OWNER);
					await server.client.createApiKey({ label: name, scopes: WORKFLOW_SCOPES });
					return server.client;
				},
			});
		} catch (error) {
			report.fail(`line ${line}: ${String(error.stack || error.message).slice(0, 6000)}`);
			for (const server of servers.slice(-1)) console.log(`  last lines of ${server.logFile}:\n${server.proc.tail()}`);
		} finally {
			await processes.stopAll();
			stopWatchdog();
			if (sandbox) await sandbox.close();
			if (instance && !keep) instance.cleanup();
			if (root && !keep) fs.rmSync(root, { recursive: true, force: true, maxRetries: 5 });
			else if (root) console.log(`  --keep: ${root} left in place`);
		}
		console.log(`  n8n ${instance?.version ?? `line ${line}`}: ${seconds(started)} s`);
	}

	async function main(argv) {
		const { lines, keep, help, args } = e2eArgs(argv, { supported, options });
		if (help) {
			process.stdout.write(usage);
			return 0;
		}
		if (!lines.length) {
			console.log(`${name}: runs on n8n line ${supported.join(', ')} only; nothing to do for the lines asked for`);
			return 0;
		}
		processes.stopOnSignals();
		const started = Date.now();
		const packed = await packPackage();
		removeOnExit(path.dirname(packed.tarball));
		console.log(`packed ${packed.filename} (${packed.files.length} files)`);
		try {
			const missing = needsFiles.filter((file) => !packed.files.includes(file));
			if (missing.length) throw new Error(`the tarball lacks ${missing.join(', ')}`);
			for (const line of lines) await oneLine(line, packed, keep, args);
		} finally {
			fs.rmSync(path.dirname(packed.tarball), { recursive: true, force: true });
		}
		console.log(`\n${name} done in ${seconds(started)} s`);
		return report.summary();
	}

	runCommand(main, { usage });
}

module.exports = { runSuite, createReport, OWNER };
