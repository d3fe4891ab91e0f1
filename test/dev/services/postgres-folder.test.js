'use strict';

/**
 * Where startPostgres puts its cluster (clusterFolder in dev/services/postgres.js): in the folder
 * given when the postgres user can pass every folder above it, else in a new folder under the first
 * temporary folder it can reach; the reason is kept, and no reachable folder is an error naming
 * each one tried. From mode bits only (dev/process/access.js), so it runs as any user, with any
 * uid standing in for the postgres user.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { clusterFolder } = require('../../../dev/services/postgres');

const me = process.getuid();
const pg = { uid: me === 65534 ? 65533 : 65534, gid: me === 65534 ? 65533 : 65534 };

let dir;
beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-pg-folder-test-'));
	fs.chmodSync(dir, 0o711);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const folder = (name, mode) => {
	const made = path.join(dir, name);
	fs.mkdirSync(made, { recursive: true });
	fs.chmodSync(made, mode);
	return made;
};

test('the folder given, when the postgres user can pass every folder above it', () => {
	const open = path.join(folder('open', 0o711), 'run', 'pg');
	fs.mkdirSync(open, { recursive: true });
	expect(clusterFolder(open, pg, [folder('tmp', 0o1777)])).toEqual({ folder: open, own: false, why: null });
	expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
});

test('below a mode-700 folder: a new folder under the first temporary folder the postgres user can reach', () => {
	const closed = folder('private', 0o700);
	const pgDir = path.join(closed, 'run', 'pg');
	fs.mkdirSync(pgDir, { recursive: true });
	const closedTmp = folder('private/tmp', 0o1777); // itself open, but below the closed folder
	const openTmp = folder('tmp', 0o1777);
	const chosen = clusterFolder(pgDir, pg, [closedTmp, path.join(dir, 'missing'), openTmp]);
	expect(chosen.own).toBe(true);
	expect(path.dirname(chosen.folder)).toBe(openTmp);
	expect(path.basename(chosen.folder)).toMatch(/^chargepilot-postgres-/);
	expect(fs.statSync(chosen.folder).isDirectory()).toBe(true);
	expect(chosen.why).toBe(`${closed} (mode 700, owner ${me}:${process.getgid()}) is not searchable by uid ${pg.uid} (gid ${pg.gid})`);
});

test('no temporary folder in reach: an error that names what was tried', () => {
	const closed = folder('private', 0o700);
	const pgDir = path.join(closed, 'pg');
	const closedTmp = folder('closed-tmp', 0o700);
	expect(() => clusterFolder(pgDir, pg, [closedTmp])).toThrow(
		new RegExp(`^the postgres user cannot reach ${pgDir} \\(.*private \\(mode 700.*\\), nor a temporary folder \\(.*closed-tmp \\(mode 700, .*\\) does not give uid ${pg.uid} \\(gid ${pg.gid}\\) x\\)$`),
	);
	expect(fs.readdirSync(closedTmp)).toEqual([]);
});

test('a folder whose socket path would pass 107 bytes is not used, even in reach', () => {
	const long = path.join(folder('open', 0o711), 'x'.repeat(80), 'pg');
	const chosen = clusterFolder(long, pg, [folder('tmp', 0o1777)]);
	expect(chosen.own).toBe(true);
	expect(chosen.why).toMatch(/socket's path below .* would be longer than 107 bytes/);
	// and one that fits is used
	expect(clusterFolder(path.join(dir, 'open', 'pg'), pg, [path.join(dir, 'tmp')]).own).toBe(false);
});
