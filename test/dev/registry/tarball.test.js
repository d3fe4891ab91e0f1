'use strict';

/**
 * Package variants for registry tests (dev/registry/tarball.js): a tarball unpacked, changed and
 * packed again under `package/`, named and described from its new manifest; the same change gives
 * the same bytes; the unpacked copy is gone afterwards.
 */

const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { repackTarball, editManifest } = require('../../../dev/registry/tarball');

let dir;
let source;

beforeAll(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-tarball-test-'));
	const pkg = path.join(dir, 'src', 'package');
	fs.mkdirSync(path.join(pkg, 'dist'), { recursive: true });
	fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'n8n-nodes-x', version: '0.1.0', n8n: { n8nNodesApiVersion: 1, nodes: ['dist/X.node.js'] } }));
	fs.writeFileSync(path.join(pkg, 'dist', 'X.node.js'), 'exports.X = class X {};\n');
	source = path.join(dir, 'n8n-nodes-x-0.1.0.tgz');
	execFileSync('tar', ['-czf', source, '-C', path.join(dir, 'src'), 'package']);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const bump = (packageDir) => {
	editManifest(packageDir, (manifest) => {
		manifest.version = '0.1.1';
		delete manifest.n8n;
	});
	fs.appendFileSync(path.join(packageDir, 'dist', 'X.node.js'), '// 0.1.1\n');
};

test('the variant carries the edits, is named from its manifest and described like a packed package', async () => {
	const into = path.join(dir, 'out');
	const variant = await repackTarball(source, { into, edit: bump });
	expect(variant).toMatchObject({ filename: 'n8n-nodes-x-0.1.1.tgz', name: 'n8n-nodes-x', version: '0.1.1', files: ['dist/X.node.js', 'package.json'] });
	expect(variant.tarball).toBe(path.join(into, 'n8n-nodes-x-0.1.1.tgz'));
	expect(variant.integrity).toBe(`sha512-${crypto.createHash('sha512').update(fs.readFileSync(variant.tarball)).digest('base64')}`);
	expect(execFileSync('tar', ['-tzf', variant.tarball], { encoding: 'utf8' }).trim().split('\n').filter((entry) => !entry.endsWith('/')).sort()).toEqual(['package/dist/X.node.js', 'package/package.json']);
	const manifest = JSON.parse(execFileSync('tar', ['-xzOf', variant.tarball, 'package/package.json'], { encoding: 'utf8' }));
	expect(manifest).toEqual({ name: 'n8n-nodes-x', version: '0.1.1' });
	expect(execFileSync('tar', ['-xzOf', variant.tarball, 'package/dist/X.node.js'], { encoding: 'utf8' })).toBe('exports.X = class X {};\n// 0.1.1\n');
	expect(fs.readdirSync(into)).toEqual(['n8n-nodes-x-0.1.1.tgz']);
});

test('the same edit gives the same bytes; a failing edit leaves nothing unpacked behind', async () => {
	const a = await repackTarball(source, { into: path.join(dir, 'a'), edit: bump });
	const b = await repackTarball(source, { into: path.join(dir, 'b'), edit: bump });
	expect(a.integrity).toBe(b.integrity);
	const into = path.join(dir, 'failing');
	await expect(
		repackTarball(source, {
			into,
			edit: () => {
				throw new Error('no such marker');
			},
		}),
	).rejects.toThrow('no such marker');
	expect(fs.readdirSync(into)).toEqual([]);
});
