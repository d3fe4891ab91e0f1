'use strict';

/**
 * A real n8n server (`n8n start`) for end-to-end tests of activated workflows: start and stop by
 * process group, loopback HTTP, owner set-up and a public-API key.
 */

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const { harnessFor } = require('./n8n');

const HOST = '127.0.0.1';
const OWNER = { email: 'owner@example.com', firstName: 'E2E', lastName: 'Owner', password: 'E2e-Owner-Pass-1' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One HTTP request to n8n on loopback. `body`: a string or Buffer sent as is, anything else as JSON. */
function request(port, method, urlPath, { body, headers = {}, timeoutMs = 30_000 } = {}) {
	return new Promise((resolve, reject) => {
		let payload;
		const allHeaders = { accept: 'application/json', ...headers };
		if (body !== undefined) {
			payload = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
			if (!Object.keys(allHeaders).some((name) => name.toLowerCase() === 'content-type') && typeof body !== 'string' && !Buffer.isBuffer(body)) {
				allHeaders['content-type'] = 'application/json';
			}
			allHeaders['content-length'] = payload.length;
		}
		const started = Date.now();
		const req = http.request({ host: HOST, port, method, path: urlPath, headers: allHeaders, timeout: timeoutMs }, (res) => {
			const chunks = [];
			res.on('data', (chunk) => chunks.push(chunk));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json;
				try {
					json = text ? JSON.parse(text) : undefined;
				} catch {
					json = undefined;
				}
				const cookie = []
					.concat(res.headers['set-cookie'] || [])
					.map((c) => c.split(';')[0])
					.find((c) => c.startsWith('n8n-auth='));
				resolve({ status: res.statusCode, headers: res.headers, text, json, cookie, ms: Date.now() - started });
			});
		});
		req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no answer within ${timeoutMs} ms`)));
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

/** `n8n start` in its own process group, output to a log file; resolves when /healthz/readiness is 200. */
async function startN8n(instance, port, extraEnv = {}) {
	const logFile = path.join(instance.root, 'n8n-start.log');
	const log = fs.openSync(logFile, 'a');
	const env = {
		...instance.env,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: HOST,
		N8N_HOST: HOST,
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: HOST,
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		// Debug, so the log would show a leaked key if the node logged one (it logs refusals at debug).
		N8N_LOG_LEVEL: 'debug',
		...extraEnv,
	};
	const n8nBin = path.join(harnessFor(instance.line), 'node_modules', '.bin', 'n8n');
	const child = spawn(n8nBin, ['start'], { cwd: instance.root, env, stdio: ['ignore', log, log], detached: true });
	fs.closeSync(log);
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
	let exit = null;
	exited.then((how) => (exit = how));
	const deadline = Date.now() + 240_000;
	for (;;) {
		if (exit) throw new Error(`n8n exited during start-up (${exit.signal || `exit ${exit.code}`}):\n${tail(logFile)}`);
		if (Date.now() > deadline) throw new Error(`n8n was not ready after 240 s:\n${tail(logFile)}`);
		try {
			const res = await request(port, 'GET', '/healthz/readiness', { timeoutMs: 2000 });
			if (res.status === 200) return { child, exited, logFile };
		} catch {
			// not listening yet
		}
		await sleep(300);
	}
}

function tail(file, lines = 30) {
	try {
		return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

/** SIGTERM to n8n's process group (n8n and its task runner), SIGKILL after 30 s. */
async function stopN8n(server) {
	if (!server) return;
	const { child, exited } = server;
	const group = (signal) => {
		try {
			process.kill(-child.pid, signal);
			return true;
		} catch {
			return false;
		}
	};
	if (child.exitCode === null && child.signalCode === null) {
		group('SIGTERM');
		const done = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
		if (!done) {
			console.log('  note: n8n did not stop within 30 s; SIGKILL');
			group('SIGKILL');
			await Promise.race([exited, sleep(5000)]);
		}
	}
	// Whatever is left of the group (the task runner) goes too.
	for (let i = 0; i < 20 && group(0); i++) await sleep(100);
	if (group(0)) group('SIGKILL');
}

/** Sets up the owner account and returns a public-API client (`api(method, path, body)`). */
async function ownerAndApi(port) {
	// 1.x reports ready a moment before its REST routes are mounted: retry while they 404.
	let owner;
	for (const until = Date.now() + 60_000; ; await sleep(500)) {
		owner = await request(port, 'POST', '/rest/owner/setup', { body: OWNER });
		if (owner.status !== 404 || Date.now() > until) break;
	}
	assert.equal(owner.status, 200, `owner setup: HTTP ${owner.status} ${owner.text.slice(0, 300)}`);
	const cookie = owner.cookie;
	const scopes = ['workflow:read', 'workflow:list', 'workflow:activate', 'workflow:deactivate', 'execution:read', 'execution:list'];
	const apiKeyRes = await request(port, 'POST', '/rest/api-keys', { body: { label: 'push e2e', expiresAt: null, scopes }, headers: { cookie } });
	assert.equal(apiKeyRes.status, 200, `api key: HTTP ${apiKeyRes.status} ${apiKeyRes.text.slice(0, 300)}`);
	const apiKey = apiKeyRes.json.data.rawApiKey ?? apiKeyRes.json.data.apiKey;
	const api = (method, urlPath, body) => request(port, method, `/api/v1${urlPath}`, { body, headers: { 'x-n8n-api-key': apiKey } });
	return { api, cookie };
}

/**
 * Bounds a whole e2e run: after `maxMs` it prints FAIL, kills the n8n process group that
 * `currentServer()` returns (started by startN8n, by its pid) and exits 1. Returns a stop function.
 */
function startWatchdog(label, maxMs, currentServer) {
	const timer = setTimeout(() => {
		console.log(`FAIL: the ${label} took longer than ${maxMs / 1000} s; stopping n8n`);
		const server = currentServer();
		if (server) {
			try {
				process.kill(-server.child.pid, 'SIGKILL');
			} catch {
				// gone
			}
		}
		process.exit(1);
	}, maxMs);
	timer.unref();
	return () => clearTimeout(timer);
}

module.exports = { HOST, OWNER, sleep, request, startN8n, stopN8n, tail, ownerAndApi, startWatchdog };
