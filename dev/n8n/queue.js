'use strict';

/**
 * n8n in queue mode: several instances (user folders, instance.js) of one harness line sharing
 * one Postgres database, one Redis (n8n's Bull queue) and one encryption key. The main
 * (`n8n start`: editor, APIs, activation, polling triggers) puts executions on the queue, workers
 * (`n8n worker`) run them, webhook processors (`n8n webhook`) take production webhooks and queue
 * their executions. Every process has its own user folder, so its own nodes folder (with this
 * package installed, or deliberately not), its own task-broker port and HTTP port. The database
 * and Redis come from dev/services.
 */

const fs = require('node:fs');
const path = require('node:path');

const { processes: defaultProcesses } = require('../process');
const { ensureHarness } = require('./harness');
const { createInstance } = require('./instance');

/**
 * The variables every process of one queue-mode n8n needs alike (besides N8N_ENCRYPTION_KEY):
 * queue mode, the Redis of the queue, the Postgres database. `poolSize`: database connections
 * per process (n8n's default, 2, times out under a burst of webhooks).
 */
function queueEnv({ redis, postgres, poolSize = 10 }) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		DB_POSTGRESDB_POOL_SIZE: String(poolSize),
	};
}

/**
 * A queue-mode n8n whose instances live in <root>/<role>. `packed`: the package (packPackage) for
 * every instance made `withPackage`; `env`: variables added for every process (after queueEnv's).
 * Start the main first: it runs the database migrations, which workers and webhook processors
 * must not run at the same time.
 */
async function createQueueCluster({ line = 2, packed, redis, postgres, root, encryptionKey = 'chargepilot-e2e-key', env = {}, poolSize, harness, processes = defaultProcesses }) {
	const harnessInfo = harness ?? (await ensureHarness(line, { processes }));
	const shared = { ...queueEnv({ redis, postgres, poolSize }), ...env };
	const instances = new Map();

	/** The instance of `role` (made on first use: its folder, the package unless `withPackage` is false). */
	function instance(role, { withPackage = true } = {}) {
		if (!instances.has(role)) {
			const folder = path.join(root, role);
			fs.mkdirSync(folder, { recursive: true });
			const made = createInstance(line, withPackage ? packed : null, { root: folder, harness: harnessInfo, encryptionKey, env: shared, version: false, processes });
			instances.set(role, made);
			// A failed install must not be cached as the role's instance.
			made.catch(() => instances.delete(role));
		}
		return instances.get(role);
	}

	return {
		line,
		harness: harnessInfo,
		env: shared,
		instance,
		/**
		 * `n8n start` of `role` under `name` (default: the role). Production webhooks are served by
		 * webhook processors only (N8N_DISABLE_PRODUCTION_MAIN_PROCESS) unless `productionWebhooks`;
		 * `webhookUrl` (WEBHOOK_URL): the address the editor shows for them.
		 */
		async startMain(role = 'main', { name = role, port, webhookUrl, productionWebhooks = false, env: extra = {}, log } = {}) {
			const own = { ...(webhookUrl ? { WEBHOOK_URL: webhookUrl } : {}), ...(productionWebhooks ? {} : { N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' }), ...extra };
			return await (await instance(role)).startServer({ name, command: 'start', port, env: own, log });
		},
		/** `n8n worker --concurrency=<concurrency>` of `role`; `port`: its health server's. */
		async startWorker(role, { name = role, port, concurrency = 10, withPackage = true, env: extra = {}, log } = {}) {
			return await (await instance(role, { withPackage })).startServer({ name, command: 'worker', args: [`--concurrency=${concurrency}`], port, env: extra, log });
		},
		/** `n8n webhook` (a webhook processor) of `role`. */
		async startWebhookProcessor(role, { name = role, port, withPackage = true, env: extra = {}, log } = {}) {
			return await (await instance(role, { withPackage })).startServer({ name, command: 'webhook', port, env: extra, log });
		},
	};
}

module.exports = { queueEnv, createQueueCluster };
