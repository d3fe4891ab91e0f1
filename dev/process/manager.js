'use strict';

/**
 * The one place that starts and stops processes for tests and tools: n8n servers (`n8n start`, and
 * later workers and webhook processors: several named processes at once), n8n commands run to
 * their end (`import:*`, `execute`), npm, helper scripts.
 *
 * Every process leads its own process group and is stopped by its PID and group, never by name:
 * SIGTERM, SIGKILL to the group after a grace period, then whatever is left of the group (n8n's
 * task runner). Long-running processes write straight into a log file (not through a pipe to this
 * process, so one left behind by a killed parent keeps working and still stops on SIGTERM); their
 * readiness is waited for with a probe, and a process that exits while it is awaited fails the wait
 * with the end of its log. On this process's exit every group still running is killed.
 */

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { blockedFor } = require('./access');
const { exitStatus, spawnToFiles } = require('./capture');
const { reapGroup, signalGroup, signalProcess, sleep } = require('./group');

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Resolves true when `promise` settles within `ms`, else false; leaves no timer behind. */
function within(promise, ms) {
	let timer;
	const timeout = new Promise((resolve) => {
		timer = setTimeout(() => resolve(false), ms);
	});
	return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

/**
 * What a process started as another user (`uid` set) needs besides its command: a working folder
 * it can enter. Without `cwd` a child keeps this process's, usually the checkout, which that user
 * may not be able to enter (a clone below a mode-700 folder): there it starts in '/' instead.
 */
const cwdFor = (cwd, uid) => cwd ?? (uid === undefined ? undefined : '/');

/**
 * A spawn of another user's process that failed (EACCES, ENOENT: the command or its folder out of
 * that user's reach) says which folder is in the way; its message is extended in place.
 */
function explainAs(child, command, { uid, gid }) {
	if (uid === undefined) return;
	child.once('error', (error) => {
		if (error.code !== 'EACCES' && error.code !== 'ENOENT') return;
		const why = path.isAbsolute(command) ? blockedFor(command, { uid, gid: gid ?? process.getgid() }) : null;
		if (why) error.message += ` (as uid ${uid}: ${why}; a process started as another user must not need a folder only its owner may enter, such as a checkout below a mode-700 folder)`;
	});
}

const describeExit = (how) => (how.error ? how.error.message : how.signal || `exit ${how.code}`);

/** One process this manager started. */
class Proc {
	constructor({ name, child, logFile, log }) {
		this.name = name;
		this.child = child;
		this.pid = child.pid;
		this.logFile = logFile;
		this.log = log;
		this.startedAt = Date.now();
		this.exitInfo = null;
		this.exited = new Promise((resolve) => {
			const done = (how) => {
				if (this.exitInfo) return;
				this.exitInfo = how;
				resolve(how);
			};
			child.once('exit', (code, signal) => done({ code, signal }));
			child.once('error', (error) => done({ code: null, signal: null, error }));
		});
	}

	get running() {
		return !this.exitInfo && this.child.exitCode === null && this.child.signalCode === null;
	}

	/** The last lines of its log file. */
	tail(lines = 30) {
		try {
			return fs.readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
		} catch {
			return '(no log)';
		}
	}

	/** Sends a signal to this process only (not its group), e.g. SIGKILL to one worker. */
	signal(signal) {
		return signalProcess(this.pid, signal);
	}

	/**
	 * Polls `probe()` (truthy = ready; a throw counts as not yet) every `intervalMs` until it is ready.
	 * Fails when the process exits first or `timeoutMs` passes, with the end of its log.
	 */
	async waitReady(probe, { timeoutMs = 240_000, intervalMs = 250 } = {}) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			if (this.exitInfo) throw new Error(`${this.name} exited during start-up (${describeExit(this.exitInfo)}). Last lines of ${this.logFile}:\n${this.tail()}`);
			if (Date.now() > deadline) throw new Error(`${this.name} was not ready after ${timeoutMs / 1000} s. Last lines of ${this.logFile}:\n${this.tail()}`);
			if (await Promise.resolve().then(probe).catch(() => false)) return;
			await sleep(intervalMs);
		}
	}

	/**
	 * `signal` (SIGTERM; e.g. SIGINT for Postgres's fast shutdown) to the process (`group: true`: to
	 * its whole group), SIGKILL to the group after `graceMs`, then whatever is left of the group.
	 * Resolves once all of it is gone.
	 */
	async stop({ graceMs = 30_000, group = false, signal = 'SIGTERM' } = {}) {
		if (this.running) {
			const started = Date.now();
			this.log(`stopping ${this.name} (PID ${this.pid}) ...`);
			if (group) signalGroup(this.pid, signal);
			else signalProcess(this.pid, signal);
			if (!(await within(this.exited, graceMs))) {
				this.log(`${this.name} did not stop within ${graceMs / 1000} s; killing process group ${this.pid}`);
				signalGroup(this.pid, 'SIGKILL');
				await within(this.exited, 5000);
			}
			this.log(`${this.name} stopped (${seconds(Date.now() - started)})`);
		}
		await reapGroup(this.pid);
	}

	/** Copies what the process appends to its log file to `write` (e.g. stdout) until it exits. */
	followLog(write, { from = 0 } = {}) {
		let position = from;
		const copy = () => {
			try {
				const size = fs.statSync(this.logFile).size;
				if (size <= position) return;
				const fd = fs.openSync(this.logFile, 'r');
				const buffer = Buffer.alloc(size - position);
				fs.readSync(fd, buffer, 0, buffer.length, position);
				fs.closeSync(fd);
				position = size;
				write(buffer);
			} catch {
				// log rotated or removed: ignore
			}
		};
		const timer = setInterval(copy, 250);
		timer.unref();
		this.exited.then(() => {
			clearInterval(timer);
			copy();
		});
	}
}

class Processes {
	/** @param {{ log?: (line: string) => void }} options  where stop messages go (default: nowhere) */
	constructor({ log } = {}) {
		this.log = log || (() => {});
		this.live = new Set();
		this.named = new Map();
		this.exitHooked = false;
	}

	track(proc) {
		if (!this.exitHooked) {
			this.exitHooked = true;
			process.on('exit', () => this.killAllNow());
		}
		this.live.add(proc);
		proc.exited.then(() => this.live.delete(proc));
		return proc;
	}

	/**
	 * Starts a long-running process in its own process group, its output appended to `logFile`.
	 * `name` is unique among the running processes of this manager ("n8n", "worker-1", ...).
	 * `uid`/`gid`: run it as another user (e.g. Postgres, which refuses to run as root); the PID
	 * held is still the process itself, not a wrapper like runuser. That user needs to reach only
	 * the command (give one outside the checkout: the checkout may lie below a folder only its owner
	 * can enter) and `cwd` (default then '/', not this process's folder); the log file is opened
	 * here and handed over.
	 */
	start(name, command, args, { env = process.env, cwd, logFile, log = this.log, uid, gid }) {
		const current = this.named.get(name);
		if (current && current.running) throw new Error(`a process named ${name} is running already (PID ${current.pid})`);
		fs.mkdirSync(path.dirname(logFile), { recursive: true });
		const fd = fs.openSync(logFile, 'a');
		let child;
		try {
			child = spawn(command, args, { cwd: cwdFor(cwd, uid), env, uid, gid, stdio: ['ignore', fd, fd], detached: true });
			explainAs(child, command, { uid, gid });
		} finally {
			fs.closeSync(fd);
		}
		const proc = this.track(new Proc({ name, child, logFile, log }));
		this.named.set(name, proc);
		return proc;
	}

	/** The process started under `name` (running or not), if any. */
	get(name) {
		return this.named.get(name);
	}

	/**
	 * Runs a command to its end in its own process group, its output captured through files
	 * (dev/process/capture.js); resolves with { status, stdout, stderr, ms, timedOut }. The group is
	 * killed after `timeoutMs`, and what is left of it after the command exits. `stderr: 'inherit'`
	 * shows stderr (e.g. npm's progress) instead of capturing it. `onStart(child)` sees the child.
	 * `uid`/`gid`: run it as another user (what start() says about reaching the command and `cwd`
	 * holds here too).
	 */
	async run(command, args, { env = process.env, cwd, timeoutMs = 15 * 60_000, stderr = 'file', onStart, uid, gid } = {}) {
		const started = Date.now();
		const { child, collect } = spawnToFiles(command, args, { env, cwd: cwdFor(cwd, uid), stderr, detached: true, uid, gid });
		explainAs(child, command, { uid, gid });
		const proc = this.track(new Proc({ name: path.basename(command), child, logFile: null, log: () => {} }));
		if (onStart) onStart(child);
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			signalGroup(child.pid, 'SIGKILL');
		}, timeoutMs);
		let status;
		try {
			status = await exitStatus(child);
		} finally {
			clearTimeout(timer);
			await reapGroup(proc.pid);
		}
		return { status, ...collect(), ms: Date.now() - started, timedOut };
	}

	/** Stops the process started under `name` (see Proc.stop). */
	async stop(name, options) {
		const proc = this.named.get(name);
		if (proc) await proc.stop(options);
	}

	/** Stops every running process of this manager, all at once. */
	async stopAll(options) {
		await Promise.all([...this.live].map((proc) => proc.stop(options)));
	}

	/** Synchronous last resort (a process 'exit' handler, a watchdog): SIGKILL to every group. */
	killAllNow() {
		for (const proc of this.live) signalGroup(proc.pid, 'SIGKILL');
	}

	/** Ctrl+C or SIGTERM: every group killed now, then exit code 130 (for commands that run to an end). */
	stopOnSignals() {
		for (const signal of ['SIGINT', 'SIGTERM']) {
			process.once(signal, () => {
				console.log(`\n${signal}: stopping`);
				this.killAllNow();
				process.exit(130);
			});
		}
	}

	/**
	 * Bounds a whole run: after `maxMs` every group is killed and `onTimeout()` is called (which
	 * usually reports and exits). Returns a function that cancels it.
	 */
	watchdog(maxMs, onTimeout) {
		const timer = setTimeout(() => {
			this.killAllNow();
			onTimeout();
		}, maxMs);
		timer.unref();
		return () => clearTimeout(timer);
	}
}

module.exports = { Processes, Proc };
