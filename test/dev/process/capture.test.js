'use strict';

/**
 * Output capture through files (dev/process/capture.js): `n8n execute` prints a run of several MB
 * and ends with process.exit() at once. Read through a pipe by a busy process, the tail was lost (CI
 * saw half a run); runCaptured must return all of it, and parseRun (dev/n8n/run-data.js) must
 * refuse a run that was cut.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { parseRun } = require('../../../dev/n8n/run-data');
const { runCaptured } = require('../../../dev/process/capture');

const CHILD = `
const run = { status: 'success', data: Array.from({ length: 60000 }, (_, i) => ({ i, s: 'x'.repeat(40) })) };
process.stdout.write('log line before the run\\n' + JSON.stringify(run, null, 2) + '\\n');
process.stderr.write('to stderr\\n');
process.exit(3);
`;

describe('e2e output capture', () => {
	const savedTmp = process.env.TMPDIR;
	let tmp;
	beforeEach(() => {
		tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-capture-test-'));
		process.env.TMPDIR = tmp;
	});
	afterEach(() => {
		if (savedTmp === undefined) delete process.env.TMPDIR;
		else process.env.TMPDIR = savedTmp;
		fs.rmSync(tmp, { recursive: true, force: true });
	});

	it('keeps every byte a process printed right before process.exit(), while this process is busy', async () => {
		const pending = runCaptured(process.execPath, ['-e', CHILD], { env: process.env, cwd: __dirname, timeoutMs: 60_000 });
		// Keep this event loop busy for a while, as the sandbox serving n8n's requests does.
		const until = Date.now() + 1500;
		while (Date.now() < until);
		const result = await pending;
		expect(result.status).toBe(3);
		expect(result.stderr).toBe('to stderr\n');
		expect(result.stdout.length).toBeGreaterThan(4_000_000);
		const run = parseRun(result.stdout);
		expect(run.status).toBe('success');
		expect(run.data).toHaveLength(60000);
		expect(run.data[59999]).toEqual({ i: 59999, s: 'x'.repeat(40) });
		expect(fs.readdirSync(tmp)).toEqual([]); // the output files are gone
	});

	it('parseRun finds the run among log lines and refuses one that was cut short', () => {
		const printed = `starting\n${JSON.stringify({ a: [{ b: 1 }], c: 'd' }, null, 2)}\ndone\n`;
		expect(parseRun(printed)).toEqual({ a: [{ b: 1 }], c: 'd' });
		expect(parseRun(JSON.stringify({ a: 1 }, null, 2))).toEqual({ a: 1 });
		expect(parseRun(printed.slice(0, printed.indexOf('"c"')))).toBeUndefined();
		expect(parseRun('no run here\n')).toBeUndefined();
	});

	it('removes the output folder of a command still running when this process exits (Ctrl+C, a watchdog)', async () => {
		const capture = require.resolve('../../../dev/process/capture');
		const script = `
const { spawnToFiles } = require(${JSON.stringify(capture)});
const { child } = spawnToFiles(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {});
child.unref();
setTimeout(() => { console.log(require('node:fs').readdirSync(process.env.TMPDIR).length); process.kill(child.pid, 'SIGKILL'); process.exit(130); }, 200);
`;
		const result = await runCaptured(process.execPath, ['-e', script], { env: process.env, cwd: __dirname, timeoutMs: 30_000 });
		expect(result.status).toBe(130);
		expect(Number(result.stdout)).toBeGreaterThanOrEqual(1); // its capture folder existed
		expect(fs.readdirSync(tmp)).toEqual([]);
	});

	it('kills a command that outlives its time limit', async () => {
		const result = await runCaptured(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { env: process.env, cwd: __dirname, timeoutMs: 300 });
		expect(result.status).toBe(128);
		expect(fs.readdirSync(tmp)).toEqual([]);
	});
});
