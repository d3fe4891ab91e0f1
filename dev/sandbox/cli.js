#!/usr/bin/env node
'use strict';

/**
 * Command line entry point of the ChargePilot API sandbox.
 *
 *   node dev/sandbox/cli.js [--port 8787] [--signed-path full|relative|either]
 *                            [--latency 0] [--events 6000] [--data-until now|fixed|DATE]
 *                            [--grow-every SECONDS [--push-url URL --push-key KEY]]
 *                            [--max-seconds N] [--json]
 *
 * Runs until SIGINT/SIGTERM (or --max-seconds), then closes cleanly.
 */

const util = require('node:util');

const { startSandbox } = require('./index');

const USAGE = `Usage: node dev/sandbox/cli.js [options]

Starts a local emulator of the ChargePilot REST API on 127.0.0.1.

Options:
  --port N               port to listen on (default 8787; 0 = any free port)
  --host H               loopback address to bind (default 127.0.0.1)
  --signed-path MODE     full | relative | either (default full)
  --skew N               accepted clock skew in seconds (default 300)
  --latency MS           delay every response by MS milliseconds (default 0)
  --events N             charging events for site-berlin-depot (default 6000)
  --seed N               data seed (default 42)
  --truncate-above N     flag charging-event results above N matches as truncated
  --list-envelope MODE   array | object: shape of GET /sites (default array)
  --api-key KEY          API key to accept (default sandbox-api-key)
  --api-secret SECRET    API secret to accept (default sandbox-api-secret)
  --data-until WHEN      the history ends then: now (default), an ISO 8601 date, or
                         fixed (2026-01-01 to 2026-07-01, as tests use)
  --grow-every N         one more session ends every N seconds (each site in turn); off by default
  --push-url URL         with --grow-every: push each new session to this loopback webhook
                         (a Push Trigger's URL) as ChargePilot's Push-API would
  --push-key KEY         the Ocp-Apim-Subscription-Key for --push-url
  --max-seconds N        stop after N seconds
  --json                 print one JSON line {baseUrl, apiKey, apiSecret, port} on stdout
  --quiet                do not log requests on stderr
  --help                 show this help
`;

/** Option -> [name in startSandbox's options, kind]. */
const FLAGS = {
	port: ['port', 'int'],
	host: ['host', 'string'],
	'signed-path': ['signedPath', 'string'],
	skew: ['skewSeconds', 'number'],
	latency: ['latencyMs', 'number'],
	events: ['eventCount', 'int'],
	seed: ['seed', 'int'],
	'truncate-above': ['truncateAbove', 'int'],
	'list-envelope': ['listEnvelope', 'string'],
	'api-key': ['apiKey', 'string'],
	'api-secret': ['apiSecret', 'string'],
	'data-until': ['dataUntil', 'string'],
	'grow-every': ['growEverySeconds', 'number'],
	'push-url': ['pushUrl', 'string'],
	'push-key': ['pushKey', 'string'],
	'max-seconds': ['maxSeconds', 'number'],
	json: ['json', 'boolean'],
	quiet: ['quiet', 'boolean'],
	help: ['help', 'boolean'],
};

class UsageError extends Error {}

/** Parses argv (util.parseArgs: "--flag value" and "--flag=value") into a plain object. */
function parseArgs(argv) {
	let values;
	try {
		const options = Object.fromEntries(Object.entries(FLAGS).map(([flag, [, kind]]) => [flag, { type: kind === 'boolean' ? 'boolean' : 'string' }]));
		options.help.short = 'h';
		({ values } = util.parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
	} catch (error) {
		throw new UsageError(error.message);
	}
	const parsed = { port: 8787, dataUntil: 'now' };
	for (const [flag, value] of Object.entries(values)) {
		const [name, kind] = FLAGS[flag];
		if (kind === 'boolean' || kind === 'string') {
			parsed[name] = value;
			continue;
		}
		const number = Number(value);
		if (value.trim() === '' || !Number.isFinite(number) || (kind === 'int' && !Number.isInteger(number)) || number < 0) {
			throw new UsageError(`--${flag} expects a non-negative ${kind === 'int' ? 'integer' : 'number'}, got ${value}`);
		}
		parsed[name] = number;
	}
	if (parsed.dataUntil === 'fixed') parsed.dataUntil = null;
	else if (parsed.dataUntil !== 'now' && !Number.isFinite(Date.parse(parsed.dataUntil))) {
		throw new UsageError(`--data-until expects now, fixed or an ISO 8601 date, got ${parsed.dataUntil}`);
	}
	if (parsed.growEverySeconds !== undefined && parsed.growEverySeconds < 1) throw new UsageError('--grow-every expects at least 1 second');
	if ((parsed.pushUrl === undefined) !== (parsed.pushKey === undefined)) throw new UsageError('--push-url and --push-key go together');
	if (parsed.pushUrl !== undefined && parsed.growEverySeconds === undefined) throw new UsageError('--push-url needs --grow-every');
	return parsed;
}

const SIGNED_PATH_HELP = {
	full: 'full - sign the path as sent, e.g. GET:/rest/v1/sites:<ts>:',
	relative: 'relative - sign the path without /rest/v1, e.g. GET:/sites:<ts>:',
	either: 'either - both the full and the relative path are accepted',
};

function describe(sandbox, args) {
	const sites = sandbox.sites
		.map((site) => `${site.id} (${sandbox.countEvents(site.id)} events)`)
		.join('\n               ');
	return [
		'ChargePilot API sandbox is running',
		'',
		`  Base URL     ${sandbox.baseUrl}`,
		`  API key      ${sandbox.apiKey}`,
		`  API secret   ${sandbox.apiSecret}`,
		`  Signed path  ${SIGNED_PATH_HELP[args.signedPath || 'full']}`,
		`  Sites        ${sites}`,
		`  Sessions     starting between ${sandbox.dataSpan.from} and ${sandbox.dataSpan.to}`,
		args.growEverySeconds ? `  Growing      one more session every ${args.growEverySeconds} s${args.pushUrl ? `, pushed to ${args.pushUrl}` : ''}` : null,
		'',
		'Use it in n8n: create a ChargePilot API credential with',
		'  Region       Custom',
		`  Base URL     ${sandbox.baseUrl}`,
		'  API Key and API Secret as above',
		'  (n8n must run on this machine, not in a container: the sandbox only listens on loopback)',
		'',
		`Quick check:   curl ${sandbox.baseUrl}/ping`,
		args.maxSeconds ? `Stops after ${args.maxSeconds} s, or press Ctrl+C.` : 'Press Ctrl+C to stop.',
		'',
	]
		.filter((line) => line !== null)
		.join('\n');
}

/** One log line per finished request, on stderr. */
function logRequest(entry) {
	const time = new Date().toISOString().slice(11, 19);
	let note = '';
	if (entry.status === 0) note = ' (no response: connection reset or aborted)';
	else if (entry.auth && entry.auth.ok && entry.auth.variant) note = ` (signed: ${entry.auth.variant} path)`;
	else if (entry.auth && !entry.auth.ok && entry.status === 401) note = ` ${entry.auth.reason}`;
	process.stderr.write(`${time} ${entry.method} ${entry.target} -> ${entry.status}${note}\n`);
}

async function main(argv) {
	let args;
	try {
		args = parseArgs(argv);
	} catch (error) {
		process.stderr.write(`${error.message}\n\n${USAGE}`);
		return 2;
	}
	if (args.help) {
		process.stdout.write(USAGE);
		return 0;
	}

	const options = {};
	for (const name of ['port', 'host', 'signedPath', 'skewSeconds', 'eventCount', 'seed', 'truncateAbove', 'listEnvelope', 'apiKey', 'apiSecret', 'dataUntil']) {
		if (args[name] !== undefined) options[name] = args[name];
	}
	if (args.latencyMs) options.faults = { latencyMs: args.latencyMs };
	if (!args.quiet) options.onRequest = logRequest;
	// A long-running sandbox keeps only the latest requests in memory.
	options.recordLimit = 1000;

	let sandbox;
	try {
		sandbox = await startSandbox(options);
	} catch (error) {
		const hint = error.code === 'EADDRINUSE' ? ` (port ${args.port} is in use; try --port 0)` : '';
		process.stderr.write(`Could not start the sandbox: ${error.message}${hint}\n`);
		return 1;
	}

	if (args.growEverySeconds) {
		const push = args.pushUrl ? { url: args.pushUrl, subscriptionKey: args.pushKey } : null;
		const onSession = args.quiet
			? null
			: ({ siteId, event, push: pushed }) => {
					const answer = !pushed ? '' : pushed.error ? `; push failed: ${pushed.error}` : `; pushed: ${pushed.status} ${pushed.body.slice(0, 120)}`;
					process.stderr.write(`${new Date().toISOString().slice(11, 19)} new session ${event.transaction_id} on ${siteId} (${event.start_time} to ${event.stop_time})${answer}\n`);
				};
		sandbox.grow({ everyMs: args.growEverySeconds * 1000, push, onSession });
	}

	if (args.json) {
		const { baseUrl, apiKey, apiSecret, port } = sandbox;
		process.stdout.write(`${JSON.stringify({ baseUrl, apiKey, apiSecret, port })}\n`);
	} else {
		process.stdout.write(describe(sandbox, args));
	}

	await new Promise((resolve) => {
		let timer = null;
		const stop = (why) => {
			process.off('SIGINT', onSignal);
			process.off('SIGTERM', onSignal);
			if (timer) clearTimeout(timer);
			process.stderr.write(`Stopping the sandbox (${why})...\n`);
			resolve();
		};
		const onSignal = (signal) => stop(signal);
		process.on('SIGINT', onSignal);
		process.on('SIGTERM', onSignal);
		if (args.maxSeconds) timer = setTimeout(() => stop(`--max-seconds ${args.maxSeconds}`), args.maxSeconds * 1000);
	});
	await sandbox.close();
	process.stderr.write('Sandbox stopped.\n');
	return 0;
}

if (require.main === module) {
	main(process.argv.slice(2)).then(
		(code) => {
			process.exitCode = code;
		},
		(error) => {
			process.stderr.write(`${error.stack || error}\n`);
			process.exitCode = 1;
		},
	);
}

module.exports = { parseArgs, main };
