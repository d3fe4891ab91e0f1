'use strict';

/**
 * Redis and Postgres as the queue-mode suite starts them (dev/services): on 127.0.0.1 and a free
 * port, data in the given folder, Postgres as the postgres user with a login role and database for
 * n8n (checked over TCP with its password, as n8n connects), both stopped by PID with nothing left.
 * Postgres's cluster lives where the postgres user can reach it, whatever the folder given is below
 * (a clone or TMPDIR in a mode-700 folder). Needs redis-server and postgresql
 * (dev/services/install.sh) and root (to run Postgres as its user).
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { Processes } = require('../../../dev/process');
const { isAlive } = require('../../../dev/process/group');
const { blockedFor } = require('../../../dev/process/access');
const { missingServices, startPostgres, startRedis, systemUser } = require('../../../dev/services');

jest.setTimeout(180_000);

const missing = missingServices();
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const withServers = missing.length === 0 && asRoot ? describe : describe.skip;
const owner = systemUser('postgres');
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

	/** The folder Postgres works in (it changes into its data folder), as the kernel sees it. */
	const cwdOf = (pid) => fs.readlinkSync(`/proc/${pid}/cwd`);

	test('Postgres given a folder below a mode-700 one (a clone in `mktemp -d`): its cluster goes where the postgres user can reach it, its log stays, all removed on stop()', async () => {
		const closed = path.join(dir, 'private');
		fs.mkdirSync(closed, { mode: 0o700 });
		const pgDir = path.join(closed, 'run', 'pg');
		fs.mkdirSync(pgDir, { recursive: true, mode: 0o755 });
		const postgres = await startPostgres({ dir: pgDir, processes, password: 'secret-pw' });
		const cwd = cwdOf(postgres.proc.pid);
		expect(cwd).toBe(postgres.dataDir);
		expect(cwd.startsWith(`${closed}/`)).toBe(false);
		expect(blockedFor(cwd, owner, 'rwx')).toBeNull();
		expect(await postgres.psql('SELECT current_user')).toBe('postgres');
		expect(fs.readFileSync(path.join(pgDir, 'postgres.log'), 'utf8')).toMatch(/database system is ready to accept connections/);
		const clusterFolder = path.dirname(postgres.dataDir);
		await postgres.stop();
		expect(isAlive(postgres.proc.pid)).toBe(false);
		expect(fs.existsSync(clusterFolder)).toBe(false);
		expect(fs.existsSync(path.join(pgDir, 'postgres.log'))).toBe(true);
	});

	test('Postgres given a folder whose socket path would be too long (over 107 bytes) starts with its cluster elsewhere', async () => {
		const pgDir = path.join(dir, 'x'.repeat(100), 'pg');
		fs.mkdirSync(pgDir, { recursive: true, mode: 0o755 });
		const postgres = await startPostgres({ dir: pgDir, processes });
		expect(cwdOf(postgres.proc.pid)).toBe(postgres.dataDir);
		expect(postgres.dataDir.startsWith(`${pgDir}/`)).toBe(false);
		expect(await postgres.psql('SELECT 1')).toBe('1');
		await postgres.stop();
		expect(fs.existsSync(path.dirname(postgres.dataDir))).toBe(false);
	});
});
