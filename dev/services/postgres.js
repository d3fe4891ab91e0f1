'use strict';

/**
 * A throw-away Postgres (n8n's database in queue mode): a new cluster (initdb) served on 127.0.0.1
 * and a free port, run as the `postgres` system user (Postgres refuses root) with durability off
 * (fsync, synchronous commit, full-page writes: a test database), one login role and database for
 * n8n. Started and stopped by PID through the process manager (SIGINT: Postgres's fast shutdown,
 * which also ends its backends).
 *
 * The postgres user runs only Debian's binaries (/usr/lib/postgresql), in '/', and reads and writes
 * only its cluster folder (data, socket, the initial password file): never the checkout, which may
 * lie below a folder only its owner can enter (a clone in `mktemp -d`, a mode-700 home). The
 * cluster goes into the caller's `dir` when the postgres user can reach it, else into a new folder
 * of its own under the first temporary folder it can reach (os.tmpdir(), /tmp, /var/tmp), removed
 * again on stop() and when this process exits. The server's log is written through a descriptor
 * opened here, so it stays in `dir` either way.
 */

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { freePort, HOST } = require('../ports');
const { processes: defaultProcesses } = require('../process');
const { blockedFor } = require('../process/access');
const { removeOnExit } = require('../process/exit');
const { findPostgres, systemUser, INSTALL_HINT } = require('./system');

/** The longest path of a Unix socket (sun_path, 108 bytes with its NUL); Postgres fails on longer. */
const SOCKET_PATH_MAX = 107;
const socketPathFits = (socketDir) => Buffer.byteLength(path.join(socketDir, '.s.PGSQL.65535')) <= SOCKET_PATH_MAX;

/**
 * Where the cluster of `dir` goes: { folder, own } with `own` true for a folder made here (to be
 * removed) because the postgres user (`owner`) cannot pass some folder above `dir`, or its socket's
 * path there would be too long. Throws when no temporary folder is in reach either.
 */
function clusterFolder(dir, owner, bases = [os.tmpdir(), '/tmp', '/var/tmp']) {
	const why = blockedFor(dir, owner, '') ?? (socketPathFits(path.join(dir, 'socket')) ? null : `the socket's path below ${dir} would be longer than ${SOCKET_PATH_MAX} bytes`);
	if (!why) return { folder: dir, own: false, why: null };
	const tried = [];
	for (const base of new Set(bases)) {
		let stat;
		try {
			stat = fs.statSync(base);
		} catch {
			continue;
		}
		const blocked = stat.isDirectory() ? blockedFor(base, owner, 'x') : `${base} is not a folder`;
		if (blocked) {
			tried.push(blocked);
			continue;
		}
		const folder = fs.mkdtempSync(path.join(base, 'chargepilot-postgres-'));
		if (!socketPathFits(path.join(folder, 'socket'))) {
			fs.rmSync(folder, { recursive: true, force: true });
			tried.push(`${base}: socket path too long`);
			continue;
		}
		return { folder, own: true, why };
	}
	throw new Error(`the postgres user cannot reach ${dir} (${why}), nor a temporary folder (${tried.join('; ') || 'none found'})`);
}

/**
 * Starts Postgres under `name`; the server's log in <dir>/postgres.log (`dir` is created), its
 * cluster in `dir` or, when the postgres user cannot reach `dir`, in a folder of its own (see
 * above). `port` default: a free one. `database`, `user`, `password`: what n8n logs in with
 * (password default: random). Resolves once it accepts connections and the role and database
 * exist: { proc, version, host, port, database, user, password, dataDir, psql(sql, { database }), stop() }.
 */
async function startPostgres({ dir, port, name = 'postgres', database = 'n8n', user = 'n8n', password, processes = defaultProcesses, log } = {}) {
	const server = findPostgres();
	const owner = systemUser('postgres');
	if (!server || !owner) throw new Error(`postgresql (or its postgres user) not found: ${INSTALL_HINT}`);
	fs.mkdirSync(dir, { recursive: true });
	const cluster = clusterFolder(dir, owner);
	const forget = cluster.own ? removeOnExit(cluster.folder) : () => {};
	if (cluster.own && log) log(`Postgres: cluster in ${cluster.folder}, not in ${dir}: ${cluster.why}`);
	const as = { uid: owner.uid, gid: owner.gid, cwd: '/' };
	const tool = (name_) => path.join(server.bin, name_);
	const dataDir = path.join(cluster.folder, 'data');
	const socketDir = path.join(cluster.folder, 'socket');
	for (const folder of [cluster.folder, dataDir, socketDir]) {
		fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
		fs.chownSync(folder, owner.uid, owner.gid);
	}
	const pwFile = path.join(cluster.folder, 'superuser-password');
	fs.writeFileSync(pwFile, crypto.randomBytes(16).toString('hex'), { mode: 0o600 });
	fs.chownSync(pwFile, owner.uid, owner.gid);

	const init = await processes.run(
		tool('initdb'),
		['-D', dataDir, '-U', 'postgres', `--pwfile=${pwFile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'],
		{ ...as, timeoutMs: 120_000 },
	);
	fs.rmSync(pwFile, { force: true });
	if (init.status !== 0) throw new Error(`initdb failed (exit ${init.status}):\n${(init.stdout + init.stderr).trim().slice(-3000)}`);

	const pgPort = port ?? (await freePort());
	const settings = { listen_addresses: HOST, unix_socket_directories: socketDir, fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '200' };
	const args = ['-D', dataDir, '-p', String(pgPort), ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])];
	const proc = processes.start(name, tool('postgres'), args, { ...as, logFile: path.join(dir, 'postgres.log'), log });
	await proc.waitReady(async () => (await processes.run(tool('pg_isready'), ['-h', HOST, '-p', String(pgPort)], { timeoutMs: 10_000 })).status === 0, {
		timeoutMs: 60_000,
		intervalMs: 250,
	});

	/** One SQL command as the superuser over the socket; its rows as text (psql -At). */
	async function psql(sql, { database: db = database } = {}) {
		const result = await processes.run(tool('psql'), ['-X', '-h', socketDir, '-p', String(pgPort), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], {
			...as,
			timeoutMs: 60_000,
		});
		if (result.status !== 0) throw new Error(`psql failed (${sql.slice(0, 80)}): ${result.stderr.trim()}`);
		return result.stdout.trim();
	}

	const secret = password ?? crypto.randomBytes(16).toString('hex');
	const literal = (text) => `'${text.replace(/'/g, "''")}'`;
	await psql(`CREATE ROLE "${user}" LOGIN PASSWORD ${literal(secret)}`, { database: 'postgres' });
	await psql(`CREATE DATABASE "${database}" OWNER "${user}"`, { database: 'postgres' });

	return {
		proc,
		version: server.version,
		host: HOST,
		port: pgPort,
		database,
		user,
		password: secret,
		dataDir,
		psql,
		async stop() {
			await proc.stop({ signal: 'SIGINT', graceMs: 20_000 });
			if (cluster.own) {
				fs.rmSync(cluster.folder, { recursive: true, force: true, maxRetries: 5 });
				forget();
			}
		},
	};
}

module.exports = { startPostgres, clusterFolder };
