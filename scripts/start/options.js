'use strict';

/**
 * The playground's settings: defaults, overridden by PLAYGROUND_* environment variables, overridden
 * by the command line; checked before anything starts.
 */

const path = require('node:path');

const { BAD_PORTS } = require('../../dev/n8n');
const { REPO } = require('../../dev/paths');

const DEFAULTS = Object.freeze({
	dir: path.join(REPO, '.playground'),
	n8nPort: 5678,
	sandboxPort: 8787,
	brokerPort: 5679,
	email: 'owner@example.com',
	password: 'ChargePilot-Playground-1',
	firstName: 'ChargePilot',
	lastName: 'Playground',
	/** One more sandbox session (pushed to the Push Trigger demo) every this many seconds; 0: none. */
	sessionEverySeconds: 180,
});

/** A problem the user can fix (printed without a stack trace). */
class PlaygroundError extends Error {}

/** n8n 2.x's owner password rules (8-64 characters, a digit, an uppercase letter). */
function passwordProblem(password) {
	if (typeof password !== 'string' || password.length < 8 || password.length > 64) return 'must be 8 to 64 characters long';
	if (!/\d/.test(password)) return 'must contain a number';
	if (!/[A-Z]/.test(password)) return 'must contain an uppercase letter';
	return null;
}

/** Defaults, overridden by PLAYGROUND_* environment variables, overridden by `overrides`. */
function resolveOptions(overrides = {}, env = process.env) {
	const fromEnv = {
		dir: env.PLAYGROUND_DIR,
		n8nPort: env.PLAYGROUND_N8N_PORT,
		sandboxPort: env.PLAYGROUND_SANDBOX_PORT,
		brokerPort: env.PLAYGROUND_BROKER_PORT,
		email: env.PLAYGROUND_EMAIL,
		password: env.PLAYGROUND_PASSWORD,
		sessionEverySeconds: env.PLAYGROUND_SESSION_EVERY,
	};
	const options = { ...DEFAULTS };
	for (const source of [fromEnv, overrides]) {
		for (const [key, value] of Object.entries(source)) if (value !== undefined && value !== '') options[key] = value;
	}
	options.dir = path.resolve(options.dir);
	for (const key of ['n8nPort', 'sandboxPort', 'brokerPort']) {
		const port = Number(options[key]);
		if (!Number.isInteger(port) || port < 1 || port > 65535) throw new PlaygroundError(`${key}: not a TCP port: ${options[key]}`);
		options[key] = port;
	}
	const every = Number(options.sessionEverySeconds);
	if (!Number.isInteger(every) || every < 0 || (every > 0 && every < 5)) throw new PlaygroundError(`sessionEverySeconds: 0 (no new sessions) or whole seconds from 5 on, not ${options.sessionEverySeconds}`);
	options.sessionEverySeconds = every;
	// The playground talks to n8n with fetch, which refuses these.
	if (BAD_PORTS.has(options.n8nPort)) throw new PlaygroundError(`n8nPort: ${options.n8nPort} is a port that fetch refuses (a "bad port" of the Fetch standard); choose another`);
	const ports = [options.n8nPort, options.sandboxPort, options.brokerPort];
	if (new Set(ports).size !== ports.length) throw new PlaygroundError(`n8n, sandbox and task-broker ports must differ (got ${ports.join(', ')})`);
	const problem = passwordProblem(options.password);
	if (problem) throw new PlaygroundError(`PLAYGROUND_PASSWORD: ${problem} (n8n's password rules)`);
	if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(options.email)) throw new PlaygroundError(`PLAYGROUND_EMAIL: not an email address: ${options.email}`);
	return options;
}

module.exports = { DEFAULTS, PlaygroundError, resolveOptions };
