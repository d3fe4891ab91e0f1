'use strict';

/**
 * Queue mode's environment (dev/n8n/queue.js, env.js): the variables every process shares (queue
 * mode, Redis, Postgres, one encryption key) and what each instance keeps for itself (user
 * folder, task-broker port); a worker's health server instead of an HTTP port.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { createQueueCluster, queueEnv, workerEnv } = require('../../../dev/n8n');

const redis = { host: '127.0.0.1', port: 6391 };
const postgres = { host: '127.0.0.1', port: 5441, database: 'n8n', user: 'n8n', password: 'pw' };
const harness = { line: 2, dir: '/nowhere', bin: '/nowhere/node_modules/.bin', n8n: '/nowhere/node_modules/.bin/n8n' };

let root;
beforeEach(() => {
	root = fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-queue-test-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

test('queueEnv: queue mode on the given Redis and Postgres, with a pool larger than n8n\'s 2', () => {
	expect(queueEnv({ redis, postgres })).toEqual({
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: '6391',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: '5441',
		DB_POSTGRESDB_DATABASE: 'n8n',
		DB_POSTGRESDB_USER: 'n8n',
		DB_POSTGRESDB_PASSWORD: 'pw',
		DB_POSTGRESDB_POOL_SIZE: '10',
	});
});

test('every instance of a cluster shares queue, database and key, and has its own folder and broker port', async () => {
	const cluster = await createQueueCluster({ packed: null, redis, postgres, root, harness, encryptionKey: 'one-key', env: { N8N_LOG_LEVEL: 'warn' } });
	const [main, worker] = await Promise.all([cluster.instance('main', { withPackage: false }), cluster.instance('w1', { withPackage: false })]);
	expect(await cluster.instance('main')).toBe(main);
	for (const instance of [main, worker]) {
		expect(instance.env).toMatchObject({ ...queueEnv({ redis, postgres }), N8N_ENCRYPTION_KEY: 'one-key', N8N_LOG_LEVEL: 'warn' });
		expect(fs.existsSync(instance.root)).toBe(true);
	}
	expect(main.userFolder).toBe(path.join(root, 'main', 'user'));
	expect(worker.userFolder).toBe(path.join(root, 'w1', 'user'));
	expect(main.env.N8N_RUNNERS_BROKER_PORT).not.toBe(worker.env.N8N_RUNNERS_BROKER_PORT);
	expect(fs.existsSync(path.join(worker.nodesDir, 'node_modules'))).toBe(false);
});

test('workerEnv: a worker serves only its health check, on loopback', () => {
	expect(workerEnv(5999)).toEqual({
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: '5999',
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
	});
});
