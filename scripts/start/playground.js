'use strict';

/**
 * The local playground: the ChargePilot API sandbox plus a real n8n 2.41.1 (the e2e harness,
 * dev/n8n/harness/install.sh 2) with this package installed as a community package, an owner account,
 * a "ChargePilot Sandbox" credential and the example workflows. Used by scripts/start.js
 * (`npm start`) and scripts/screenshot.js.
 *
 * State lives in one folder (default <repo>/.playground, git-ignored):
 *   user/            N8N_USER_FOLDER (SQLite DB, encryption key in user/.n8n/config,
 *                    the package in user/.n8n/nodes/node_modules)
 *   pack/            the tarball of the last `npm pack`
 *   import/          JSON handed to `n8n import:*`
 *   state.json       fingerprints of what was imported (to skip unchanged imports)
 *   n8n.log          n8n's output (appended per start)
 *   n8n.pid          PID of the running n8n (removed on a clean stop)
 *
 * Only loopback addresses are used. Every child process is started here and stopped by its PID.
 */

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');
const HARNESS_SCRIPT = path.join(REPO, 'dev', 'n8n', 'harness', 'install.sh');
const EXAMPLES_DIR = path.join(REPO, 'examples');
const HOST = '127.0.0.1';

const NODE_TYPE = 'n8n-nodes-chargepilot.chargePilot';
const CREDENTIAL_TYPE = 'chargePilotApi';
const CREDENTIAL_ID = 'CpPlaygroundCred';
const CREDENTIAL_NAME = 'ChargePilot Sandbox';
const CREDENTIAL_PLACEHOLDER = 'REPLACE_WITH_YOUR_CREDENTIAL_ID';
const DEMO_WORKFLOW_ID = 'CpPlaygroundDemo';
const DEMO_WORKFLOW_NAME = 'ChargePilot demo: list sites (sandbox)';
const DEMO_TRIGGER_NAME = "When clicking 'Execute workflow'";
const DEMO_NODE_NAME = 'ChargePilot';

const DEFAULTS = Object.freeze({
	dir: path.join(REPO, '.playground'),
	n8nPort: 5678,
	sandboxPort: 8787,
	brokerPort: 5679,
	email: 'owner@example.com',
	password: 'ChargePilot-Playground-1',
	firstName: 'ChargePilot',
	lastName: 'Playground',
});

class PlaygroundError extends Error {}

/** Defaults, overridden by PLAYGROUND_* environment variables, overridden by `overrides`. */
function resolveOptions(overrides = {}, env = process.env) {
	const fromEnv = {
		dir: env.PLAYGROUND_DIR,
		n8nPort: env.PLAYGROUND_N8N_PORT,
		sandboxPort: env.PLAYGROUND_SANDBOX_PORT,
		brokerPort: env.PLAYGROUND_BROKER_PORT,
		email: env.PLAYGROUND_EMAIL,
		password: env.PLAYGROUND_PASSWORD,
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
	const ports = [options.n8nPort, options.sandboxPort, options.brokerPort];
	if (new Set(ports).size !== ports.length) throw new PlaygroundError(`n8n, sandbox and task-broker ports must differ (got ${ports.join(', ')})`);
	const problem = passwordProblem(options.password);
	if (problem) throw new PlaygroundError(`PLAYGROUND_PASSWORD: ${problem} (n8n's password rules)`);
	if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(options.email)) throw new PlaygroundError(`PLAYGROUND_EMAIL: not an email address: ${options.email}`);
	return options;
}

/** n8n 2.x's owner password rules (8-64 characters, a digit, an uppercase letter). */
function passwordProblem(password) {
	if (typeof password !== 'string' || password.length < 8 || password.length > 64) return 'must be 8 to 64 characters long';
	if (!/\d/.test(password)) return 'must contain a number';
	if (!/[A-Z]/.test(password)) return 'must contain an uppercase letter';
	return null;
}

/** PATH without npm-script additions (node_modules/.bin with the dev Node 24 first). */
function systemPath() {
	return (process.env.PATH || '')
		.split(':')
		.filter((dir) => dir && !dir.endsWith(path.join('node_modules', '.bin')))
		.join(':');
}

function sha256(text) {
	return crypto.createHash('sha256').update(text).digest('hex');
}

function seconds(ms) {
	return `${(ms / 1000).toFixed(1)} s`;
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Like sleep(), but does not keep the process alive (for timeouts raced against other promises). */
function unrefSleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

function cmdline(pid) {
	try {
		return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
	} catch {
		return '';
	}
}

/** Resolves null when `port` can be bound on 127.0.0.1, else the error code (EADDRINUSE, EACCES...). */
function probePort(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', (error) => resolve(error.code || String(error)));
		server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve(null)));
	});
}

/** Minimal HTTP client for n8n's REST API on loopback (JSON in, JSON out, cookie jar of one). */
function request(port, method, urlPath, { body, cookie, timeoutMs = 30000 } = {}) {
	return new Promise((resolve, reject) => {
		const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
		const headers = { accept: 'application/json' };
		if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': payload.length });
		if (cookie) headers.cookie = cookie;
		const req = http.request({ host: HOST, port, method, path: urlPath, headers, timeout: timeoutMs }, (res) => {
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
				const setCookie = [].concat(res.headers['set-cookie'] || []);
				const auth = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
				resolve({ status: res.statusCode, json, text, cookie: auth });
			});
		});
		req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no answer within ${timeoutMs} ms`)));
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

/** The demo workflow: Manual Trigger -> ChargePilot Site Get Many. */
function demoWorkflow() {
	return {
		id: DEMO_WORKFLOW_ID,
		name: DEMO_WORKFLOW_NAME,
		active: false,
		nodes: [
			{
				id: 'c0a1e0d2-0000-4000-8000-000000000001',
				name: DEMO_TRIGGER_NAME,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'c0a1e0d2-0000-4000-8000-000000000002',
				name: DEMO_NODE_NAME,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [260, 0],
				parameters: { resource: 'site', operation: 'getAll', returnAll: true },
				credentials: { [CREDENTIAL_TYPE]: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } },
			},
		],
		connections: {
			[DEMO_TRIGGER_NAME]: { main: [[{ node: DEMO_NODE_NAME, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/**
 * examples/*.json as importable workflows: the credential placeholder replaced by the sandbox
 * credential (id and name) and a stable id when the file has none. Returns [{ file, workflow }] and
 * problems ([{ file, message }]) for files that are not workflows.
 */
function exampleWorkflows(dir = EXAMPLES_DIR) {
	const found = [];
	const problems = [];
	if (!fs.existsSync(dir)) return { found, problems };
	for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
		const file = path.join(dir, name);
		const rel = path.relative(REPO, file);
		let parsed;
		try {
			parsed = JSON.parse(fs.readFileSync(file, 'utf8').split(CREDENTIAL_PLACEHOLDER).join(CREDENTIAL_ID));
		} catch (error) {
			problems.push({ file: rel, message: `not valid JSON: ${error.message}` });
			continue;
		}
		const list = Array.isArray(parsed) ? parsed : [parsed];
		list.forEach((workflow, index) => {
			if (!workflow || typeof workflow !== 'object' || !Array.isArray(workflow.nodes) || typeof workflow.connections !== 'object') {
				problems.push({ file: rel, message: 'not an n8n workflow (needs "nodes" and "connections")' });
				return;
			}
			const copy = { ...workflow };
			if (typeof copy.id !== 'string' || !copy.id) copy.id = `CpEx${sha256(`${name}#${index}`).slice(0, 12)}`;
			if (!copy.name) copy.name = `${path.basename(name, '.json')}${list.length > 1 ? ` ${index + 1}` : ''}`;
			copy.active = false;
			copy.nodes = workflow.nodes.map((node) => {
				const credential = node && node.credentials && node.credentials[CREDENTIAL_TYPE];
				if (!credential || credential.id !== CREDENTIAL_ID) return node;
				return { ...node, credentials: { ...node.credentials, [CREDENTIAL_TYPE]: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } } };
			});
			found.push({ file: rel, workflow: copy });
		});
	}
	return { found, problems };
}

class Playground {
	/**
	 * @param {object} options  see resolveOptions(); plus
	 *   log(line)        progress output (default: stderr)
	 *   onSandboxRequest(record)  called per sandbox request (default: none)
	 *   verbose          copy n8n's output to stdout as well as n8n.log
	 *   reset            delete the n8n user folder (owner, credential, workflows, executions) first
	 */
	constructor(options = {}) {
		const { log, onSandboxRequest, verbose, reset, ...rest } = options;
		this.reset = Boolean(reset);
		this.options = resolveOptions(rest);
		this.log = log || ((line) => process.stderr.write(`[playground] ${line}\n`));
		this.onSandboxRequest = onSandboxRequest;
		this.verbose = Boolean(verbose);
		const dir = this.options.dir;
		this.paths = {
			dir,
			user: path.join(dir, 'user'),
			nodes: path.join(dir, 'user', '.n8n', 'nodes'),
			db: path.join(dir, 'user', '.n8n', 'database.sqlite'),
			pack: path.join(dir, 'pack'),
			import: path.join(dir, 'import'),
			state: path.join(dir, 'state.json'),
			log: path.join(dir, 'n8n.log'),
			pid: path.join(dir, 'n8n.pid'),
		};
		this.url = `http://${HOST}:${this.options.n8nPort}`;
		this.children = new Set();
		this.n8n = null;
		this.sandbox = null;
		this.cookie = null;
		this.stopping = false;
		this.timings = {};
		this.imported = { credential: false, workflows: [] };
	}

	/** Everything up to a ready n8n with an owner, logged in. Returns info for the banner. */
	async start() {
		const t0 = Date.now();
		fs.mkdirSync(this.paths.dir, { recursive: true });
		await this.checkPreconditions();
		if (this.reset) {
			this.log(`--reset: deleting ${this.paths.user} and ${this.paths.state}`);
			fs.rmSync(this.paths.user, { recursive: true, force: true });
			fs.rmSync(this.paths.state, { force: true });
		}
		this.harness = await this.step('harness', 'checking the n8n 2.41.1 harness (the first run installs it: ~4-5 min, ~3 GB, npm output below)', () => this.ensureHarness());
		await this.step('package', 'packing and installing n8n-nodes-chargepilot into the n8n user folder', () => this.installPackage());
		await this.step('sandbox', `starting the ChargePilot sandbox on port ${this.options.sandboxPort}`, () => this.startSandbox());
		await this.step('import', 'checking credential and workflows', () => this.importIfNeeded());
		await this.step('n8n', `starting n8n on ${this.url}`, () => this.startN8n());
		await this.step('owner', 'owner account', () => this.ensureOwner());
		this.timings.total = Date.now() - t0;
		return this.info();
	}

	async step(key, label, fn) {
		if (this.stopping) throw new PlaygroundError('stopped');
		this.log(`${label} ...`);
		const t = Date.now();
		const result = await fn();
		this.timings[key] = Date.now() - t;
		this.log(`  done (${seconds(this.timings[key])})`);
		return result;
	}

	info() {
		return {
			url: this.url,
			email: this.options.email,
			password: this.options.password,
			sandbox: this.sandbox && { baseUrl: this.sandbox.baseUrl, apiKey: this.sandbox.apiKey, apiSecret: this.sandbox.apiSecret },
			credential: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME },
			demoWorkflowId: DEMO_WORKFLOW_ID,
			workflows: this.workflowList || [],
			logFile: this.paths.log,
			dir: this.paths.dir,
			n8nPid: this.n8n && this.n8n.pid,
		};
	}

	async checkPreconditions() {
		if (fs.existsSync(this.paths.pid)) {
			let recorded = {};
			try {
				recorded = JSON.parse(fs.readFileSync(this.paths.pid, 'utf8'));
			} catch {
				// unreadable: treat as stale
			}
			const n8nAlive = Number.isInteger(recorded.n8n) && isAlive(recorded.n8n) && /n8n/.test(cmdline(recorded.n8n));
			const ownerAlive = Number.isInteger(recorded.owner) && recorded.owner !== process.pid && isAlive(recorded.owner) && /node/.test(cmdline(recorded.owner));
			if (n8nAlive && ownerAlive) {
				throw new PlaygroundError(
					`this playground (${this.paths.dir}) is already running: process ${recorded.owner} with n8n ${recorded.n8n}. ` +
						`Stop it with Ctrl+C in its terminal (or kill ${recorded.owner}), or use another --dir and ports.`,
				);
			}
			if (n8nAlive) {
				// Left behind by a playground that was killed (SIGKILL, closed terminal): ours, stop it.
				this.log(`stopping the n8n left running by an earlier playground run (PID ${recorded.n8n}) ...`);
				await this.terminate(recorded.n8n);
			}
			fs.rmSync(this.paths.pid, { force: true });
		}
		if (!fs.existsSync(path.join(REPO, 'dist', 'nodes')) || !fs.existsSync(path.join(REPO, 'dist', 'credentials'))) {
			throw new PlaygroundError('dist/ is missing: run `npm run build` first (`npm start` does).');
		}
		const ports = [
			['n8n', this.options.n8nPort, '--port / PLAYGROUND_N8N_PORT'],
			['sandbox', this.options.sandboxPort, '--sandbox-port / PLAYGROUND_SANDBOX_PORT'],
			["n8n's task broker", this.options.brokerPort, '--broker-port / PLAYGROUND_BROKER_PORT'],
		];
		const taken = [];
		for (const [what, port, how] of ports) {
			const code = await probePort(port);
			if (code) taken.push(`${what} port ${port} on ${HOST} is not available (${code}); free it or choose another with ${how}`);
		}
		if (taken.length) throw new PlaygroundError(`${taken.join('\n  ')}\n  (is another \`npm start\` or n8n running?)`);
	}

	/** Runs a command (no shell); rejects with its output on a non-zero exit. */
	run(command, args, { cwd = REPO, env = process.env, stderr = 'pipe', timeoutMs = 15 * 60 * 1000 } = {}) {
		return new Promise((resolve, reject) => {
			const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', stderr] });
			this.children.add(child);
			const out = [];
			const err = [];
			child.stdout.on('data', (chunk) => out.push(chunk));
			if (child.stderr) child.stderr.on('data', (chunk) => err.push(chunk));
			const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
			child.once('error', (error) => {
				clearTimeout(timer);
				this.children.delete(child);
				reject(error);
			});
			child.once('close', (code, signal) => {
				clearTimeout(timer);
				this.children.delete(child);
				const result = { code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
				if (code === 0) resolve(result);
				else {
					const error = new PlaygroundError(
						`${path.basename(command)} ${args.join(' ')} failed (${signal || `exit ${code}`})\n${(result.stdout + result.stderr).trim().split('\n').slice(-25).join('\n')}`,
					);
					error.result = result;
					reject(error);
				}
			});
		});
	}

	/** dev/n8n/harness/install.sh 2: installs n8n 2.41.1 + Node 24 on first use (npm progress on stderr). */
	async ensureHarness() {
		const env = { ...process.env, PATH: systemPath() };
		const { stdout } = await this.run('bash', [HARNESS_SCRIPT, '2'], { env, stderr: 'inherit', timeoutMs: 30 * 60 * 1000 });
		const dir = stdout.trim().split('\n').pop();
		const bin = path.join(dir, 'node_modules', '.bin');
		if (!fs.existsSync(path.join(bin, 'n8n'))) throw new PlaygroundError(`harness at ${dir} has no n8n binary`);
		return { dir, bin, n8n: path.join(bin, 'n8n') };
	}

	/**
	 * `npm pack` of the built package, then installed into user/.n8n/nodes as n8n's community
	 * package installer does (fresh on every start, so code changes show up after a restart).
	 */
	async installPackage() {
		const env = { ...process.env, PATH: systemPath() };
		fs.rmSync(this.paths.pack, { recursive: true, force: true });
		fs.mkdirSync(this.paths.pack, { recursive: true });
		const { stdout } = await this.run('npm', ['pack', '--pack-destination', this.paths.pack, '--json', '--ignore-scripts', '--loglevel=error'], { env });
		const [packed] = JSON.parse(stdout);
		const tarball = path.join(this.paths.pack, packed.filename);
		fs.mkdirSync(this.paths.nodes, { recursive: true });
		const manifest = path.join(this.paths.nodes, 'package.json');
		if (!fs.existsSync(manifest)) fs.writeFileSync(manifest, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
		const installedDir = path.join(this.paths.nodes, 'node_modules', packed.name);
		const stampFile = path.join(this.paths.nodes, '.playground-tarball');
		this.packageInfo = { name: packed.name, version: packed.version, files: packed.files.length, tarball, integrity: packed.integrity };
		// npm pack is reproducible (fixed mtimes): same integrity = same files as the installed copy.
		if (fs.existsSync(path.join(installedDir, 'package.json')) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8').trim() === packed.integrity) {
			this.log(`  ${packed.filename} (${packed.files.length} files) is unchanged since the last start; keeping the installed copy`);
			return;
		}
		// Same version, new content: remove the old copy so npm cannot keep it.
		fs.rmSync(stampFile, { force: true });
		fs.rmSync(installedDir, { recursive: true, force: true });
		await this.run(
			'npm',
			// --prefer-offline: npm still resolves the peer n8n-workflow's tree; from the cache that takes
			// ~3 s instead of ~14 s of registry round trips.
			['install', tarball, '--omit=peer', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', '--save=false', '--loglevel=error'],
			{ cwd: this.paths.nodes, env },
		);
		const installed = path.join(installedDir, 'package.json');
		if (!fs.existsSync(installed)) throw new PlaygroundError(`npm install finished but ${installed} is missing`);
		fs.writeFileSync(stampFile, `${packed.integrity}\n`);
		this.log(`  installed ${packed.filename} (${packed.files.length} files) into ${path.relative(REPO, this.paths.nodes)}`);
	}

	async startSandbox() {
		const { startSandbox } = require(path.join(REPO, 'dev', 'sandbox'));
		const options = { host: HOST, port: this.options.sandboxPort, recordLimit: 1000 };
		if (this.onSandboxRequest) options.onRequest = this.onSandboxRequest;
		try {
			this.sandbox = await startSandbox(options);
		} catch (error) {
			if (error.code === 'EADDRINUSE') throw new PlaygroundError(`sandbox port ${this.options.sandboxPort} is in use (--sandbox-port / PLAYGROUND_SANDBOX_PORT)`);
			throw error;
		}
	}

	n8nEnv() {
		const env = {
			...process.env,
			PATH: `${this.harness.bin}:${systemPath()}`,
			N8N_USER_FOLDER: this.paths.user,
			N8N_LISTEN_ADDRESS: HOST,
			N8N_HOST: HOST,
			N8N_PORT: String(this.options.n8nPort),
			N8N_PROTOCOL: 'http',
			N8N_SECURE_COOKIE: 'false',
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: HOST,
			N8N_RUNNERS_BROKER_PORT: String(this.options.brokerPort),
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_DISABLED_MODULES: 'mcp-registry',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'info',
		};
		// The encryption key lives in user/.n8n/config (written on the first run); a different key from
		// the environment would make the stored credential unreadable.
		delete env.N8N_ENCRYPTION_KEY;
		delete env.NODE_OPTIONS;
		return env;
	}

	readState() {
		try {
			return JSON.parse(fs.readFileSync(this.paths.state, 'utf8'));
		} catch {
			return { credential: null, workflows: {} };
		}
	}

	/**
	 * Ids of the credentials and workflows in n8n's SQLite DB (empty before the first import). Read
	 * with the harness's sqlite3 in a child process on the harness's Node 24: the add-on is built for
	 * that Node and crashes (SIGSEGV) when loaded into the system Node 20 that may run this script.
	 */
	async existingIds() {
		const ids = { credentials: new Set(), workflows: new Set() };
		if (!fs.existsSync(this.paths.db)) return ids;
		const script = `
const sqlite3 = require(process.argv[1]);
const db = new sqlite3.Database(process.argv[2], sqlite3.OPEN_READONLY, (error) => {
	if (error) throw error;
	db.all('SELECT id FROM credentials_entity', (e1, credentials) => {
		if (e1) throw e1;
		db.all('SELECT id FROM workflow_entity', (e2, workflows) => {
			if (e2) throw e2;
			process.stdout.write(JSON.stringify({ credentials: credentials.map((r) => r.id), workflows: workflows.map((r) => r.id) }));
			db.close();
		});
	});
});`;
		try {
			const { stdout } = await this.run(path.join(this.harness.bin, 'node'), ['-e', script, path.join(this.harness.dir, 'node_modules', 'sqlite3'), this.paths.db], {
				timeoutMs: 30000,
			});
			const parsed = JSON.parse(stdout);
			for (const id of parsed.credentials) ids.credentials.add(id);
			for (const id of parsed.workflows) ids.workflows.add(id);
		} catch (error) {
			this.log(`  could not read ${this.paths.db} (${error.message.split('\n')[0]}); importing everything again`);
		}
		return ids;
	}

	/**
	 * Imports (before n8n starts, with `n8n import:*`) what is missing from the DB or changed since
	 * the last import: the sandbox credential, the demo workflow and examples/*.json.
	 */
	async importIfNeeded() {
		const state = this.readState();
		const ids = await this.existingIds();
		const credential = {
			id: CREDENTIAL_ID,
			name: CREDENTIAL_NAME,
			type: CREDENTIAL_TYPE,
			data: { region: 'custom', baseUrl: this.sandbox.baseUrl, apiKey: this.sandbox.apiKey, apiSecret: this.sandbox.apiSecret, signedPath: 'full' },
		};
		const credentialPrint = sha256(JSON.stringify(credential));
		const { found, problems } = exampleWorkflows();
		for (const problem of problems) this.log(`  skipping ${problem.file}: ${problem.message}`);
		const workflows = [{ file: '(demo)', workflow: demoWorkflow() }, ...found];
		this.workflowList = workflows.map(({ file, workflow }) => ({ id: workflow.id, name: workflow.name, file }));

		const env = this.n8nEnv();
		fs.rmSync(this.paths.import, { recursive: true, force: true });
		fs.mkdirSync(this.paths.import, { recursive: true });
		const nextState = { credential: state.credential, workflows: { ...(state.workflows || {}) } };
		const save = () => fs.writeFileSync(this.paths.state, `${JSON.stringify(nextState, null, 2)}\n`);

		if (!ids.credentials.has(CREDENTIAL_ID) || state.credential !== credentialPrint) {
			const file = path.join(this.paths.import, 'credentials.json');
			fs.writeFileSync(file, JSON.stringify([credential], null, 2), { mode: 0o600 });
			const first = !fs.existsSync(this.paths.db);
			this.log(`  importing credential "${CREDENTIAL_NAME}" (${this.sandbox.baseUrl})${first ? '; new database, running migrations' : ''}`);
			await this.run(this.harness.n8n, ['import:credentials', `--input=${file}`], { env, cwd: this.paths.dir });
			fs.rmSync(file, { force: true });
			nextState.credential = credentialPrint;
			this.imported.credential = true;
			save();
		}

		const pending = workflows.filter(({ workflow }) => {
			const print = sha256(JSON.stringify(workflow));
			workflow.__print = print;
			return !ids.workflows.has(workflow.id) || nextState.workflows[workflow.id] !== print;
		});
		if (!pending.length) return;
		const dir = path.join(this.paths.import, 'workflows');
		fs.mkdirSync(dir, { recursive: true });
		const write = ({ workflow }) => {
			const { __print, ...clean } = workflow;
			fs.writeFileSync(path.join(dir, `${workflow.id}.json`), JSON.stringify(clean, null, 2));
		};
		for (const entry of pending) {
			const again = ids.workflows.has(entry.workflow.id) ? ' (changed, replacing the copy in n8n)' : '';
			this.log(`  importing workflow "${entry.workflow.name}" from ${entry.file}${again}`);
			write(entry);
		}
		try {
			await this.run(this.harness.n8n, ['import:workflow', '--separate', `--input=${dir}`], { env, cwd: this.paths.dir });
			for (const { workflow } of pending) nextState.workflows[workflow.id] = workflow.__print;
			this.imported.workflows.push(...pending.map(({ workflow }) => workflow.id));
		} catch (error) {
			// One bad file fails the whole batch: import one by one to name it and keep the others.
			this.log('  batch import failed; importing the workflows one by one');
			for (const entry of pending) {
				fs.rmSync(dir, { recursive: true, force: true });
				fs.mkdirSync(dir, { recursive: true });
				write(entry);
				try {
					await this.run(this.harness.n8n, ['import:workflow', '--separate', `--input=${dir}`], { env, cwd: this.paths.dir });
					nextState.workflows[entry.workflow.id] = entry.workflow.__print;
					this.imported.workflows.push(entry.workflow.id);
				} catch (single) {
					this.log(`  could not import ${entry.file}: ${single.message.split('\n').slice(-3).join(' | ')}`);
				}
			}
		}
		save();
		fs.rmSync(this.paths.import, { recursive: true, force: true });
	}

	/** `n8n start` in its own process group, output to n8n.log; waits for /healthz/readiness. */
	async startN8n() {
		fs.appendFileSync(this.paths.log, `\n===== ${new Date().toISOString()} n8n start (${this.url}) =====\n`);
		// n8n writes straight into the log file (not through a pipe to this process), so an n8n left
		// behind by a killed `npm start` keeps working and still stops cleanly on SIGTERM.
		const logFd = fs.openSync(this.paths.log, 'a');
		const startOffset = fs.fstatSync(logFd).size;
		let child;
		try {
			child = spawn(this.harness.n8n, ['start'], {
				cwd: this.paths.dir,
				env: this.n8nEnv(),
				stdio: ['ignore', logFd, logFd],
				detached: true, // own process group: Ctrl-C reaches only us, and we stop n8n by its PID
			});
		} finally {
			fs.closeSync(logFd);
		}
		this.n8n = child;
		this.n8nExit = new Promise((resolve) => {
			child.once('exit', (code, signal) => resolve({ code, signal }));
			child.once('error', (error) => {
				this.log(`n8n could not be started: ${error.message}`);
				resolve({ code: null, signal: null, error });
			});
		});
		if (this.verbose) this.followLog(startOffset);
		fs.writeFileSync(this.paths.pid, `${JSON.stringify({ n8n: child.pid, owner: process.pid })}\n`);

		const deadline = Date.now() + 180000;
		let exited = null;
		this.n8nExit.then((how) => {
			exited = how;
		});
		for (;;) {
			if (this.stopping) throw new PlaygroundError('stopped');
			if (exited) throw new PlaygroundError(`n8n exited during startup (${exited.signal || `exit ${exited.code}`}). Last lines of ${this.paths.log}:\n${this.logTail()}`);
			if (Date.now() > deadline) throw new PlaygroundError(`n8n was not ready after 180 s. Last lines of ${this.paths.log}:\n${this.logTail()}`);
			try {
				const res = await request(this.options.n8nPort, 'GET', '/healthz/readiness', { timeoutMs: 2000 });
				if (res.status === 200) return;
			} catch {
				// not listening yet
			}
			await sleep(250);
		}
	}

	/** --verbose: copy what n8n appends to the log file to stdout, until n8n exits. */
	followLog(offset) {
		let position = offset;
		const copy = () => {
			try {
				const size = fs.statSync(this.paths.log).size;
				if (size <= position) return;
				const fd = fs.openSync(this.paths.log, 'r');
				const buffer = Buffer.alloc(size - position);
				fs.readSync(fd, buffer, 0, buffer.length, position);
				fs.closeSync(fd);
				position = size;
				process.stdout.write(buffer);
			} catch {
				// log rotated or removed: ignore
			}
		};
		const timer = setInterval(copy, 250);
		timer.unref();
		this.n8nExit.then(() => {
			clearInterval(timer);
			copy();
		});
	}

	logTail(lines = 30) {
		try {
			return fs.readFileSync(this.paths.log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
		} catch {
			return '(no log)';
		}
	}

	/** Owner setup on a new instance, otherwise a login with the configured password. */
	async ensureOwner() {
		const settings = await request(this.options.n8nPort, 'GET', '/rest/settings');
		const data = (settings.json && settings.json.data) || {};
		const needsSetup = Boolean(data.userManagement && data.userManagement.showSetupOnFirstLoad);
		const { email, password, firstName, lastName } = this.options;
		if (needsSetup) {
			const res = await request(this.options.n8nPort, 'POST', '/rest/owner/setup', { body: { email, firstName, lastName, password } });
			if (res.status !== 200 || !res.cookie) throw new PlaygroundError(`owner setup failed: HTTP ${res.status} ${res.text.slice(0, 300)}`);
			this.cookie = res.cookie;
			this.ownerCreated = true;
			this.log(`  created the owner ${email}`);
			return;
		}
		this.cookie = await this.login();
		if (!this.cookie) {
			throw new PlaygroundError(
				`the owner account exists, but logging in as ${email} with the configured password failed. ` +
					`Use the email/password you chose earlier (PLAYGROUND_EMAIL / PLAYGROUND_PASSWORD), or start over with --reset ` +
					`(deletes ${this.paths.user}).`,
			);
		}
	}

	/** POST /rest/login; returns the n8n-auth cookie or null. */
	async login(email = this.options.email, password = this.options.password) {
		const res = await request(this.options.n8nPort, 'POST', '/rest/login', { body: { emailOrLdapLoginId: email, password } });
		return res.status === 200 && res.cookie ? res.cookie : null;
	}

	/**
	 * Runs the demo workflow over n8n's internal REST API as the owner and checks that the sandbox
	 * received a correctly signed GET /sites. Returns { executionId, status, sites, ms }.
	 */
	async selfCheck() {
		const t0 = Date.now();
		const cookie = (await this.login()) || this.cookie;
		if (!cookie) throw new PlaygroundError('self-check: login failed');
		const before = this.sandbox.requests.length;
		const beforeRecords = new Set(this.sandbox.requests);
		const run = await request(this.options.n8nPort, 'POST', `/rest/workflows/${DEMO_WORKFLOW_ID}/run`, {
			cookie,
			body: { triggerToStartFrom: { name: DEMO_TRIGGER_NAME } },
		});
		const executionId = run.json && run.json.data && run.json.data.executionId;
		if (run.status !== 200 || !executionId) throw new PlaygroundError(`self-check: running the demo workflow failed: HTTP ${run.status} ${run.text.slice(0, 300)}`);
		let execution;
		for (const deadline = Date.now() + 30000; Date.now() < deadline; await sleep(200)) {
			const res = await request(this.options.n8nPort, 'GET', `/rest/executions/${executionId}`, { cookie });
			execution = res.json && res.json.data;
			if (execution && (execution.finished || ['success', 'error', 'crashed', 'canceled'].includes(execution.status)) && execution.stoppedAt) break;
		}
		if (!execution || execution.status !== 'success') {
			throw new PlaygroundError(`self-check: execution ${executionId} ended with status ${execution ? execution.status : 'unknown'} (see ${this.url}/workflow/${DEMO_WORKFLOW_ID}/executions/${executionId})`);
		}
		const seen = this.sandbox.requests.filter((r) => !beforeRecords.has(r) && r.method === 'GET' && /^\/rest\/v1\/sites(\?|$)/.test(r.target));
		const verified = seen.find((r) => r.auth && r.auth.ok && r.status === 200);
		if (!verified) {
			const why = seen.length ? seen.map((r) => `${r.status} ${r.auth && r.auth.reason}`).join('; ') : `no GET /rest/v1/sites among ${this.sandbox.requests.length - before} new requests`;
			throw new PlaygroundError(`self-check: the sandbox did not see a verified GET /sites (${why})`);
		}
		return { executionId, status: execution.status, signedPath: verified.auth.variant, sites: this.sandbox.sites.length, ms: Date.now() - t0 };
	}

	/** Stops n8n (SIGTERM by PID, then SIGKILL of its process group after a grace period) and the sandbox. */
	async stop({ graceMs = 20000 } = {}) {
		if (this.stopped) return this.stopped;
		this.stopping = true;
		this.stopped = (async () => {
			for (const child of this.children) if (child.exitCode === null) child.kill('SIGTERM');
			const child = this.n8n;
			if (child && child.exitCode === null && child.signalCode === null) {
				const pid = child.pid;
				this.log(`stopping n8n (PID ${pid}) ...`);
				try {
					process.kill(pid, 'SIGTERM');
				} catch {
					// already gone
				}
				const t = Date.now();
				const done = await Promise.race([this.n8nExit.then(() => true), unrefSleep(graceMs).then(() => false)]);
				if (!done) {
					this.log(`  n8n did not stop within ${graceMs / 1000} s; killing process group ${pid}`);
					this.killGroup(pid, 'SIGKILL');
					await Promise.race([this.n8nExit, unrefSleep(5000)]);
				}
				this.log(`  n8n stopped (${seconds(Date.now() - t)})`);
			}
			if (child) {
				// n8n's task-runner child is in n8n's process group (n8n's PID): make sure nothing is left.
				await this.reapGroup(child.pid);
				fs.rmSync(this.paths.pid, { force: true });
			}
			if (this.sandbox) {
				await this.sandbox.close();
				this.log('sandbox closed');
			}
		})();
		return this.stopped;
	}

	/** SIGTERM to a process we started (and its group), SIGKILL after 20 s. */
	async terminate(pid) {
		try {
			process.kill(pid, 'SIGTERM');
		} catch {
			return;
		}
		for (let i = 0; i < 200 && isAlive(pid); i++) await sleep(100);
		if (isAlive(pid)) this.killGroup(pid, 'SIGKILL');
		await this.reapGroup(pid);
	}

	killGroup(pgid, signal) {
		try {
			process.kill(-pgid, signal);
			return true;
		} catch {
			return false;
		}
	}

	async reapGroup(pgid) {
		for (let i = 0; i < 20 && this.killGroup(pgid, 0); i++) await sleep(100);
		if (this.killGroup(pgid, 0)) {
			this.killGroup(pgid, 'SIGTERM');
			for (let i = 0; i < 30 && this.killGroup(pgid, 0); i++) await sleep(100);
			if (this.killGroup(pgid, 0)) this.killGroup(pgid, 'SIGKILL');
		}
	}

	/** Synchronous last resort (process 'exit' handler): kill n8n's process group. */
	killNow() {
		if (this.n8n && this.n8n.exitCode === null && this.n8n.signalCode === null) this.killGroup(this.n8n.pid, 'SIGKILL');
		for (const child of this.children) if (child.exitCode === null) child.kill('SIGKILL');
	}
}

/** GET /healthz/readiness of an n8n already listening on the port (null when none answers). */
async function probeRunning(port) {
	try {
		const res = await request(port, 'GET', '/healthz/readiness', { timeoutMs: 2000 });
		return res.status;
	} catch {
		return null;
	}
}


/**
 * The scripts' command-line parser: `--name value` or `--name=value` for the names in `valued`
 * (mapped to keys of the result), switches in `flags` (name -> [key, value]), `-h`/`--help`.
 */
function parseOptions(argv, defaults, valued, flags) {
	const args = { ...defaults };
	for (let i = 0; i < argv.length; i++) {
		let arg = argv[i];
		let value;
		const eq = arg.indexOf('=');
		if (arg.startsWith('--') && eq > 0) {
			value = arg.slice(eq + 1);
			arg = arg.slice(0, eq);
		}
		if (valued[arg]) {
			if (value === undefined) value = argv[++i];
			if (value === undefined) throw new PlaygroundError(`${arg} needs a value`);
			args[valued[arg]] = value;
		} else if (flags[arg]) args[flags[arg][0]] = flags[arg][1];
		else if (arg === '-h' || arg === '--help') args.help = true;
		else throw new PlaygroundError(`unknown option ${arg}`);
	}
	return args;
}

module.exports = {
	parseOptions,
	Playground,
	PlaygroundError,
	resolveOptions,
	probeRunning,
	request,
	demoWorkflow,
	exampleWorkflows,
	DEFAULTS,
	REPO,
	HOST,
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	DEMO_WORKFLOW_ID,
	DEMO_WORKFLOW_NAME,
	DEMO_NODE_NAME,
	DEMO_TRIGGER_NAME,
};
