'use strict';

/**
 * Variants of a packed package for a registry test: the same tarball unpacked, changed by the
 * caller (a new version, a marker, a manifest field taken away) and packed again as npm lays a
 * package tarball out (everything under `package/`). `npm publish <tarball>` uploads it as it is.
 * Nothing of the checkout is touched.
 */

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { processes: defaultProcesses } = require('../process');

/** Reads, changes (`change(manifest)` edits it in place or returns a new one) and writes package.json in `dir`. */
function editManifest(dir, change) {
	const file = path.join(dir, 'package.json');
	const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
	const result = change(manifest) ?? manifest;
	fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
	return result;
}

function filesUnder(dir, prefix = '') {
	return fs
		.readdirSync(dir, { withFileTypes: true })
		.flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]))
		.sort();
}

/**
 * Unpacks `tarball` into a fresh folder under `into`, lets `edit(packageDir)` change it (sync or
 * async), packs it as `<into>/<name>-<version>.tgz` (GNU tar: sorted, fixed owner and time, so the
 * same content gives the same bytes) and removes the unpacked copy. Resolves
 * { tarball, filename, name, version, integrity, files: [path] } like dev/n8n's packPackage().
 */
async function repackTarball(tarball, { into, edit, processes = defaultProcesses }) {
	fs.mkdirSync(into, { recursive: true });
	const work = fs.mkdtempSync(path.join(into, 'unpack-'));
	const tar = async (args) => {
		const result = await processes.run('tar', args, { timeoutMs: 60_000 });
		if (result.status !== 0) throw new Error(`tar ${args.join(' ')} failed (exit ${result.status}): ${result.stderr.trim().slice(-1000)}`);
	};
	try {
		await tar(['-xzf', tarball, '-C', work]);
		const packageDir = path.join(work, 'package');
		await edit(packageDir);
		const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
		const filename = `${manifest.name.replace(/^@/, '').replace(/\//g, '-')}-${manifest.version}.tgz`;
		const out = path.join(into, filename);
		await tar(['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@499162500', '-czf', out, '-C', work, 'package']);
		return {
			tarball: out,
			filename,
			name: manifest.name,
			version: manifest.version,
			integrity: `sha512-${crypto.createHash('sha512').update(fs.readFileSync(out)).digest('base64')}`,
			files: filesUnder(packageDir),
		};
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

module.exports = { repackTarball, editManifest };
