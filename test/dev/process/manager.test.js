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

	// A shell (it starts in milliseconds even on a loaded machine, where Node can take longer than
	// the time limit to print anything) with a child in its group.
	const killed = await processes.run('/bin/sh', ['-c', 'sleep 600 & echo "pids $$ $!"; wait'], { timeoutMs: 1500 });
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
const NOBODY = { uid: 65534, gid: 65534 };
/**
 * The commands run as another user are system binaries, never process.execPath: under npm test
 * that is the checkout's Node (node_modules/.bin), and a clone below a folder only its owner may
 * enter (mode 700: `mktemp -d`, many home folders) is out of that user's reach (EACCES).
 */
const SH = '/bin/sh';

(asRoot ? test : test.skip)('start() and run() run a process as another user (uid/gid), holding its own PID', async () => {
	const done = await processes.run(SH, ['-c', 'echo "$(id -u) $(id -g)"'], { ...NOBODY, cwd: '/', timeoutMs: 10_000 });
	expect(done).toMatchObject({ status: 0, stdout: '65534 65534\n' });
	const logFile = path.join(dir, 'other-user.log');
	const proc = processes.start('other-user', SH, ['-c', 'echo "uid $(id -u) pid $$"; exec sleep 600'], { ...NOBODY, cwd: '/', logFile });
	await proc.waitReady(() => fs.readFileSync(logFile, 'utf8').includes('uid'), { timeoutMs: 10_000, intervalMs: 50 });
	expect(fs.readFileSync(logFile, 'utf8')).toContain(`uid 65534 pid ${proc.pid}`);
	await proc.stop({ graceMs: 5000 });
	expect(isAlive(proc.pid)).toBe(false);
});

(asRoot ? test : test.skip)('another user\'s process without a cwd starts in /, not in this process\'s folder (which it may not enter)', async () => {
	// This process in a folder only root may enter, as a test run is in a clone below a mode-700 folder.
	const privateDir = path.join(dir, 'private');
	fs.mkdirSync(privateDir, { mode: 0o700 });
	const saved = process.cwd();
	process.chdir(privateDir);
	try {
		const done = await processes.run(SH, ['-c', 'ls . >/dev/null && pwd -P'], { ...NOBODY, timeoutMs: 10_000 });
		expect(done).toMatchObject({ status: 0, stdout: '/\n' });
		const logFile = path.join(dir, 'cwd.log');
		const proc = processes.start('cwd', SH, ['-c', 'ls . >/dev/null && echo "cwd $(pwd -P)"; exec sleep 600'], { ...NOBODY, logFile });
		await proc.waitReady(() => fs.readFileSync(logFile, 'utf8').includes('cwd'), { timeoutMs: 10_000, intervalMs: 50 });
		expect(fs.readFileSync(logFile, 'utf8')).toBe('cwd /\n');
		expect(fs.readlinkSync(`/proc/${proc.pid}/cwd`)).toBe('/');
		// Without a uid the child keeps this process's folder, as before.
		const own = await processes.run(SH, ['-c', 'pwd -P'], { timeoutMs: 10_000 });
		expect(own.stdout).toBe(`${fs.realpathSync(privateDir)}\n`);
	} finally {
		process.chdir(saved);
	}
});

(asRoot ? test : test.skip)('a command out of another user\'s reach fails with the folder in the way named', async () => {
	fs.chmodSync(dir, 0o711);
	const privateDir = path.join(dir, 'checkout');
	fs.mkdirSync(privateDir, { mode: 0o700 });
	const command = path.join(privateDir, 'tool');
	fs.copyFileSync(SH, command);
	fs.chmodSync(command, 0o755);
	const named = (error) => {
		// the first folder in the way: the one made here, or a private folder above it (TMPDIR)
		const match = /EACCES \(as uid 65534: (\S+) \(mode 700, owner 0:0\) is not searchable by uid 65534 \(gid 65534\)/.exec(error.message);
		expect(match).not.toBeNull();
		expect(privateDir === match[1] || privateDir.startsWith(`${match[1]}/`)).toBe(true);
		return match[1];
	};
	const ran = await processes.run(command, ['-c', 'true'], { ...NOBODY, timeoutMs: 10_000 }).catch((error) => error);
	expect(ran).toMatchObject({ code: 'EACCES' }); // a spawn error, not a result
	const folder = named(ran);
	const proc = processes.start('unreachable', command, ['-c', 'sleep 600'], { ...NOBODY, logFile: path.join(dir, 'unreachable.log') });
	const started = await proc.waitReady(() => false, { timeoutMs: 10_000, intervalMs: 50 }).catch((error) => error);
	expect(started.message).toMatch(/unreachable exited during start-up/);
	expect(named(started)).toBe(folder);
	// The same command as this user (root) runs.
	expect((await processes.run(command, ['-c', 'echo ran'], { timeoutMs: 10_000 })).stdout).toBe('ran\n');
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
