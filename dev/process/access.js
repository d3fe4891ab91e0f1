'use strict';

/**
 * Whether another user (a uid and gid, as the process manager starts processes with them) can
 * reach a path: every folder on the way searchable (x) by that user, and the path itself with the
 * access asked for. From the mode bits and owners alone, the way the kernel decides for a process
 * started by Node with `uid`/`gid`: it has exactly that uid and gid and no supplementary groups
 * (libuv drops them when it changes the user). POSIX ACLs are not read; root passes every folder.
 *
 * Why it matters: a checkout (node_modules/.bin/node, the n8n harnesses) or a temporary folder
 * often lies below a folder only its owner may enter (mode 700: `mktemp -d`, many home folders),
 * and a process started as another user (Postgres as `postgres`) cannot reach anything there.
 */

const fs = require('node:fs');
const path = require('node:path');

const BITS = { r: 4, w: 2, x: 1 };

/** The permission bits (0-7) of `stat` that apply to `uid`/`gid`: owner's, group's or others'. */
function bitsFor(stat, { uid, gid }) {
	if (stat.uid === uid) return (stat.mode >> 6) & 7;
	if (stat.gid === gid) return (stat.mode >> 3) & 7;
	return stat.mode & 7;
}

/** Whether `uid`/`gid` has every access of `need` ('x', 'rx', 'rwx', ...) on `stat`. */
function allows(stat, user, need) {
	const wanted = [...need].reduce((sum, letter) => sum | BITS[letter], 0);
	if (user.uid === 0) {
		// root: everything, except running a file that nobody may run
		return !(wanted & BITS.x) || stat.isDirectory() || (stat.mode & 0o111) !== 0;
	}
	return (bitsFor(stat, user) & wanted) === wanted;
}

const describe = (file, stat) => `${file} (mode ${(stat.mode & 0o777).toString(8)}, owner ${stat.uid}:${stat.gid})`;

/**
 * Why `uid`/`gid` cannot reach `target` with access `need` (default 'x': run it, or enter it if it
 * is a folder; '': only pass the folders on the way to it), as one sentence naming the first folder
 * (or the file) in the way; null when it can. A path that does not exist: what is in the way of its
 * nearest existing folder, else null.
 */
function blockedFor(target, user, need = 'x') {
	const absolute = path.resolve(target);
	const chain = [];
	for (let up = path.dirname(absolute); ; up = path.dirname(up)) {
		chain.unshift(up);
		if (up === path.dirname(up)) break;
	}
	for (const folder of chain) {
		let stat;
		try {
			stat = fs.statSync(folder);
		} catch {
			return null; // missing: nothing more to say from here
		}
		if (!allows(stat, user, 'x')) return `${describe(folder, stat)} is not searchable by uid ${user.uid} (gid ${user.gid})`;
	}
	let stat;
	try {
		stat = fs.statSync(absolute);
	} catch {
		return null;
	}
	if (!allows(stat, user, need)) return `${describe(absolute, stat)} does not give uid ${user.uid} (gid ${user.gid}) ${need}`;
	return null;
}

module.exports = { blockedFor };
