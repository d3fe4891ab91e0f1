'use strict';

/**
 * A local npm registry for one test: the pinned verdaccio (install.js) started through the process
 * manager on 127.0.0.1, with its storage, user file and npm folders in `root` (a temporary folder of
 * the caller), no uplinks (it knows only what is published to it), and one user whose token
 * publishes. Stopped by its PID like every other process.
 */

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { freePort, HOST } = require('../ports');
const { processes: defaultProcesses } = require('../process');
const { systemPath } = require('../n8n/env');
const { ensureRegistryInstall } = require('./install');

const USER = 'ci';

function config(root) {
	return [
		`storage: ${path.join(root, 'storage')}`,
		'auth:',
		'  htpasswd:',
		`    file: ${path.join(root, 'htpasswd')}`,
		'    max_users: 5',
		'uplinks: {}',
		'packages:',
		"  '**':",
		'    access: $all',
		'    publish: $authenticated',
		'    unpublish: $authenticated',
		'log: { type: stdout, format: json, level: warn }',
		'web: { enable: false }',
		'',
	].join('\n');
}

async function json(url, init = {}) {
	const res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 30_000) });
	const text = await res.text();
	let body;
	try {
		body = text ? JSON.parse(text) : undefined;
	} catch {
		body = undefined;
	}
	return { status: res.status, text, json: body };
}

/**
 * Starts verdaccio (installing it on first use) under the process name `name`, on `port` (default:
 * a free one), with everything in `root`; resolves once it answers /-/ping and its user exists.
 * Returns { proc, port, url, version, publish(tarball), packument(name) }.
 */
async function startRegistry({ root, port, name = 'verdaccio', processes = defaultProcesses, log = () => {}, readyTimeoutMs = 120_000 }) {
	const install = await ensureRegistryInstall({ processes, log });
	fs.mkdirSync(root, { recursive: true });
	const configFile = path.join(root, 'config.yaml');
	fs.writeFileSync(configFile, config(root));
	const registryPort = port ?? (await freePort());
	const url = `http://${HOST}:${registryPort}/`;
	const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && !/^(https?|all|no)_proxy$/i.test(key) && key !== 'NODE_OPTIONS'));
	const proc = processes.start(name, install.node, [install.bin, '--config', configFile, '--listen', `${HOST}:${registryPort}`], {
		env,
		cwd: root,
		logFile: path.join(root, `${name}.log`),
		log,
	});
	await proc.waitReady(async () => (await json(`${url}-/ping`, { timeoutMs: 2000 })).status === 200, { timeoutMs: readyTimeoutMs, intervalMs: 200 });

	const password = crypto.randomBytes(12).toString('hex');
	const user = await json(`${url}-/user/org.couchdb.user:${USER}`, {
		method: 'PUT',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name: USER, password }),
	});
	if (user.status !== 201 || !user.json?.token) throw new Error(`verdaccio: creating the user failed: HTTP ${user.status} ${user.text.slice(0, 300)}`);
	const token = user.json.token;

	// npm for publishing: the system npm with a user config of its own (the token, nothing of
	// ~/.npmrc) and its own cache.
	const npmDir = path.join(root, 'npm');
	fs.mkdirSync(npmDir, { recursive: true });
	fs.writeFileSync(path.join(npmDir, 'npmrc'), `//${HOST}:${registryPort}/:_authToken=${token}\n`, { mode: 0o600 });
	const npmEnv = { ...env, PATH: systemPath(), npm_config_userconfig: path.join(npmDir, 'npmrc'), npm_config_cache: path.join(npmDir, 'cache'), npm_config_update_notifier: 'false' };

	return {
		proc,
		port: registryPort,
		url,
		version: install.version,

		/** `npm publish <tarball>` to this registry (the tarball as it is; no scripts run). Resolves { ms }. */
		async publish(tarball) {
			const result = await processes.run(
				'npm',
				['publish', tarball, '--registry', url, '--ignore-scripts', '--no-provenance', '--access', 'public', '--loglevel=error'],
				{ cwd: npmDir, env: npmEnv, timeoutMs: 5 * 60_000 },
			);
			if (result.status !== 0) throw new Error(`npm publish ${path.basename(tarball)} failed (exit ${result.status})\n${(result.stdout + result.stderr).trim().slice(-1500)}`);
			return { ms: result.ms };
		},

		/** The packument of a package as the registry serves it ({ status, json }). */
		packument(packageName) {
			return json(`${url}${encodeURIComponent(packageName).replace('%40', '@')}`, { headers: { accept: 'application/json' } });
		},
	};
}

module.exports = { startRegistry };
