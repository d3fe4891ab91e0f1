'use strict';

/**
 * The process manager (dev/process/manager.js): named processes in their own groups, readiness
 * waits that fail with the log's end, stops that take the whole group (a child the process
 * started, as n8n starts its task runner), SIGKILL when SIGTERM is ignored, commands killed with
 * their group after their time limit, and the watchdog.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const { Processes } = require('../../../dev/process/manager');
const { signalGroup, isAlive } = require('../../../dev/process/group');

jest.setTimeout(30_000);

/** A Node script that starts a child of its own (in its group), writes both PIDs, then waits. */
const PARENT = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
console.log('pids ' + process.pid + ' ' + child.pid);
setInterval(() => {}, 1000);
`;

let dir;
let processes;
beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-manager-test-'));
	processes = new Processes();
});
afterEach(async () => {
	processes.killAllNow();
	await processes.stopAll({ graceMs: 1000 });
	fs.rmSync(dir, { recursive: true, force: true });
});

const pidsIn = (file) => {
	const match = /pids (\d+) (\d+)/.exec(fs.readFileSync(file, 'utf8'));
	return match ? [Number(match[1]), Number(match[2])] : undefined;
};

test('a named process leads its own group; stop() ends it and the child it started', async () => {
	const logFile = path.join(dir, 'parent.log');
	const proc = processes.start('parent', process.execPath, ['-e', PARENT], { logFile });
	await proc.waitReady(() => pidsIn(logFile), { timeoutMs: 10_000, intervalMs: 50 });
	const [pid, childPid] = pidsIn(logFile);
	expect(pid).toBe(proc.pid);
	expect(signalGroup(proc.pid, 0)).toBe(true);
	expect(() => processes.start('parent', process.execPath, ['-e', PARENT], { logFile })).toThrow(/running already/);
	await processes.stop('parent', { graceMs: 5000 });
	expect(proc.running).toBe(false);
	expect(isAlive(childPid)).toBe(false);
	expect(signalGroup(proc.pid, 0)).toBe(false);
	expect(processes.live.size).toBe(0);
});

test('waitReady fails with the end of the log when the process exits first', async () => {
	const logFile = path.join(dir, 'early.log');
	const proc = processes.start('early', process.execPath, ['-e', 'console.log("port 1234 taken"); process.exit(3)'], { logFile });
	await expect(proc.waitReady(() => false, { timeoutMs: 10_000, intervalMs: 50 })).rejects.toThrow(/early exited during start-up \(exit 3\)\. Last lines of .*early\.log:\nport 1234 taken/);
});

test('waitReady gives up after its time limit', async () => {
	const proc = processes.start('slow', process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { logFile: path.join(dir, 'slow.log') });
	await expect(proc.waitReady(() => false, { timeoutMs: 300, intervalMs: 50 })).rejects.toThrow(/slow was not ready after 0.3 s/);
});

test('a process that ignores SIGTERM is killed with its group after the grace period', async () => {
	const lines = [];
	const logFile = path.join(dir, 'stubborn.log');
	const proc = processes.start('stubborn', process.execPath, ['-e', "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000)"], {
		logFile,
		log: (line) => lines.push(line),
	});
	await proc.waitReady(() => fs.readFileSync(logFile, 'utf8').includes('up'), { timeoutMs: 10_000, intervalMs: 50 });
	await proc.stop({ graceMs: 300 });
	expect(proc.exitInfo).toMatchObject({ signal: 'SIGKILL' });
	expect(lines.some((line) => /did not stop within 0.3 s; killing process group/.test(line))).toBe(true);
});

test('run() captures output and kills the whole group after its time limit', async () => {
	const done = await processes.run(process.execPath, ['-e', 'console.log("out"); console.error("err"); process.exit(2)'], { timeoutMs: 10_000 });
	expect(done).toMatchObject({ status: 2, stdout: 'out\n', stderr: 'err\n', timedOut: false });

	const killed = await processes.run(process.execPath, ['-e', PARENT], { timeoutMs: 500 });
	expect(killed.timedOut).toBe(true);
	expect(killed.status).toBe(128);
	const [pid, childPid] = /pids (\d+) (\d+)/.exec(killed.stdout).slice(1).map(Number);
	expect(isAlive(childPid)).toBe(false);
	expect(signalGroup(pid, 0)).toBe(false);
});

test('the watchdog kills every group and reports', async () => {
	const proc = processes.start('hang', process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { logFile: path.join(dir, 'hang.log') });
	const fired = new Promise((resolve) => processes.watchdog(200, resolve));
	await fired;
	const how = await proc.exited;
	expect(how.signal).toBe('SIGKILL');
	const cancelled = jest.fn();
	processes.watchdog(100, cancelled)();
	await new Promise((resolve) => setTimeout(resolve, 300));
	expect(cancelled).not.toHaveBeenCalled();
});

test('stop() sends the signal it is given (SIGINT: e.g. the fast shutdown of Postgres)', async () => {
	const logFile = path.join(dir, 'signal.log');
	const proc = processes.start('signal', process.execPath, ['-e', "process.on('SIGINT', () => { console.log('got SIGINT'); process.exit(0); }); process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000)"], { logFile });
	await proc.waitReady(() => fs.readFileSync(logFile, 'utf8').includes('up'), { timeoutMs: 10_000, intervalMs: 50 });
	await proc.stop({ signal: 'SIGINT', graceMs: 5000 });
	expect(proc.exitInfo).toMatchObject({ code: 0 });
	expect(fs.readFileSync(logFile, 'utf8')).toContain('got SIGINT');
});

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
(asRoot ? test : test.skip)('start() and run() run a process as another user (uid/gid), holding its own PID', async () => {
	const done = await processes.run(process.execPath, ['-e', 'console.log(process.getuid() + " " + process.getgid())'], { uid: 65534, gid: 65534, cwd: '/', timeoutMs: 10_000 });
	expect(done).toMatchObject({ status: 0, stdout: '65534 65534\n' });
	const logFile = path.join(dir, 'other-user.log');
	const proc = processes.start('other-user', process.execPath, ['-e', 'console.log("uid " + process.getuid() + " pid " + process.pid); setInterval(() => {}, 1000)'], { uid: 65534, gid: 65534, cwd: '/', logFile });
	await proc.waitReady(() => fs.readFileSync(logFile, 'utf8').includes('uid'), { timeoutMs: 10_000, intervalMs: 50 });
	expect(fs.readFileSync(logFile, 'utf8')).toContain(`uid 65534 pid ${proc.pid}`);
	await proc.stop({ graceMs: 5000 });
	expect(isAlive(proc.pid)).toBe(false);
});

test('stopOnSignals(): SIGTERM kills every group it started and exits 130', async () => {
	const manager = path.resolve(__dirname, '../../../dev/process/manager.js');
	const script = `
const { Processes } = require(${JSON.stringify(manager)});
const processes = new Processes();
processes.stopOnSignals();
const proc = processes.start('hang', process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { logFile: ${JSON.stringify(path.join(dir, 'inner.log'))} });
console.log('pids ' + process.pid + ' ' + proc.pid);
setInterval(() => {}, 1000);
`;
	const outer = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
	let out = '';
	const pids = await new Promise((resolve) => {
		outer.stdout.on('data', (chunk) => {
			out += chunk;
			const match = /pids (\d+) (\d+)/.exec(out);
			if (match) resolve([Number(match[1]), Number(match[2])]);
		});
	});
	const exited = new Promise((resolve) => outer.on('exit', (code, signal) => resolve({ code, signal })));
	outer.kill('SIGTERM');
	expect(await exited).toEqual({ code: 130, signal: null });
	expect(out).toMatch(/SIGTERM: stopping/);
	for (let i = 0; i < 50 && isAlive(pids[1]); i++) await new Promise((resolve) => setTimeout(resolve, 100));
	expect(isAlive(pids[1])).toBe(false);
});
