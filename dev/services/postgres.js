'use strict';

/**
 * A throw-away Postgres (n8n's database in queue mode): a new cluster (initdb) in `dir`, served on
 * 127.0.0.1 and a free port, run as the `postgres` system user (Postgres refuses root) with
 * durability off (fsync, synchronous commit, full-page writes: a test database), one login role
 * and database for n8n. Started and stopped by PID through the process manager (SIGINT: Postgres's
 * fast shutdown, which also ends its backends).
 */

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { freePort, HOST } = require('../ports');
const { processes: defaultProcesses } = require('../process');
const { findPostgres, systemUser, INSTALL_HINT } = require('./system');

/** Throws unless every folder above `dir` can be passed through by other users (o+x). */
function checkTraversable(dir) {
	for (let up = path.dirname(dir); ; up = path.dirname(up)) {
		if ((fs.statSync(up).mode & 0o001) === 0) {
			throw new Error(`the postgres user cannot reach ${dir}: ${up} is not searchable by others (chmod o+x ${up}, e.g. 711)`);
		}
		if (up === path.dirname(up)) return;
	}
}

/**
 * Starts Postgres under `name` with its cluster in `dir` (created; its parent folders must be
 * searchable by others), the server's log in <dir>/postgres.log. `port` default: a free one.
 * `database`, `user`, `password`: what n8n logs in with (password default: random).
 * Resolves once it accepts connections and the role and database exist:
 * { proc, version, host, port, database, user, password, psql(sql, { database }), stop() }.
 */
async function startPostgres({ dir, port, name = 'postgres', database = 'n8n', user = 'n8n', password, processes = defaultProcesses, log } = {}) {
	const server = findPostgres();
	const owner = systemUser('postgres');
	if (!server || !owner) throw new Error(`postgresql (or its postgres user) not found: ${INSTALL_HINT}`);
	checkTraversable(dir);
	const as = { uid: owner.uid, gid: owner.gid, cwd: '/' };
	const tool = (name_) => path.join(server.bin, name_);
	const dataDir = path.join(dir, 'data');
	const socketDir = path.join(dir, 'socket');
	for (const folder of [dir, dataDir, socketDir]) {
		fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
		fs.chownSync(folder, owner.uid, owner.gid);
	}
	const pwFile = path.join(dir, 'superuser-password');
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
		psql,
		stop: () => proc.stop({ signal: 'SIGINT', graceMs: 20_000 }),
	};
}

module.exports = { startPostgres };
