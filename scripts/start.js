#!/usr/bin/env node
'use strict';

/**
 * `npm start` (= `npm run build && node scripts/start.js`): a local playground with the ChargePilot
 * API sandbox (sessions up to now, one more every few minutes, pushed to the Push Trigger demo) and
 * a real n8n 2.41.1 that has this package, an owner, the sandbox credentials, the demo workflows
 * and the examples. Everything listens on 127.0.0.1 only. Ctrl-C stops both. See
 * scripts/start/playground.js for what happens and where the state lives, and
 * scripts/start/selfcheck.js for what the self-check runs.
 */

const path = require('node:path');

const { numberOption, readOptions, runCommand } = require('../dev/cli');
const { REPO } = require('../dev/paths');
const { DEFAULTS, PlaygroundError } = require('./start/options');
const { Playground } = require('./start/playground');

const USAGE = `Usage: npm start [-- options]      (or: node scripts/start.js [options] after npm run build)

Starts the ChargePilot sandbox and n8n 2.41.1 with n8n-nodes-chargepilot on http://127.0.0.1:5678,
with an owner account, the sandbox credentials, the demo workflows and the examples. The sandbox's
sessions reach up to now, and one more ends every few minutes (pushed to the Push Trigger demo).

Options (environment variable in brackets):
  --port N            n8n port (default ${DEFAULTS.n8nPort}) [PLAYGROUND_N8N_PORT]
  --sandbox-port N    sandbox port (default ${DEFAULTS.sandboxPort}) [PLAYGROUND_SANDBOX_PORT]
  --broker-port N     n8n's task-broker port (default ${DEFAULTS.brokerPort}) [PLAYGROUND_BROKER_PORT]
  --dir PATH          state folder (default .playground) [PLAYGROUND_DIR]
  --email EMAIL       owner email (default ${DEFAULTS.email}) [PLAYGROUND_EMAIL]
  --password PW       owner password (default ${DEFAULTS.password}) [PLAYGROUND_PASSWORD]
                      (both only take effect when the owner is created, i.e. on the first run)
  --session-every N   one more sandbox session every N seconds, pushed to the Push Trigger demo
                      (default ${DEFAULTS.sessionEverySeconds}; 0: none) [PLAYGROUND_SESSION_EVERY]
  --reset             delete the n8n user folder first (owner, credential, workflows, executions)
  --no-check          skip the self-check (temporary copies of the demos and examples, run
                      against the sandbox; never your workflows)
  --smoke             start, self-check, stop; exit code 0 only if everything worked
  --max-seconds N     stop by itself after N seconds
  --verbose           print n8n's output too (it always goes to <dir>/n8n.log)
  --quiet             do not print the sandbox's request log
  -h, --help          this help
`;

const OPTIONS = {
	port: { type: 'string' },
	'sandbox-port': { type: 'string' },
	'broker-port': { type: 'string' },
	dir: { type: 'string' },
	email: { type: 'string' },
	password: { type: 'string' },
	'max-seconds': { type: 'string' },
	'session-every': { type: 'string' },
	reset: { type: 'boolean' },
	'no-check': { type: 'boolean' },
	smoke: { type: 'boolean' },
	verbose: { type: 'boolean' },
	quiet: { type: 'boolean' },
};

function parseArgs(argv) {
	const values = readOptions(argv, OPTIONS);
	return {
		help: values.help,
		n8nPort: values.port,
		sandboxPort: values['sandbox-port'],
		brokerPort: values['broker-port'],
		dir: values.dir,
		email: values.email,
		password: values.password,
		sessionEverySeconds: values['session-every'],
		maxSeconds: values['max-seconds'] === undefined ? undefined : numberOption(values['max-seconds'], 'max-seconds', 'a positive number', (n) => n > 0),
		reset: values.reset,
		check: !values['no-check'],
		smoke: values.smoke,
		verbose: values.verbose,
		quiet: values.quiet,
	};
}

function logSandboxRequest(entry) {
	const time = new Date().toISOString().slice(11, 19);
	let note = '';
	if (entry.status === 0) note = ' (no response)';
	else if (entry.auth && entry.auth.ok && entry.auth.variant) note = ` (signature ok: ${entry.auth.variant} path)`;
	else if (entry.auth && !entry.auth.ok && entry.status === 401) note = ` ${entry.auth.reason}`;
	process.stdout.write(`[sandbox] ${time} ${entry.method} ${entry.target} -> ${entry.status}${note}\n`);
}

/** One line per new sandbox session: where, when, and what the push got. */
function logSession({ siteId, event, push }) {
	const time = new Date().toISOString().slice(11, 19);
	const pushed = !push ? '' : push.error ? ', push failed' : `, pushed: ${push.status}`;
	process.stdout.write(`[sandbox] ${time} new session ${event.transaction_id} on ${siteId} (${event.start_time} to ${event.stop_time})${pushed}\n`);
}

function banner(info, playground) {
	const rel = (p) => (p.startsWith(`${REPO}${path.sep}`) ? path.relative(REPO, p) : p);
	const width = Math.max(...info.workflows.map((w) => w.id.length));
	const lines = [
		'',
		'============================================================================',
		` n8n with n8n-nodes-chargepilot is ready:  ${info.url}`,
		'',
		`   Email      ${info.email}`,
		`   Password   ${info.password}`,
		'',
		` Credential   "${info.credential.name}" (ChargePilot API, Region Custom, Signed Path Auto)`,
		` Sandbox      ${info.sandbox.baseUrl}   key ${info.sandbox.apiKey}   secret ${info.sandbox.apiSecret}`,
		`              sessions from ${info.dataSpan.from.slice(0, 10)} up to now; ${
			info.sessionEverySeconds ? `one more every ${info.sessionEverySeconds} s, pushed to ${info.pushUrl}` : 'no new ones (--session-every 0)'
		}`,
		' Workflows',
		...info.workflows.map((w) => `   ${info.url}/workflow/${w.id.padEnd(width)}  ${w.name}${w.file.startsWith('(') ? '' : `  (${w.file})`}`),
		' Try          the demo and the examples: Execute workflow; the ChargePilot Trigger demo: open the',
		'              trigger, Fetch Test Event; the Push Trigger demo (active): its Executions tab',
		'',
		` State ${rel(info.dir)}/ (delete it, or use --reset, to start over); n8n log ${rel(info.logFile)}`,
		` Package reinstalled from this checkout on every start: rebuild + restart to see code changes.`,
		' Press Ctrl+C to stop n8n and the sandbox.',
		'============================================================================',
		'',
	];
	if (playground.ownerCreated) lines.splice(6, 0, '   (owner account created now)');
	return lines.join('\n');
}

async function main(argv) {
	const args = parseArgs(argv);
	if (args.help) {
		process.stdout.write(USAGE);
		return 0;
	}

	// The self-check's own requests to the sandbox are not logged (its result lines say what it
	// checked); the user's are, from the banner on.
	let selfChecking = false;
	const onSandboxRequest = args.quiet ? undefined : (entry) => selfChecking || logSandboxRequest(entry);
	let playground;
	try {
		playground = new Playground({
			dir: args.dir,
			n8nPort: args.n8nPort,
			sandboxPort: args.sandboxPort,
			brokerPort: args.brokerPort,
			email: args.email,
			password: args.password,
			sessionEverySeconds: args.sessionEverySeconds,
			verbose: args.verbose,
			reset: args.reset,
			onSandboxRequest,
			onSession: args.quiet ? undefined : logSession,
		});
	} catch (error) {
		process.stderr.write(`[playground] ${error.message}\n`);
		return 2;
	}

	let signalled = null;
	let resolveStop;
	const stopRequested = new Promise((resolve) => {
		resolveStop = resolve;
	});
	const onSignal = (signal) => {
		if (signalled) {
			process.stderr.write(`\n[playground] ${signal} again: killing n8n now\n`);
			playground.killNow();
			process.exit(130);
		}
		signalled = signal;
		process.stderr.write(`\n[playground] ${signal}: stopping (press Ctrl+C again to kill at once)\n`);
		playground.stop().finally(() => resolveStop(signal));
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	process.on('SIGHUP', onSignal);
	process.on('exit', () => playground.killNow());

	const t0 = Date.now();
	let info;
	try {
		info = await playground.start();
	} catch (error) {
		if (signalled) {
			await stopRequested;
			return 130;
		}
		const message = error instanceof PlaygroundError ? error.message : error.stack || String(error);
		process.stderr.write(`\n[playground] ERROR: ${message}\n`);
		await playground.stop();
		return 1;
	}
	playground.log(`ready after ${((Date.now() - t0) / 1000).toFixed(1)} s`);

	let checkFailed = false;
	if (args.check || args.smoke) {
		playground.log('self-check: temporary copies of the demos and the examples, run against the sandbox ...');
		selfChecking = true;
		try {
			const { results, ms } = await playground.selfCheck();
			for (const { name, detail, skipped } of results) playground.log(`  ${skipped ? 'skip ' : 'ok  '}${name}: ${detail}`);
			playground.log(`self-check ok (${(ms / 1000).toFixed(1)} s; the copies are removed again)`);
		} catch (error) {
			checkFailed = true;
			const message = error instanceof PlaygroundError ? error.message : error.stack || String(error);
			playground.log(`SELF-CHECK FAILED: ${message}`);
			if (!args.smoke) playground.log('(the playground keeps running)');
		} finally {
			selfChecking = false;
		}
	}

	if (args.smoke) {
		await playground.stop();
		playground.log(`smoke run ${checkFailed ? 'FAILED' : 'passed'} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
		return checkFailed ? 1 : 0;
	}

	process.stdout.write(banner(info, playground));
	await playground.startSessions();

	let timer = null;
	if (args.maxSeconds) {
		timer = setTimeout(() => {
			if (!signalled) {
				signalled = `--max-seconds ${args.maxSeconds}`;
				playground.log(`${signalled}: stopping`);
				playground.stop().finally(() => resolveStop(signalled));
			}
		}, args.maxSeconds * 1000);
	}
	// n8n dying on its own (crash, killed from outside) ends the playground too.
	const n8nDied = playground.n8nExited.then((how) => ({ died: how }));
	const outcome = await Promise.race([stopRequested.then(() => ({})), n8nDied]);
	if (timer) clearTimeout(timer);
	if (outcome.died && !signalled) {
		playground.log(`n8n exited unexpectedly (${outcome.died.signal || `exit ${outcome.died.code}`}). Last lines of its log:\n${playground.logTail()}`);
		await playground.stop();
		return 1;
	}
	await stopRequested;
	playground.log('stopped');
	return 0;
}

runCommand(main, { usage: USAGE, label: '[playground]', isExpected: (error) => error instanceof PlaygroundError });
