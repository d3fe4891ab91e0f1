'use strict';

/**
 * The queue-mode n8n of the suite, on the dev layer: Redis and Postgres (dev/services) started
 * for this run on free loopback ports with their data in the run's folder; one main (`n8n start`),
 * two workers (`n8n worker`) and one webhook processor (`n8n webhook`), each with its own user
 * folder and the packed package installed in its nodes folder (dev/n8n/queue.js); the owner, a
 * public-API key, the credentials and workflows created and activated through n8n's public API.
 * Plus what the checks read: executions (public API), which worker ran one (its log), the database.
 */

const fs = require('node:fs');
const path = require('node:path');

const { createQueueCluster, HOST } = require('../../../dev/n8n');
const { freePort } = require('../../../dev/ports');
const { startPostgres, startRedis, requireServices } = require('../../../dev/services');
const { OWNER } = require('../runner');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Variables of every n8n process here (besides queue mode, Redis, Postgres and the key). */
const COMMON_ENV = {
	N8N_LOG_LEVEL: 'info',
	N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
	// Bull's lock on a running job (n8n's defaults 60 s / 10 s / 30 s), shortened so that a killed
	// worker's jobs are noticed in seconds rather than minutes. Nothing else depends on them.
	QUEUE_WORKER_LOCK_DURATION: '15000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '3000',
	QUEUE_WORKER_STALLED_INTERVAL: '5000',
};
/**
 * The main: queue recovery (marks executions without a job "crashed") every 30 s instead of 3 h, for
 * check (d)'s killed worker. Not during check (b)'s burst of pushes: n8n 2.41.1's recovery reads the
 * running executions, then Redis's jobs, and marks an execution whose job is queued (or done) in
 * between as crashed; the worker then skips it (seen once in a loaded run: 99 success, 1 crashed).
 * So the main starts without it (`recoverySoon: false`) when it is restarted before (d) anyway.
 */
const MAIN_ENV = { N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '0.5' };
/**
 * n8n 2.41.1's durable poller cursors: the poll trigger's cursor is committed together with the
 * execution it starts (table poller_state). All four are needed on the main (the fourth is
 * already n8n's default).
 */
const DURABLE_CURSORS_ENV = {
	N8N_SCHEDULER_ENABLED: 'true',
	N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true',
	N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true',
	N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true',
};
/** A worker: how many executions at once, and its name for $env.CP_WORKER_NAME. */
const WORKER_CONCURRENCY = 5;
const workerEnv = (name) => ({ N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false', CP_WORKER_NAME: name });
const ENCRYPTION_KEY = 'chargepilot-queue-e2e-key-4f1c';

/**
 * Starts everything. `webhookEnv`: variables of the webhook processor (e.g. an expression engine);
 * `recoverySoon`: whether the first main runs queue recovery every 30 s (a restarted main always does).
 * Returns the topology object the checks use.
 */
async function startTopology({ root, packed, say, webhookEnv = {}, recoverySoon = true }) {
	requireServices();
	// The postgres user may pass (not list) the run's folder, so that its cluster can live inside;
	// when a folder above is closed to it (TMPDIR below a mode-700 folder), startPostgres puts the
	// cluster into a temporary folder of its own instead (dev/services/postgres.js).
	fs.chmodSync(root, 0o711);
	const started = Date.now();
	const step = (what) => say(`${what} (${Math.round((Date.now() - started) / 1000)} s)`);

	const [redis, postgres] = await Promise.all([startRedis({ dir: path.join(root, 'redis') }), startPostgres({ dir: path.join(root, 'postgres') })]);
	step(`redis-server on ${redis.host}:${redis.port}, Postgres ${postgres.version} on ${postgres.host}:${postgres.port} (data in ${root}${postgres.dataDir.startsWith(`${root}/`) ? '' : `; Postgres's in ${postgres.dataDir}`})`);

	const cluster = await createQueueCluster({ line: 2, packed, redis, postgres, root: path.join(root, 'n8n'), encryptionKey: ENCRYPTION_KEY, env: COMMON_ENV });
	// The package into every process's nodes folder, as the README says (in parallel).
	await Promise.all(['main', 'w1', 'w2', 'webhook'].map((role) => cluster.instance(role)));
	step('package installed into the nodes folders of main, w1, w2 and webhook');

	const webhookPort = await freePort();
	const webhookUrl = `http://${HOST}:${webhookPort}`;
	// All at once, as `docker compose up` would: n8n 2.x runs its database migrations under a
	// Postgres advisory lock, so the first process migrates and the others wait for it.
	const [main, w1, w2, webhook] = await Promise.all([
		cluster.startMain('main', { webhookUrl: `${webhookUrl}/`, env: recoverySoon ? MAIN_ENV : {} }),
		cluster.startWorker('w1', { concurrency: WORKER_CONCURRENCY, env: workerEnv('w1') }),
		cluster.startWorker('w2', { concurrency: WORKER_CONCURRENCY, env: workerEnv('w2') }),
		cluster.startWebhookProcessor('webhook', { port: webhookPort, env: webhookEnv }),
	]);
	step(`main ${main.url}, workers w1 and w2 (health ${w1.url}, ${w2.url}) and webhook processor ${webhook.url} ready`);
	const n8n = main.client;
	await n8n.setupOwner(OWNER);
	const scopes = await n8n.rest('GET', '/api-keys/scopes');
	await n8n.createApiKey({ label: 'queue e2e', scopes: scopes.json.data });

	const topology = {
		root,
		redis,
		postgres,
		cluster,
		n8n,
		servers: { main, w1, w2, webhook },
		webhookUrl,
		/** Every worker ever started here, by name (for the logs). */
		workers: new Map([
			['w1', w1],
			['w2', w2],
		]),
		/** Other n8n processes the checks start (stopped with the rest). */
		extra: [],

		/** A credential through the public API; its id. */
		async createCredential(name, type, data) {
			const res = await n8n.api('POST', '/credentials', { name, type, data });
			if (res.status !== 200) throw new Error(`POST /api/v1/credentials (${type}): HTTP ${res.status} ${res.text.slice(0, 500)}`);
			return { id: res.json.id, name };
		},

		/** A workflow through the public API, activated (published); its id. */
		async createActiveWorkflow(workflow) {
			const created = await n8n.api('POST', '/workflows', workflow);
			if (created.status !== 200) throw new Error(`POST /api/v1/workflows (${workflow.name}): HTTP ${created.status} ${created.text.slice(0, 500)}`);
			const activated = await n8n.api('POST', `/workflows/${created.json.id}/activate`);
			if (activated.status !== 200 || activated.json.active !== true) throw new Error(`activate ${workflow.name}: HTTP ${activated.status} ${activated.text.slice(0, 500)}`);
			return created.json.id;
		},

		/**
		 * Waits until the webhook processor serves `path` for `method`: a CORS preflight (OPTIONS with
		 * an Origin) is answered 204 only for a registered webhook, and starts nothing.
		 */
		async waitForWebhook(method, webhookPath, { timeoutMs = 90_000 } = {}) {
			for (const until = Date.now() + timeoutMs; ; await sleep(500)) {
				const res = await webhook.client.request('OPTIONS', `/webhook/${webhookPath}`, { headers: { origin: 'http://127.0.0.1', 'access-control-request-method': method } });
				if (res.status === 204 && String(res.headers['access-control-allow-methods'] ?? '').includes(method)) return;
				if (Date.now() > until) throw new Error(`webhook ${method} /webhook/${webhookPath} not registered at the webhook processor after ${timeoutMs / 1000} s: HTTP ${res.status} ${res.text.slice(0, 300)}`);
			}
		},

		/** Every execution of a workflow (public API, paged), oldest first. */
		async executions(workflowId, { includeData = true } = {}) {
			const all = [];
			let cursor;
			for (let page = 0; page < 100; page++) {
				const query = `workflowId=${workflowId}&includeData=${includeData}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
				const res = await n8n.api('GET', `/executions?${query}`, undefined, { timeoutMs: 60_000 });
				if (res.status !== 200) throw new Error(`GET /api/v1/executions: HTTP ${res.status} ${res.text.slice(0, 300)}`);
				all.push(...res.json.data);
				cursor = res.json.nextCursor;
				if (!cursor) break;
			}
			return all.sort((a, b) => Number(a.id) - Number(b.id));
		},

		/** Execution id → the worker that started it ("Worker started execution <id>" in its log). */
		ranOn() {
			const map = {};
			for (const [name, server] of topology.workers) {
				for (const match of readLog(server.logFile).matchAll(/Worker started execution (\d+) \(job/g)) map[match[1]] = name;
			}
			return map;
		},

		async startWorker(name, { withPackage = true } = {}) {
			const server = await cluster.startWorker(name, { concurrency: WORKER_CONCURRENCY, withPackage, env: workerEnv(name) });
			topology.workers.set(name, server);
			return server;
		},

		/** Restarts the main on the same port (so the client, its cookie and API key stay valid) with `env`. */
		async restartMain(name, env) {
			await topology.servers.main.proc.stop();
			const restarted = await cluster.startMain('main', { name, port: main.port, webhookUrl: `${webhookUrl}/`, env: { ...MAIN_ENV, ...env } });
			topology.servers.main = restarted;
			return restarted;
		},

		/** Stops every n8n process, then Postgres and Redis (each by its PID). */
		async stop() {
			const n8nProcesses = [...Object.values(topology.servers), ...topology.workers.values(), ...topology.extra].map((server) => server.proc);
			await Promise.all([...new Set(n8nProcesses)].map((proc) => proc.stop({ graceMs: 20_000 })));
			await postgres.stop();
			await redis.stop();
		},
	};
	return topology;
}

function readLog(file) {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

/** Output items of a node in an execution; for a trigger whose workflow never ran (queued, crashed), the items waiting on its stack. */
function nodeItems(execution, nodeName) {
	const ran = execution.data?.resultData?.runData?.[nodeName]?.[0]?.data?.main?.[0];
	if (ran) return ran.map((item) => item.json);
	const stacked = (execution.data?.executionData?.nodeExecutionStack ?? []).find((entry) => entry.node?.name === nodeName);
	return (stacked?.data?.main?.[0] ?? []).map((item) => item.json);
}

const FINAL = new Set(['success', 'error', 'crashed', 'canceled']);
const isFinal = (execution) => FINAL.has(execution.status);

function countBy(values) {
	const out = {};
	for (const value of values) out[value] = (out[value] || 0) + 1;
	return out;
}

/** Polls `probe()` until it returns something truthy (returned) or `timeoutMs` passes (throws with `label`). */
async function waitUntil(label, probe, { timeoutMs = 60_000, intervalMs = 1000 } = {}) {
	let last;
	for (const until = Date.now() + timeoutMs; ; await sleep(intervalMs)) {
		try {
			last = await probe();
			if (last) return last;
		} catch (error) {
			last = error;
		}
		if (Date.now() > until) throw new Error(`${label}: not reached within ${timeoutMs / 1000} s${last instanceof Error ? ` (${last.message})` : ''}`);
	}
}

module.exports = { startTopology, nodeItems, isFinal, countBy, waitUntil, readLog, sleep, DURABLE_CURSORS_ENV, WORKER_CONCURRENCY };
