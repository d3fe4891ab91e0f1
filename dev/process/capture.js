'use strict';

/**
 * A command's output through files, not pipes: n8n ends with process.exit() right after printing,
 * and what it had printed into a pipe that this (busy) process had not drained yet was lost (a CI
 * run got half a run back). The files live in a fresh temporary folder that collect() removes, or
 * this process when it exits before collecting (Ctrl+C, a watchdog).
 */

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { removeOnExit } = require('./exit');

/**
 * Starts a command with stdout (and stderr, unless `stderr: 'inherit'`) going to files. Returns the
 * child and `collect()`, which reads the files once the child has closed and removes them.
 * `detached`: the child leads a new process group. `uid`/`gid`: it runs as another user (it
 * writes through the descriptors this process opened, so the files need no other owner).
 */
function spawnToFiles(command, args, { env, cwd, stderr = 'file', detached = false, uid, gid } = {}) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-cmd-'));
	const forget = removeOnExit(dir);
	const files = [path.join(dir, 'out'), path.join(dir, 'err')];
	const fds = files.map((file) => fs.openSync(file, 'w'));
	let child;
	try {
		child = spawn(command, args, { env, cwd, detached, uid, gid, stdio: ['ignore', fds[0], stderr === 'inherit' ? 'inherit' : fds[1]] });
	} catch (error) {
		fs.rmSync(dir, { recursive: true, force: true });
		forget();
		throw error;
	} finally {
		fds.forEach((fd) => fs.closeSync(fd));
	}
	function collect() {
		try {
			const [stdout, stderrText] = files.map((file) => fs.readFileSync(file, 'utf8'));
			return { stdout, stderr: stderrText };
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
			forget();
		}
	}
	return { child, collect };
}

/** Exit status of a closed child: its code, or 139 for SIGSEGV and 128 for other signals. */
function exitStatus(child) {
	return new Promise((resolve, reject) => {
		child.once('error', reject);
		child.once('close', (code, signal) => resolve(code ?? (signal === 'SIGSEGV' ? 139 : 128)));
	});
}

/**
 * Runs a command to its end (spawnToFiles, in this process's group); resolves with
 * { status, stdout, stderr, ms }. Killed after `timeoutMs`. For commands that start children of
 * their own, use Processes.run (dev/process/manager.js), which stops the whole group.
 */
async function runCaptured(command, args, { env, cwd, timeoutMs }) {
	const started = Date.now();
	const { child, collect } = spawnToFiles(command, args, { env, cwd });
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	const status = await exitStatus(child).finally(() => clearTimeout(timer));
	return { status, ...collect(), ms: Date.now() - started };
}

module.exports = { spawnToFiles, exitStatus, runCaptured };
