'use strict';

/**
 * Finding the system's server programs (dev/services/system.js): Debian's Postgres layout (the
 * newest complete version folder), users from /etc/passwd, binaries on PATH, and the install hint
 * a missing one gives.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { findPostgres, which, systemUser, INSTALL_HINT } = require('../../../dev/services/system');

let dir;
beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-services-test-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const touch = (file, mode = 0o755) => {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, '#!/bin/sh\n', { mode });
};

test('findPostgres takes the newest version folder that has postgres, initdb, pg_isready and psql', () => {
	for (const tool of ['postgres', 'initdb', 'pg_isready', 'psql']) touch(path.join(dir, '15', 'bin', tool));
	for (const tool of ['postgres', 'initdb', 'pg_isready']) touch(path.join(dir, '16', 'bin', tool)); // client missing
	touch(path.join(dir, '9', 'bin', 'postgres'));
	expect(findPostgres(dir)).toEqual({ version: '15', bin: path.join(dir, '15', 'bin') });
	touch(path.join(dir, '16', 'bin', 'psql'));
	expect(findPostgres(dir)).toEqual({ version: '16', bin: path.join(dir, '16', 'bin') });
	expect(findPostgres(path.join(dir, 'nowhere'))).toBeNull();
});

test('which finds an executable file on the given PATH, not a folder or a plain file', () => {
	touch(path.join(dir, 'a', 'tool'), 0o644);
	touch(path.join(dir, 'b', 'tool'));
	fs.mkdirSync(path.join(dir, 'c', 'dir-tool'), { recursive: true });
	expect(which('tool', `${path.join(dir, 'a')}:${path.join(dir, 'b')}`)).toBe(path.join(dir, 'b', 'tool'));
	expect(which('dir-tool', path.join(dir, 'c'))).toBeNull();
	expect(which('surely-not-installed-anywhere-42', path.join(dir, 'a'))).toBeNull();
});

test('systemUser reads uid and gid from /etc/passwd; unknown users are null', () => {
	expect(systemUser('root')).toEqual({ uid: 0, gid: 0 });
	expect(systemUser('no-such-user-chargepilot')).toBeNull();
	expect(INSTALL_HINT).toMatch(/dev\/services\/install\.sh/);
});
