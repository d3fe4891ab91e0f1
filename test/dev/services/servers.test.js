'use strict';

/**
 * Redis and Postgres as the queue-mode suite starts them (dev/services): on 127.0.0.1 and a free
 * port, data in the given folder, Postgres as the postgres user with a login role and database for
 * n8n (checked over TCP with its password, as n8n connects), both stopped by PID with nothing left.
 * Needs redis-server and postgresql (dev/services/install.sh) and root (to run Postgres as its user).
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { Processes } = require('../../../dev/process');
const { isAlive } = require('../../../dev/process/group');
const { missingServices, startPostgres, startRedis } = require('../../../dev/services');

jest.setTimeout(180_000);

const missing = missingServices();
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const withServers = missing.length === 0 && asRoot ? describe : describe.skip;
if (missing.length || !asRoot) console.warn(`dev/services tests skipped: ${missing.length ? `missing ${missing.join(', ')}` : 'not root'}`);

withServers('throw-away Redis and Postgres', () => {
	let dir;
	let processes;
	beforeEach(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-servers-test-'));
		fs.chmodSync(dir, 0o711);
		processes = new Processes();
	});
	afterEach(async () => {
		processes.killAllNow();
		await processes.stopAll({ graceMs: 2000 });
		fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
	});

	test('Redis answers PING on 127.0.0.1, persists nothing, and is gone after stop()', async () => {
		const redis = await startRedis({ dir: path.join(dir, 'redis'), processes });
		expect(redis.host).toBe('127.0.0.1');
		expect(await redis.ping()).toBe(true);
		await redis.stop();
		expect(isAlive(redis.proc.pid)).toBe(false);
		expect(await redis.ping()).toBe(false);
		expect(fs.readdirSync(path.join(dir, 'redis')).filter((file) => /\.(rdb|aof)$/.test(file))).toEqual([]);
	});

	test('Postgres runs as the postgres user; n8n\'s role logs in over TCP with its password; stop() ends it', async () => {
		const postgres = await startPostgres({ dir: path.join(dir, 'pg'), processes, database: 'n8n', user: 'n8n', password: 'secret-pw' });
		const owner = fs.readFileSync(`/proc/${postgres.proc.pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m)[1];
		expect(Number(owner)).not.toBe(0);
		expect(await postgres.psql('SELECT current_user')).toBe('postgres');
		const psql = path.join(require('../../../dev/services').findPostgres().bin, 'psql');
		const login = await processes.run(psql, ['-X', '-h', '127.0.0.1', '-p', String(postgres.port), '-U', 'n8n', '-d', 'n8n', '-At', '-c', 'SELECT current_user, current_database()'], {
			env: { ...process.env, PGPASSWORD: 'secret-pw' },
			timeoutMs: 30_000,
		});
		expect(login).toMatchObject({ status: 0, stdout: 'n8n|n8n\n' });
		const refused = await processes.run(psql, ['-X', '-h', '127.0.0.1', '-p', String(postgres.port), '-U', 'n8n', '-d', 'n8n', '-c', 'SELECT 1'], {
			env: { ...process.env, PGPASSWORD: 'wrong' },
			timeoutMs: 30_000,
		});
		expect(refused.status).not.toBe(0);
		await postgres.stop();
		expect(isAlive(postgres.proc.pid)).toBe(false);
	});
});
