'use strict';

/**
 * The local playground: the ChargePilot API sandbox, whose sessions reach up to now and keep
 * coming (one more every few minutes, pushed to the Push Trigger demo as ChargePilot would), plus
 * a real n8n 2.41.1 (the dev layer's pinned harness) with this package installed as a community
 * package, an owner account, the sandbox credentials, the demo workflows and the examples. Used by
 * scripts/start.js (`npm start`). Processes are started and stopped by the dev layer's process
 * manager, by PID; only loopback addresses are used.
 *
 * State lives in one folder (default <repo>/.playground, git-ignored):
 *   user/            N8N_USER_FOLDER (SQLite DB, encryption key in user/.n8n/config,
 *                    the package in user/.n8n/nodes/node_modules)
 *   pack/            the tarball of the last `npm pack`
 *   import/          JSON handed to `n8n import:*`
 *   state.json       fingerprints of what was imported (to skip unchanged imports), which demos
 *                    the playground activated
 *   n8n.log          n8n's output (appended per start)
 *   n8n.pid          PID of the running n8n (removed on a clean stop)
 */

const fs = require('node:fs');
const path = require('node:path');

const { createInstance, editorEnv, ensureHarness, HOST, packPackage } = require('../../dev/n8n');
const { DIST, REPO } = require('../../dev/paths');
const { probePort } = require('../../dev/ports');
const { commandLine, isAlive, processes, terminate } = require('../../dev/process');
const { startSandbox } = require('../../dev/sandbox');
const { importIfNeeded, markActivated, wasActivated } = require('./imports');
const { PlaygroundError, resolveOptions } = require('./options');
const { runSelfCheck } = require('./selfcheck');
const { CREDENTIAL_ID, CREDENTIAL_NAME, DEMO_WORKFLOW_ID, POLL_WORKFLOW_ID, PUSH_KEY, PUSH_PATH, PUSH_WORKFLOW_ID, PUSH_WORKFLOW_NAME } = require('./workflows');

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
/** The steps of start() (each a this.step() call). */
const START_STEPS = 7;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class Playground {
	/**
	 * @param {object} options  see resolveOptions(); plus
	 *   log(line)        progress output (default: stderr)
	 *   onSandboxRequest(record)  called per sandbox request (default: none)
	 *   onSession(record)         called per new session of the sandbox (see sandbox.grow)
	 *   verbose          copy n8n's output to stdout as well as n8n.log
	 *   reset            delete the n8n user folder (owner, credential, workflows, executions) first
	 */
	constructor(options = {}) {
		const { log, onSandboxRequest, onSession, verbose, reset, ...rest } = options;
		this.reset = Boolean(reset);
		this.options = resolveOptions(rest);
		this.log = log || ((line) => process.stderr.write(`[playground] ${line}\n`));
		this.onSandboxRequest = onSandboxRequest;
		this.onSession = onSession;
		this.verbose = Boolean(verbose);
		const dir = this.options.dir;
		this.paths = {
			dir,
			user: path.join(dir, 'user'),
			db: path.join(dir, 'user', '.n8n', 'database.sqlite'),
			pack: path.join(dir, 'pack'),
			import: path.join(dir, 'import'),
			state: path.join(dir, 'state.json'),
			log: path.join(dir, 'n8n.log'),
			pid: path.join(dir, 'n8n.pid'),
		};
		this.url = `http://${HOST}:${this.options.n8nPort}`;
		this.server = null;
		this.sandbox = null;
		this.stopping = false;
		this.timings = {};
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
		const harness = await this.step('harness', 'the n8n 2.41.1 harness (the first start installs it: ~3 GB, 4-15 min)', async () => {
			try {
				return await ensureHarness(2);
			} catch (error) {
				throw new PlaygroundError(
					`${error.message}\n  Installing n8n needs the npm registry, about 3 GB of disk, and python3, make and g++ (n8n's sqlite3 is compiled once). ` +
						'Install what is missing and run `npm start` again.',
				);
			}
		});
		await this.step('package', 'packing and installing n8n-nodes-chargepilot into the n8n user folder', () => this.installPackage(harness));
		await this.step('sandbox', `the ChargePilot sandbox on port ${this.options.sandboxPort}`, () => this.startSandbox(), { quick: true });
		await this.step('import', 'checking the credentials and workflows', async () => {
			this.seeded = await importIfNeeded({ instance: this.instance, sandbox: this.sandbox, paths: this.paths, log: this.log });
		});
		await this.step('n8n', `starting n8n on ${this.url}`, () => this.startN8n());
		await this.step('owner', 'the owner account', () => this.ensureOwner(), { quick: true });
		await this.step('activate', 'the Push Trigger demo', () => this.activatePushDemo(), { quick: true });
		this.timings.total = Date.now() - t0;
		return this.info();
	}

	/**
	 * One step of start() ("<n>/<steps> <label> ..."), then its outcome with its time: "  done (1.2 s)",
	 * or what the step said it did (this.outcome(), e.g. "  installed ... (1.2 s)"). A `quick` step
	 * (a second or so, printing nothing else) gets one line when it ends: "<n>/<steps> <label>: <outcome>
	 * (0.1 s)". What goes wrong in a step is a PlaygroundError.
	 */
	async step(key, label, fn, { quick = false } = {}) {
		if (this.stopping) throw new PlaygroundError('stopped');
		this.stepNumber = (this.stepNumber || 0) + 1;
		const head = `${this.stepNumber}/${START_STEPS} ${label}`;
		if (!quick) this.log(`${head} ...`);
		const t = Date.now();
		this.stepOutcome = null;
		let result;
		try {
			result = await fn();
		} catch (error) {
			if (quick) this.log(`${head}: failed (${seconds(Date.now() - t)})`);
			if (error instanceof PlaygroundError || error instanceof TypeError || error instanceof ReferenceError) throw error;
			throw new PlaygroundError(error.message);
		}
		this.timings[key] = Date.now() - t;
		const time = seconds(this.timings[key]);
		this.log(quick ? `${head}: ${this.stepOutcome || 'done'} (${time})` : `  ${this.stepOutcome || 'done'} (${time})`);
		return result;
	}

	/** What the running step did, said on its closing line instead of "done". */
	outcome(text) {
		this.stepOutcome = text;
	}

	info() {
		return {
			url: this.url,
			email: this.options.email,
			password: this.options.password,
			sandbox: this.sandbox && { baseUrl: this.sandbox.baseUrl, apiKey: this.sandbox.apiKey, apiSecret: this.sandbox.apiSecret },
			credential: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME },
			demoWorkflowId: DEMO_WORKFLOW_ID,
			pollWorkflowId: POLL_WORKFLOW_ID,
			pushWorkflowId: PUSH_WORKFLOW_ID,
			pushUrl: this.pushUrl,
			sessionEverySeconds: this.options.sessionEverySeconds,
			dataSpan: this.sandbox && this.sandbox.dataSpan,
			workflows: this.seeded ? this.seeded.workflows : [],
			logFile: this.paths.log,
			dir: this.paths.dir,
			n8nPid: this.server && this.server.proc.pid,
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
			const n8nAlive = Number.isInteger(recorded.n8n) && isAlive(recorded.n8n) && /n8n/.test(commandLine(recorded.n8n));
			const ownerAlive = Number.isInteger(recorded.owner) && recorded.owner !== process.pid && isAlive(recorded.owner) && /node/.test(commandLine(recorded.owner));
			if (n8nAlive && ownerAlive) {
				throw new PlaygroundError(
					`this playground (${this.paths.dir}) is already running: process ${recorded.owner} with n8n ${recorded.n8n}. ` +
						`Stop it with Ctrl+C in its terminal (or kill ${recorded.owner}), or use another --dir and ports.`,
				);
			}
			if (n8nAlive) {
				// Left behind by a playground that was killed (SIGKILL, closed terminal): ours, stop it.
				this.log(`stopping the n8n left running by an earlier playground run (PID ${recorded.n8n}) ...`);
				await terminate(recorded.n8n);
			}
			fs.rmSync(this.paths.pid, { force: true });
		}
		if (!fs.existsSync(path.join(DIST, 'nodes')) || !fs.existsSync(path.join(DIST, 'credentials'))) {
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

	/**
	 * `npm pack` of the built package, installed into user/.n8n/nodes as n8n's community package
	 * installer does (on every start, so code changes show up after a restart; an unchanged tarball
	 * keeps the installed copy). Creates the n8n instance on the user folder.
	 */
	async installPackage(harness) {
		fs.rmSync(this.paths.pack, { recursive: true, force: true });
		const packed = await packPackage({ dest: this.paths.pack });
		this.instance = await createInstance(2, packed, {
			harness,
			root: this.paths.dir,
			// The encryption key lives in user/.n8n/config (written on the first run); a different key
			// from the environment would make the stored credential unreadable.
			encryptionKey: null,
			brokerPort: this.options.brokerPort,
			logLevel: process.env.N8N_LOG_LEVEL || 'info',
			version: false,
		});
		const files = `${packed.filename} (${packed.files.length} files)`;
		if (this.instance.installed) this.outcome(`installed ${files} into ${path.relative(REPO, this.instance.nodesDir)}`);
		else this.outcome(`${files} is unchanged since the last start; kept the installed copy`);
	}

	/** The Push Trigger demo's production URL, where the sandbox pushes its new sessions. */
	get pushUrl() {
		return `${this.url}/webhook/${PUSH_PATH}`;
	}

	/** The sandbox, its history ending now (the examples' "yesterday" and "last 24 hours" find sessions). */
	async startSandbox() {
		const options = { host: HOST, port: this.options.sandboxPort, recordLimit: 1000, dataUntil: 'now' };
		if (this.onSandboxRequest) options.onRequest = this.onSandboxRequest;
		try {
			this.sandbox = await startSandbox(options);
		} catch (error) {
			if (error.code === 'EADDRINUSE') throw new PlaygroundError(`sandbox port ${this.options.sandboxPort} is in use (--sandbox-port / PLAYGROUND_SANDBOX_PORT)`);
			throw error;
		}
	}

	/** `n8n start` in its own process group, output appended to n8n.log; waits for /healthz/readiness. */
	async startN8n() {
		fs.appendFileSync(this.paths.log, `\n===== ${new Date().toISOString()} n8n start (${this.url}) =====\n`);
		const from = fs.statSync(this.paths.log).size;
		const server = await this.instance.startServer({ port: this.options.n8nPort, env: editorEnv(), logFile: this.paths.log, ready: false, log: this.log });
		this.server = server;
		if (this.verbose) server.proc.followLog((chunk) => process.stdout.write(chunk), { from });
		fs.writeFileSync(this.paths.pid, `${JSON.stringify({ n8n: server.proc.pid, owner: process.pid })}\n`);
		await server.proc.waitReady(async () => (await server.client.readiness()) === 200, { timeoutMs: 180_000 });
	}

	/** Resolves with { code, signal } when n8n exits (crash, killed from outside, stop()). */
	get n8nExited() {
		return this.server.proc.exited;
	}

	logTail(lines = 30) {
		return this.server ? this.server.proc.tail(lines) : '(no log)';
	}

	/** Owner setup on a new instance, otherwise a login with the configured password. */
	async ensureOwner() {
		const client = this.server.client;
		const { email, password, firstName, lastName } = this.options;
		if (await client.needsOwnerSetup()) {
			await client.setupOwner({ email, firstName, lastName, password });
			this.ownerCreated = true;
			this.outcome(`created ${email}`);
			return;
		}
		if (!(await client.login(email, password))) {
			throw new PlaygroundError(
				`the owner account exists, but logging in as ${email} with the configured password failed. ` +
					`Use the email/password you chose earlier (PLAYGROUND_EMAIL / PLAYGROUND_PASSWORD), or start over with --reset ` +
					`(deletes ${this.paths.user}).`,
			);
		}
		this.outcome(`logged in as ${email}`);
	}

	/**
	 * Activates the Push Trigger demo once after it was imported (n8n imports workflows inactive).
	 * Later it is the user's: switched off in the editor, it stays off (the pushes then say so).
	 */
	async activatePushDemo() {
		if (wasActivated(this.paths.state, PUSH_WORKFLOW_ID)) {
			this.outcome('activated on an earlier start; left as it is (yours to switch off)');
			return;
		}
		const client = this.server.client;
		const current = await client.rest('GET', `/workflows/${PUSH_WORKFLOW_ID}`);
		const workflow = current.json && current.json.data;
		if (current.status !== 200 || !workflow) {
			this.outcome(`could not read "${PUSH_WORKFLOW_NAME}" (HTTP ${current.status}); the sandbox's pushes will not arrive until it is active`);
			return;
		}
		if (!workflow.active) {
			const res = await client.rest('POST', `/workflows/${PUSH_WORKFLOW_ID}/activate`, { versionId: workflow.versionId });
			if (res.status !== 200) {
				this.outcome(`could not activate "${PUSH_WORKFLOW_NAME}" (HTTP ${res.status}: ${res.text.slice(0, 200)}); activate it in the editor to receive the sandbox's pushes`);
				return;
			}
			this.outcome(`activated; the sandbox pushes its new sessions to ${this.pushUrl}`);
		} else this.outcome(`active; the sandbox pushes its new sessions to ${this.pushUrl}`);
		markActivated(this.paths.state, PUSH_WORKFLOW_ID);
	}

	/**
	 * Runs the self-check (scripts/start/selfcheck.js: its own temporary copies of the demos and the
	 * examples, never the user's). Returns { results: [{ name, detail }], ms }; throws a
	 * PlaygroundError that says what to do.
	 */
	async selfCheck({ push = true } = {}) {
		const t0 = Date.now();
		const client = this.server.client;
		if (!(await client.login(this.options.email, this.options.password))) {
			throw new PlaygroundError(
				`self-check: logging in as ${this.options.email} failed. Use the email and password you chose when the owner was created ` +
					`(PLAYGROUND_EMAIL / PLAYGROUND_PASSWORD), or start over with \`npm start -- --reset\` (deletes ${this.paths.user}).`,
			);
		}
		const results = await runSelfCheck({ client, sandbox: this.sandbox, url: this.url, logFile: this.paths.log, push });
		return { results, ms: Date.now() - t0 };
	}

	/**
	 * From now on one more session ends every --session-every seconds, on each site in turn, and is
	 * pushed to the Push Trigger demo (the first one at once). Does nothing when that is 0.
	 */
	async startSessions() {
		const everyMs = this.options.sessionEverySeconds * 1000;
		if (!everyMs) return null;
		// The first push goes out at once: wait until n8n has registered the demo's webhook (a push
		// without a key starts nothing and is answered 401 once it has).
		const client = this.server.client;
		const demo = await client.rest('GET', `/workflows/${PUSH_WORKFLOW_ID}`);
		if (demo.json && demo.json.data && demo.json.data.active) {
			for (const until = Date.now() + 30_000; Date.now() < until; await sleep(300)) {
				const probe = await client.request('POST', `/webhook/${PUSH_PATH}`, { body: [] }).catch(() => null);
				if (probe && probe.status !== 404) break;
			}
		}
		let lastProblem = null;
		const onSession = (record) => {
			const status = record.push && (record.push.error ? 'error' : record.push.status);
			if (status === 200) lastProblem = null;
			else if (status !== lastProblem) {
				lastProblem = status;
				const why = record.push.error || `HTTP ${record.push.status}`;
				const hint = status === 404 ? `: "${PUSH_WORKFLOW_NAME}" is not active (or its path changed); activate it in the editor to receive them` : '';
				this.log(`the sandbox's push of session ${record.event.transaction_id} to ${this.pushUrl} failed (${why})${hint}`);
			}
			if (this.onSession) this.onSession(record);
		};
		this.growth = this.sandbox.grow({ everyMs, push: { url: this.pushUrl, subscriptionKey: PUSH_KEY }, onSession, immediately: true });
		return this.growth;
	}

	/** Stops n8n (SIGTERM by PID, SIGKILL of its process group after a grace period), whatever else runs, and the sandbox. */
	async stop({ graceMs = 20000 } = {}) {
		if (this.stopped) return this.stopped;
		this.stopping = true;
		this.stopped = (async () => {
			await processes.stopAll({ graceMs });
			if (this.server) fs.rmSync(this.paths.pid, { force: true });
			if (this.sandbox) {
				await this.sandbox.close();
				this.log('sandbox closed');
			}
		})();
		return this.stopped;
	}

	/** Synchronous last resort (process 'exit' handler): kill every process group we started. */
	killNow() {
		processes.killAllNow();
	}
}

module.exports = { Playground };
