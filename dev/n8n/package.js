'use strict';

/**
 * This package as n8n gets it from npm: `npm pack` of the built checkout, installed into an n8n
 * user folder's `.n8n/nodes` the way n8n's community-package installer does (n8n scans
 * `nodes/node_modules` for `n8n-nodes-*` at start-up).
 */

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { REPO } = require('../paths');
const { processes: defaultProcesses } = require('../process');
const { systemPath } = require('./env');

/** The npm of the system Node (not the dev Node 24 that npm scripts put first on PATH). */
const npmEnv = () => ({ ...process.env, PATH: systemPath() });

async function npm(args, { cwd, processes }) {
	const result = await processes.run('npm', args, { cwd, env: npmEnv(), timeoutMs: 10 * 60_000 });
	if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${result.status})\n${(result.stdout + result.stderr).trim().split('\n').slice(-25).join('\n')}`);
	return result;
}

/**
 * `npm pack` of the checkout (run `npm run build` first) into `dest` (default: a new temporary
 * folder). Returns { tarball, filename, name, version, integrity, files: [path] }.
 */
async function packPackage({ dest, processes = defaultProcesses } = {}) {
	const into = dest ?? fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-pack-'));
	fs.mkdirSync(into, { recursive: true });
	const { stdout } = await npm(['pack', '--pack-destination', into, '--json', '--ignore-scripts', '--loglevel=error'], { cwd: REPO, processes });
	const [info] = JSON.parse(stdout);
	return {
		tarball: path.join(into, info.filename),
		filename: info.filename,
		name: info.name,
		version: info.version,
		integrity: info.integrity,
		files: info.files.map((file) => file.path),
	};
}

/** A tarball packed elsewhere (e.g. another build, to compare) described as packPackage() does. */
async function describeTarball(tarball, { processes = defaultProcesses } = {}) {
	const file = path.resolve(tarball);
	const { status, stdout, stderr } = await processes.run('tar', ['-xzOf', file, 'package/package.json'], { timeoutMs: 60_000 });
	if (status !== 0) throw new Error(`${file} is not an npm package tarball: ${stderr.trim()}`);
	const manifest = JSON.parse(stdout);
	const integrity = `sha512-${crypto.createHash('sha512').update(fs.readFileSync(file)).digest('base64')}`;
	return { tarball: file, filename: path.basename(file), name: manifest.name, version: manifest.version, integrity, files: undefined };
}

/**
 * Installs a packed package (packPackage) into `nodesDir` (<user folder>/.n8n/nodes). Keeps the
 * installed copy when the same tarball was installed there before (npm pack is reproducible: same
 * integrity, same files). Resolves true when it installed, false when it kept the copy.
 */
async function installPackage(nodesDir, packed, { processes = defaultProcesses } = {}) {
	fs.mkdirSync(nodesDir, { recursive: true });
	const manifest = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(manifest)) fs.writeFileSync(manifest, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	const installedDir = path.join(nodesDir, 'node_modules', packed.name);
	const stampFile = path.join(nodesDir, '.installed-tarball');
	const installed = path.join(installedDir, 'package.json');
	if (fs.existsSync(installed) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8').trim() === packed.integrity) return false;
	// Same version, new content: remove the old copy so npm cannot keep it.
	fs.rmSync(stampFile, { force: true });
	fs.rmSync(installedDir, { recursive: true, force: true });
	await npm(
		// --omit=peer: not n8n-workflow (n8n has its own). --prefer-offline: npm still resolves the
		// peer's tree; from the cache that takes ~3 s instead of ~14 s of registry round trips.
		['install', packed.tarball, '--omit=peer', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', '--save=false', '--loglevel=error'],
		{ cwd: nodesDir, processes },
	);
	if (!fs.existsSync(installed)) throw new Error(`npm install finished but ${installed} is missing`);
	fs.writeFileSync(stampFile, `${packed.integrity}\n`);
	return true;
}

module.exports = { packPackage, describeTarball, installPackage };
