'use strict';

/**
 * The system's own server programs the queue-mode suite runs (Debian's `redis-server` and
 * `postgresql` packages): where their binaries are, and the `postgres` system user Postgres must
 * run as (it refuses root). install.sh beside this file installs them with apt-get when missing.
 */

const fs = require('node:fs');
const path = require('node:path');

const INSTALL_HINT = 'install them with `bash dev/services/install.sh` (Debian/Ubuntu: apt-get install redis-server postgresql; CI runs it)';

/** The first executable `name` on PATH (or in /usr/sbin, /usr/bin), or null. */
function which(name, envPath = process.env.PATH) {
	const dirs = [...(envPath || '').split(':').filter(Boolean), '/usr/local/bin', '/usr/bin', '/usr/sbin'];
	for (const dir of dirs) {
		const file = path.join(dir, name);
		try {
			fs.accessSync(file, fs.constants.X_OK);
			if (fs.statSync(file).isFile()) return file;
		} catch {
			// not here
		}
	}
	return null;
}

/** The redis-server binary, or null. */
function findRedisServer() {
	return which('redis-server');
}

/**
 * The newest Postgres server of Debian's layout (/usr/lib/postgresql/<major>/bin with postgres,
 * initdb, pg_isready and psql), as { version, bin }, or null.
 */
function findPostgres(base = '/usr/lib/postgresql') {
	let versions;
	try {
		versions = fs.readdirSync(base);
	} catch {
		return null;
	}
	const usable = versions
		.filter((version) => ['postgres', 'initdb', 'pg_isready', 'psql'].every((tool) => fs.existsSync(path.join(base, version, 'bin', tool))))
		.sort((a, b) => Number(b) - Number(a));
	return usable.length ? { version: usable[0], bin: path.join(base, usable[0], 'bin') } : null;
}

/** uid and gid of a system user from /etc/passwd, or null. */
function systemUser(name) {
	let passwd;
	try {
		passwd = fs.readFileSync('/etc/passwd', 'utf8');
	} catch {
		return null;
	}
	for (const line of passwd.split('\n')) {
		const [user, , uid, gid] = line.split(':');
		if (user === name) return { uid: Number(uid), gid: Number(gid) };
	}
	return null;
}

/** What is missing of redis-server, postgresql and the postgres user (Debian package names). */
function missingServices() {
	const missing = [];
	if (!findRedisServer()) missing.push('redis-server');
	if (!findPostgres() || !systemUser('postgres')) missing.push('postgresql');
	return missing;
}

/** Throws with the install hint when redis-server or postgresql is missing. */
function requireServices() {
	const missing = missingServices();
	if (missing.length) throw new Error(`${missing.join(' and ')} not found: ${INSTALL_HINT}`);
}

module.exports = { which, findRedisServer, findPostgres, systemUser, missingServices, requireServices, INSTALL_HINT };
