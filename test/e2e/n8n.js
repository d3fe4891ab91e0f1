'use strict';

/**
 * Drives a real, pinned n8n (see harness/) headless: a fresh user folder with our packed package
 * installed as a community package, `n8n import:*` and `n8n execute --id`.
 */

const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');
const HARNESS_SCRIPT = path.join(REPO, 'dev', 'n8n', 'harness', 'install.sh');

/** PATH without npm-script additions (node_modules/.bin with our dev Node 24 first). */
function systemPath() {
	return process.env.PATH.split(':').filter((dir) => !dir.endsWith(path.join('node_modules', '.bin'))).join(':');
}

/** Installs (on first use) and returns the harness folder of an n8n line (2 or 1). */
function harnessFor(line) {
	const out = execFileSync('bash', [HARNESS_SCRIPT, String(line)], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		env: { ...process.env, PATH: systemPath() },
	});
	return out.trim().split('\n').pop();
}

/** `npm pack` of the built package into a temporary folder; returns the tarball path. */
function packPackage() {
	const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-pack-'));
	const out = execFileSync('npm', ['pack', '--pack-destination', dest, '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8' });
	const [info] = JSON.parse(out);
	return { tarball: path.join(dest, info.filename), files: info.files.map((file) => file.path) };
}

async function freePort() {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/**
 * Starts a command with its stdout and stderr going to files in a fresh temporary folder, not to
 * pipes: n8n ends with process.exit() right after printing, and what it had printed into a pipe
 * that this (busy) process had not drained yet was lost (a CI run got half a run back). Returns
 * the child and `collect()`, which reads both files once the child has closed and removes them.
 */
function spawnToFiles(command, args, { env, cwd }) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-cmd-'));
	const files = [path.join(dir, 'out'), path.join(dir, 'err')];
	const fds = files.map((file) => fs.openSync(file, 'w'));
	let child;
	try {
		child = spawn(command, args, { env, cwd, stdio: ['ignore', ...fds] });
	} catch (error) {
		fs.rmSync(dir, { recursive: true, force: true });
		throw error;
	} finally {
		fds.forEach((fd) => fs.closeSync(fd));
	}
	function collect() {
		try {
			const [stdout, stderr] = files.map((file) => fs.readFileSync(file, 'utf8'));
			return { stdout, stderr };
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}
	return { child, collect };
}

/** Exit status of a closed child: its code, or 139 for SIGSEGV and 128 for other signals. */
function exitStatus(child) {
	return new Promise((resolve, reject) => {
		child.once('error', reject);
		child.once('close', (code, signal) => resolve(code ?? (signal === 'SIGSEGV' ? 139 : 128)));
	});
}

/**
 * Runs a command to its end (spawnToFiles); resolves with { status, stdout, stderr, ms }. Killed
 * after `timeoutMs`.
 */
async function runCaptured(command, args, { env, cwd, timeoutMs }) {
	const started = Date.now();
	const { child, collect } = spawnToFiles(command, args, { env, cwd });
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	const status = await exitStatus(child).finally(() => clearTimeout(timer));
	const ms = Date.now() - started;
	return { status, ...collect(), ms };
}

/**
 * A fresh n8n user folder with the tarball installed in .n8n/nodes, as n8n's community-package
 * installer does. Returns helpers bound to it.
 */
async function createInstance(line, tarball) {
	const harness = harnessFor(line);
	const root = fs.mkdtempSync(path.join(os.tmpdir(), `chargepilot-e2e-n8n${line}-`));
	const userFolder = path.join(root, 'user');
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }));
	execFileSync('npm', ['install', tarball, '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], {
		cwd: nodesDir,
		stdio: ['ignore', 'ignore', 'inherit'],
	});

	const env = {
		...process.env,
		// Line 2: the harness's Node 24 and n8n first. Line 1: the system Node 20.
		PATH: line === 2 ? `${path.join(harness, 'node_modules', '.bin')}:${systemPath()}` : systemPath(),
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'chargepilot-e2e-key',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_LOG_LEVEL: 'info',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
	};
	delete env.NODE_OPTIONS;
	if (line === 2) env.N8N_DISABLED_MODULES = 'mcp-registry';
	else env.N8N_EXPRESSION_ENGINE = 'legacy'; // 1.x's default engine has no Node 20 build
	const n8nBin = path.join(harness, 'node_modules', '.bin', 'n8n');

	/**
	 * Runs an n8n command without blocking this process's event loop (the sandbox it talks to
	 * lives here). Bounded: killed after five minutes.
	 */
	async function n8n(args, { allowFail = false, retried = false } = {}) {
		const result = await runCaptured(n8nBin, args, { env, cwd: root, timeoutMs: 300_000 });
		if (result.status !== 0 && !allowFail) {
			const detail = `n8n ${args.join(' ')} exited ${result.status}\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`;
			if (retried) throw new Error(detail);
			// A shared machine can make n8n's start-up fail (e.g. a port taken meanwhile): say so, try once more.
			console.log(`  note: ${detail.split('\n')[0]}; retrying once`);
			return await n8n(args, { allowFail, retried: true });
		}
		return result;
	}

	function writeJson(name, value) {
		const file = path.join(root, name);
		fs.writeFileSync(file, JSON.stringify(value, null, 2));
		return file;
	}

	const version = (await n8n(['--version'])).stdout.trim().split('\n').pop();

	return {
		line,
		version,
		root,
		userFolder,
		env,
		n8n,
		async importCredentials(credentials) {
			return await n8n(['import:credentials', `--input=${writeJson('credentials.json', credentials)}`]);
		},
		async importWorkflow(workflow) {
			return await n8n(['import:workflow', `--input=${writeJson(`workflow-${workflow.id}.json`, workflow)}`]);
		},
		/** Runs a workflow; returns the parsed IRun (n8n 2.41.1 may SIGSEGV after printing it, see harness README). */
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
		cleanup() {
			fs.rmSync(root, { recursive: true, force: true });
		},
	};
}

/**
 * The run `n8n execute --rawOutput` printed: pretty-printed JSON from the first line that is exactly
 * `{` to the first line after it that is exactly `}`; undefined when there is none (or it is cut).
 */
function parseRun(stdout) {
	const start = stdout.startsWith('{\n') ? 0 : stdout.indexOf('\n{\n') + 1;
	if (start === 0 && !stdout.startsWith('{\n')) return undefined;
	let end = stdout.indexOf('\n}\n', start);
	if (end < 0 && stdout.endsWith('\n}')) end = stdout.length - 2;
	if (end < 0) return undefined;
	return JSON.parse(stdout.slice(start, end + 2));
}

/** Output items (json) of a node in a run, or its error. */
function nodeResult(run, nodeName) {
	const task = run.data.resultData.runData[nodeName]?.[0];
	if (!task) return { items: undefined, error: { message: `node "${nodeName}" did not run` } };
	return { items: (task.data?.main?.[0] ?? []).map((item) => item.json), error: task.error };
}

module.exports = { REPO, harnessFor, packPackage, createInstance, nodeResult, parseRun, spawnToFiles, exitStatus, runCaptured, freePort };
