'use strict';

/**
 * An n8n instance: one user folder (SQLite unless `env` says otherwise, encryption key, this
 * package installed as a community package) of a pinned harness line, and what runs on it: n8n
 * commands (`import:*`, `execute`) and server processes (`n8n start`, and in queue mode `n8n
 * worker` and `n8n webhook`: each a named process with its own port and environment; queue.js
 * puts several instances together). Processes go through the process manager (dev/process).
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { freePort } = require('../ports');
const { processes: defaultProcesses } = require('../process');
const { N8nClient } = require('./client');
const { HOST, n8nEnv, serverEnv, workerEnv } = require('./env');
const { ensureHarness } = require('./harness');
const { installPackage } = require('./package');
const { parseRun } = require('./run-data');

/**
 * Creates the instance. `packed`: a packPackage() result to install (skipped when the same tarball
 * is installed already). `root`: the instance's folder (default: a new temporary one); the user
 * folder is <root>/user. `encryptionKey`: null keeps the one n8n wrote on its first run.
 * `harness`: an ensureHarness() result (default: ensured here). `version: false` skips asking n8n
 * for its version. `env`: variables added for every command and server of the instance (e.g. a
 * queue-mode database and Redis, queue.js). `baseEnv`: the environment n8n's variables are added to
 * (default process.env).
 */
async function createInstance(line, packed, options = {}) {
	const { root: rootOption, encryptionKey = 'chargepilot-e2e-key', logLevel = 'info', brokerPort, version: askVersion = true, baseEnv = process.env, processes = defaultProcesses, env: addedEnv = {} } = options;
	const harness = options.harness ?? (await ensureHarness(line, { processes }));
	const root = rootOption ?? fs.mkdtempSync(path.join(os.tmpdir(), `chargepilot-e2e-n8n${line}-`));
	const userFolder = path.join(root, 'user');
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const installed = packed ? await installPackage(nodesDir, packed, { processes }) : false;
	const env = { ...n8nEnv({ harness, userFolder, brokerPort: brokerPort ?? (await freePort()), encryptionKey, logLevel, base: baseEnv }), ...addedEnv };

	/**
	 * Runs an n8n command to its end without blocking this process's event loop (the sandbox it
	 * talks to may live here). Bounded: killed after five minutes. A failure is retried once (a
	 * shared machine can make n8n's start-up fail, e.g. a port taken meanwhile) unless `retry` is
	 * false, and then thrown unless `allowFail`.
	 */
	async function n8n(args, { allowFail = false, retry = true, timeoutMs = 300_000 } = {}) {
		const result = await processes.run(harness.n8n, args, { env, cwd: root, timeoutMs });
		if (result.status === 0 || allowFail) return result;
		const detail = `n8n ${args.join(' ')} exited ${result.status}\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`;
		if (!retry) throw new Error(detail);
		console.log(`  note: ${detail.split('\n')[0]}; retrying once`);
		return await n8n(args, { allowFail, retry: false, timeoutMs });
	}

	function writeJson(name, value) {
		const file = path.join(root, name);
		fs.writeFileSync(file, JSON.stringify(value, null, 2), { mode: 0o600 });
		return file;
	}

	const instance = {
		line,
		harness,
		root,
		userFolder,
		nodesDir,
		/** Whether the package was installed now (false: the same tarball was there already). */
		installed,
		env,
		n8n,
		version: askVersion ? (await n8n(['--version'])).stdout.trim().split('\n').pop() : undefined,

		async importCredentials(credentials, options) {
			const file = writeJson('credentials.json', credentials);
			try {
				return await n8n(['import:credentials', `--input=${file}`], options);
			} finally {
				fs.rmSync(file, { force: true });
			}
		},

		async importWorkflow(workflow, options) {
			return await n8n(['import:workflow', `--input=${writeJson(`workflow-${workflow.id}.json`, workflow)}`], options);
		},

		/** Imports several workflows with one n8n command (one file holding their array). */
		async importWorkflows(workflows, options) {
			return await n8n(['import:workflow', `--input=${writeJson('workflows.json', workflows)}`], options);
		},

		/** Runs a workflow; returns the parsed IRun (n8n 2.41.1 may SIGSEGV after printing it, see harness/README.md). */
		async execute(workflowId) {
			let result = await n8n(['execute', `--id=${workflowId}`, '--rawOutput'], { allowFail: true });
			let run = parseRun(result.stdout);
			if (!run) {
				console.log(`  note: n8n execute exited ${result.status} without run data; retrying once`);
				result = await n8n(['execute', `--id=${workflowId}`, '--rawOutput'], { allowFail: true });
				run = parseRun(result.stdout);
			}
			if (!run) {
				throw new Error(`n8n execute (exit ${result.status}) printed no run data\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
			}
			const crashedAfterResult = result.status === 139 && line === 2;
			if (result.status !== 0 && !crashedAfterResult && run.status === 'success') {
				throw new Error(`n8n execute exited ${result.status} after a successful run`);
			}
			return { run, exitCode: result.status, ms: result.ms };
		},

		/**
		 * Starts an n8n server process on this user folder (`command`: start, worker, webhook; `args`
		 * after it, e.g. ['--concurrency=5']) under `name`, on `port` (default: a free one; for a
		 * worker the port of its health server, the only HTTP it serves), its output appended to
		 * `logFile` (default <root>/<name>.log), with `env` added to the instance's; resolves once it
		 * answers /healthz/readiness (`ready: false`: at once). Returns { proc, port, url, logFile, client }.
		 */
		async startServer({ name = 'n8n', command = 'start', args = [], port, env: extraEnv = {}, logFile, ready = true, readyTimeoutMs = 240_000, log } = {}) {
			const serverPort = port ?? (await freePort());
			const file = logFile ?? path.join(root, `${name}.log`);
			const portEnv = command === 'worker' ? workerEnv(serverPort) : serverEnv(serverPort);
			const proc = processes.start(name, harness.n8n, [command, ...args], { env: { ...env, ...portEnv, ...extraEnv }, cwd: root, logFile: file, log });
			const url = `http://${HOST}:${serverPort}`;
			const client = new N8nClient(url);
			const server = { name, proc, port: serverPort, url, logFile: file, client };
			if (ready) await proc.waitReady(async () => (await client.readiness()) === 200, { timeoutMs: readyTimeoutMs, intervalMs: 300 });
			return server;
		},

		cleanup() {
			fs.rmSync(root, { recursive: true, force: true });
		},
	};
	return instance;
}

module.exports = { createInstance };
