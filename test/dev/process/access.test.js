'use strict';

/**
 * Whether another user can reach a path (dev/process/access.js): the first folder on the way that
 * its owner, group or other bits close to that uid/gid is named; root passes folders but cannot run
 * a file nobody may run. From mode bits only, so it runs as any user.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { blockedFor } = require('../../../dev/process/access');

const me = { uid: process.getuid(), gid: process.getgid() };
const other = { uid: me.uid === 65534 ? 65533 : 65534, gid: me.gid === 65534 ? 65533 : 65534 };
const sameGroup = { uid: other.uid, gid: me.gid };

let dir;
beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-access-test-'));
	fs.chmodSync(dir, 0o711);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A folder chain dir/a/b with `mode` on a, and an executable (755) file in b. */
function chain(mode) {
	const a = path.join(dir, 'a');
	const b = path.join(a, 'b');
	fs.mkdirSync(b, { recursive: true });
	fs.chmodSync(a, mode);
	fs.chmodSync(b, 0o755);
	const file = path.join(b, 'tool');
	fs.writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
	fs.chmodSync(file, 0o755);
	return { a, b, file };
}

const inReach = (target) => {
	// the test's own temporary folder must be reachable by the other user for these cases to mean anything
	const above = blockedFor(dir, other);
	if (above) throw new Error(`os.tmpdir() is out of reach of uid ${other.uid}: ${above}`);
	return target;
};

test('a mode-700 folder on the way is named, with its mode and owner; its owner passes', () => {
	const { a, file } = chain(0o700);
	expect(blockedFor(inReach(file), other)).toBe(`${a} (mode 700, owner ${me.uid}:${me.gid}) is not searchable by uid ${other.uid} (gid ${other.gid})`);
	expect(blockedFor(file, me)).toBeNull();
	// the folder itself can be reached (named as the target, not as a folder on the way), not entered
	expect(blockedFor(a, other)).toBe(`${a} (mode 700, owner ${me.uid}:${me.gid}) does not give uid ${other.uid} (gid ${other.gid}) x`);
});

test('group bits apply to the folder\'s group, other bits to everyone else', () => {
	const { a, file } = chain(0o710);
	expect(blockedFor(inReach(file), sameGroup)).toBeNull();
	expect(blockedFor(file, other)).toMatch(new RegExp(`^${a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(mode 710,`));
	fs.chmodSync(a, 0o701);
	expect(blockedFor(file, other)).toBeNull();
	// owner bits decide for the owner, even when others may pass
	fs.chmodSync(a, 0o071);
	expect(blockedFor(file, { uid: me.uid === 0 ? 1 : me.uid, gid: 424242 }) === null).toBe(me.uid === 0);
});

test('the access asked of the path itself: x by default, r or w when asked', () => {
	const { file } = chain(0o755);
	expect(blockedFor(inReach(file), other)).toBeNull();
	fs.chmodSync(file, 0o750);
	expect(blockedFor(file, other)).toBe(`${file} (mode 750, owner ${me.uid}:${me.gid}) does not give uid ${other.uid} (gid ${other.gid}) x`);
	expect(blockedFor(file, sameGroup, 'rx')).toBeNull();
	expect(blockedFor(file, sameGroup, 'w')).toMatch(/does not give .* w$/);
});

test('root passes every folder but cannot run a file that nobody may run; missing paths are not blocked', () => {
	const { b, file } = chain(0o700);
	const root = { uid: 0, gid: 0 };
	fs.chmodSync(b, 0o000);
	expect(blockedFor(file, root)).toBeNull();
	fs.chmodSync(b, 0o755);
	fs.chmodSync(file, 0o644);
	expect(blockedFor(file, root)).toMatch(/does not give uid 0 \(gid 0\) x$/);
	expect(blockedFor(file, root, 'rw')).toBeNull();
	expect(blockedFor(path.join(dir, 'nowhere', 'tool'), other)).toBeNull();
	// a missing path below a closed folder: the closed folder is what is in the way
	expect(blockedFor(path.join(b, 'missing', 'tool'), other)).toMatch(/\/a \(mode 700,.*is not searchable/);
});
