#!/usr/bin/env node
'use strict';

/**
 * Benchmark (a script, not a test). In one run, against the local sandbox (dev/sandbox, on
 * 127.0.0.1, which verifies every signature):
 *
 *   (a) the ChargePilot node in a real n8n 2.41.1 (the packed package, installed as a community
 *       package; test/e2e/n8n.js), Custom Request GET /echo/item/{n}, Options -> Concurrency;
 *   (b) the do-it-yourself path in the same n8n: a Code node computing the HMAC as the guide's
 *       Node.js example does, then the HTTP Request node (4.2) sending the three headers;
 *   (c) a raw Node loop with the same signing over a keep-alive http.Agent: the machine's ceiling;
 *   our signer against the guide's reference implementation (in one process);
 *   Return All of many charging events through our node: wall time and peak RSS against the size
 *   of the events' JSON, with a one-hour-window run of the same workflow as the baseline.
 *
 * Prints tables and PASS/FAIL lines for the targets; docs/BENCHMARKS.md explains every column.
 *
 *   npm run bench                      (= npm run build && node scripts/bench.js)
 *   node scripts/bench.js [--items 2000] [--latency 0,20] [--concurrency 1,8] [--events 100000]
 *     [--repeat 1] [--quick] [--strict] [--tarball pkg.tgz] [--max-minutes 45]
 *     [--no-signer] [--no-throughput] [--no-diy-unbatched] [--no-events]
 *
 * --quick: 200 items, 10,000 events, short signer rounds (a smoke run of a few minutes).
 * --repeat N: N interleaved rounds of the throughput runs; the tables show medians.
 * --tarball: benchmark another packed build of the package (e.g. to A/B a change).
 * Exit code: 0 when everything ran (FAIL lines are information), 1 when a run broke (or, with
 * --strict, when a target fails), 2 when --max-minutes ran out. Bounded: every n8n run has a time
 * limit and the script a deadline; the sandbox, every process it started (stopped by pid) and its
 * temporary folder are cleaned up on every exit path, Ctrl+C included.
 */

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..');
const { startSandbox } = require(path.join(REPO, 'dev', 'sandbox'));
const { createInstance, harnessFor, packPackage } = require(path.join(REPO, 'test', 'e2e', 'n8n'));
const { executeMeasured, killRunning, task } = require('./bench/n8n-run');
const workflows = require('./bench/workflows');

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

const FLAGS = ['items', 'latency', 'concurrency', 'events', 'repeat', 'quick', 'strict', 'tarball', 'max-minutes', 'no-signer', 'no-throughput', 'no-diy-unbatched', 'no-events', 'help'];

class UsageError extends Error {}

function parseArgs(argv) {
	try {
		return parseArgsOrThrow(argv);
	} catch (error) {
		throw new UsageError(error.message);
	}
}

function parseArgsOrThrow(argv) {
	const flags = new Map();
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg} (see --help)`);
		const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
		if (!FLAGS.includes(name)) throw new Error(`unknown option --${name} (known: ${FLAGS.map((f) => `--${f}`).join(' ')})`);
		if (inline !== undefined) flags.set(name, inline);
		else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) flags.set(name, argv[++i]);
		else flags.set(name, true);
	}
	const quick = flags.has('quick');
	const int = (name, fallback, min, max) => {
		const value = Number(flags.get(name) ?? fallback);
		if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
		return value;
	};
	const list = (name, fallback, min, max) => {
		const values = String(flags.get(name) ?? fallback).split(',').map((v) => Number(v.trim()));
		if (!values.length || values.some((v) => !Number.isInteger(v) || v < min || v > max)) {
			throw new Error(`--${name} takes comma-separated whole numbers from ${min} to ${max}`);
		}
		return [...new Set(values)];
	};
	const options = {
		help: flags.has('help'),
		quick,
		strict: flags.has('strict'),
		items: int('items', quick ? 200 : 2000, 1, 100_000),
		latencies: list('latency', '0,20', 0, 5000),
		concurrencies: list('concurrency', '1,8', 1, 32), // the node allows 1..32
		events: int('events', quick ? 10_000 : 100_000, 1, 1_000_000),
		repeat: int('repeat', 1, 1, 9),
		maxMinutes: int('max-minutes', quick ? 20 : 45, 1, 600),
		tarball: typeof flags.get('tarball') === 'string' ? path.resolve(flags.get('tarball')) : undefined,
		signer: !flags.has('no-signer'),
		throughput: !flags.has('no-throughput'),
		diyUnbatched: !flags.has('no-diy-unbatched'),
		eventsRun: !flags.has('no-events'),
		signerMs: quick ? 600 : 3000,
	};
	if (options.tarball && !fs.existsSync(options.tarball)) throw new Error(`--tarball ${options.tarball} does not exist`);
	return options;
}

// ---------------------------------------------------------------------------------------------
// Process bookkeeping: everything this script starts is stopped by pid on every exit path
// ---------------------------------------------------------------------------------------------

const cleanups = [];
const helperChildren = new Set();
let finishing = false;

async function cleanupAll() {
	killRunning(); // n8n processes (and their task runners) still running
	for (const child of helperChildren) {
		try {
			child.kill('SIGKILL');
		} catch {
			// already gone
		}
	}
	while (cleanups.length) {
		const fn = cleanups.pop();
		try {
			await fn();
		} catch (error) {
			console.error(`cleanup: ${error.message}`);
		}
	}
}

/** Runs a helper script (scripts/bench/*.js) with the given Node; resolves with its one-line JSON. */
function runNodeScript(nodeBin, script, config, timeoutMs) {
	return new Promise((resolve, reject) => {
		const child = spawn(nodeBin, [script, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
		helperChildren.add(child);
		const out = [];
		const err = [];
		child.stdout.on('data', (chunk) => out.push(chunk));
		child.stderr.on('data', (chunk) => err.push(chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.once('error', reject);
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			helperChildren.delete(child);
			const text = Buffer.concat(out).toString('utf8').trim();
			if (code !== 0) return reject(new Error(`${path.basename(script)} exited ${code ?? signal}: ${Buffer.concat(err).toString('utf8').slice(-1000)}`));
			try {
				resolve(JSON.parse(text.split('\n').pop()));
			} catch {
				reject(new Error(`${path.basename(script)} printed no JSON: ${text.slice(-500)}`));
			}
		});
	});
}

function versionOf(nodeBin) {
	return new Promise((resolve) => {
		const child = spawn(nodeBin, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
		let out = '';
		child.stdout.on('data', (data) => (out += data));
		child.once('close', () => resolve(out.trim()));
	});
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

const fmt = {
	rate: (v) => (v === undefined || !Number.isFinite(v) ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1)),
	s: (ms) => (ms === undefined ? '-' : (ms / 1000).toFixed(2)),
	mb: (kb) => (kb ? (kb / 1024).toFixed(0) : '-'), // VmHWM / maxRSS are in kB
	x: (v) => (v === undefined || !Number.isFinite(v) ? '-' : `${v.toFixed(2)}x`),
	int: (v) => Math.round(v).toLocaleString('en-US'),
	mib: (bytes) => (bytes / 1024 ** 2).toFixed(1),
};

function table(headers, rows, align) {
	const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
	const line = (cells) =>
		cells
			.map((cell, i) => (align[i] === 'r' ? String(cell).padStart(widths[i]) : String(cell).padEnd(widths[i])))
			.join('  ')
			.trimEnd();
	return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function median(values) {
	const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
	if (!sorted.length) return undefined;
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function machine() {
	let cpu = os.cpus()[0]?.model ?? '?';
	try {
		cpu = /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() || cpu;
	} catch {
		// not Linux
	}
	return { cpus: os.availableParallelism?.() ?? os.cpus().length, cpu, memGiB: os.totalmem() / 1024 ** 3 };
}

const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

// ---------------------------------------------------------------------------------------------
// The benchmark
// ---------------------------------------------------------------------------------------------

/** Events window of the Return All run (every seeded event starts in it) and of its baseline. */
const FULL_WINDOW = ['2026-01-01T00:00:00Z', '2026-07-02T00:00:00Z'];
const TINY_WINDOW = ['2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z'];

async function main() {
	const options = parseArgs(process.argv.slice(2));
	if (options.help) {
		const text = fs.readFileSync(__filename, 'utf8');
		console.log(text.slice(text.indexOf('/**') + 4, text.indexOf('*/')).replace(/^ \* ?/gm, ''));
		return 0;
	}
	const started = Date.now();
	const deadline = setTimeout(async () => {
		if (finishing) return;
		finishing = true;
		console.error(`\nbench: --max-minutes ${options.maxMinutes} ran out; stopping and cleaning up`);
		await cleanupAll();
		process.exit(2);
	}, options.maxMinutes * 60_000);
	deadline.unref();

	if (!fs.existsSync(path.join(REPO, 'dist', 'nodes', 'ChargePilot', 'ChargePilot.node.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first (`npm run bench` does)');
	}
	const harness = harnessFor(2); // installs the pinned n8n 2.41.1 on first use
	const n8nNode = path.join(harness, 'node_modules', '.bin', 'node');

	// One temporary root for everything this run creates (createInstance and packPackage use
	// os.tmpdir(), which follows TMPDIR): removed at the end, and out of reach of other runs'
	// clean-ups of /tmp/chargepilot-e2e-*.
	const benchTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-bench-'));
	cleanups.push(() => fs.rmSync(benchTmp, { recursive: true, force: true }));
	process.env.TMPDIR = benchTmp;

	const tarball = options.tarball ?? packPackage().tarball;
	const sandbox = await startSandbox({ eventCount: options.eventsRun ? options.events : 1000, recordLimit: 200 });
	cleanups.push(() => sandbox.close());
	const instance = await createInstance(2, tarball);
	cleanups.push(() => instance.cleanup());
	// n8n 2.x runs Code nodes in its task runner, where `require('crypto')` needs this.
	instance.env.NODE_FUNCTION_ALLOW_BUILTIN = 'crypto';

	const m = machine();
	const n8nNodeVersion = await versionOf(n8nNode);
	console.log(`ChargePilot benchmark, ${new Date().toISOString()}${options.quick ? ' (--quick)' : ''}`);
	console.log(`machine: ${m.cpus} CPUs (${m.cpu}), ${m.memGiB.toFixed(1)} GiB RAM; load average at start ${loadavg()}`);
	console.log(`n8n ${instance.version} on Node ${n8nNodeVersion}; this script and the sandbox (same process) on Node ${process.version}`);
	console.log(`package: ${options.tarball ?? 'packed from this repo (dist/)'}; sandbox ${sandbox.baseUrl}`);

	const problems = [];
	const signer = options.signer ? await runSigner(options, n8nNode, n8nNodeVersion, problems) : [];

	// Workflows (imported once; executions are not saved)
	await instance.importCredentials(workflows.credentials(sandbox));
	const flows = new Map();
	let counter = 0;
	const nextId = () => `CpBench${String(++counter).padStart(9, '0')}`;
	if (options.throughput) {
		for (const c of options.concurrencies) flows.set(`a${c}`, workflows.ours(nextId(), options.items, c));
		for (const latency of options.latencies) {
			for (const c of options.concurrencies) flows.set(`b${c}@${latency}`, workflows.diy(nextId(), options.items, sandbox, diyBatching(c, latency)));
		}
		if (options.diyUnbatched) flows.set('b-all', workflows.diy(nextId(), options.items, sandbox, undefined));
	}
	if (options.eventsRun) {
		flows.set('events', workflows.events(nextId(), sandbox.mainSiteId, ...FULL_WINDOW));
		flows.set('events-base', workflows.events(nextId(), sandbox.mainSiteId, ...TINY_WINDOW));
	}
	for (const flow of flows.values()) await instance.importWorkflow(flow);

	const ctx = { options, sandbox, instance, harness, n8nNode, flows, problems };
	const cells = options.throughput ? await runThroughput(ctx) : undefined;
	if (cells) printThroughput(options, cells);
	const events = options.eventsRun ? await runReturnAll(ctx) : undefined;

	const verdicts = printTargets(options, cells, events, signer);
	if (problems.length) {
		console.log('\nProblems (runs that broke; their cells show FAILED):');
		for (const problem of problems) console.log(`  ${problem}`);
	}
	console.log(`\nbench finished in ${((Date.now() - started) / 1000).toFixed(0)} s; load average now ${loadavg()}`);
	clearTimeout(deadline);
	if (problems.length) return 1;
	return options.strict && verdicts.some((v) => v !== true) ? 1 : 0;
}

/**
 * The HTTP Request node has no concurrency limit: without batching it starts every item's request
 * at once. Its Options -> Batching sends `batchSize` requests, then waits `batchInterval` ms before
 * the next batch, without waiting for answers. The closest to "C in flight" is C requests per
 * round trip: batch size C, interval = the sandbox latency (1 ms at 0 ms, the smallest interval
 * that turns batching on; 0 would turn it off).
 */
function diyBatching(concurrency, latency) {
	return { batchSize: concurrency, batchInterval: Math.max(1, latency) };
}

async function runSigner(options, n8nNode, n8nNodeVersion, problems) {
	const runtimes = [n8nNode];
	if (process.version !== n8nNodeVersion) runtimes.push(process.execPath); // n8n 1.x users run Node 20
	const results = [];
	for (const bin of runtimes) {
		try {
			results.push(await runNodeScript(bin, path.join(__dirname, 'bench', 'signer.js'), { repo: REPO, ms: options.signerMs }, 120_000));
		} catch (error) {
			problems.push(`signer: ${error.message}`);
		}
	}
	console.log('\nSigner, in one process (median of alternating rounds of 20,000 signatures)');
	const rows = [];
	for (const r of results) {
		const row = (name, rate) => [r.node, name, fmt.int(rate), (1e6 / rate).toFixed(2), fmt.x(rate / r.reference)];
		rows.push(row('reference: the guide, sha256(secret) hex then HMAC, per request', r.reference));
		rows.push(row('ours: signWithHashedSecret, hash cached', r.core));
		rows.push(row('ours: signRequestOptions (all of authenticate)', r.authenticate));
	}
	console.log(table(['node', 'signer', 'ops/s', 'µs/op', 'vs reference'], rows, ['l', 'l', 'r', 'r', 'r']));
	return results;
}

/** Throughput runs, interleaved (a, b, c per cell) so drift on a busy machine hits all paths alike. */
async function runThroughput(ctx) {
	const { options, sandbox, instance, harness, n8nNode, flows, problems } = ctx;
	const items = options.items;
	const cells = new Map();
	const put = (key, result) => {
		if (!cells.has(key)) cells.set(key, []);
		if (result) cells.get(key).push(result);
	};
	/** The sandbox saw exactly `items` verified 200s and nothing else. */
	const verify = () => {
		const { byStatus } = sandbox.stats;
		const other = Object.entries(byStatus).filter(([status]) => status !== '200');
		if ((byStatus[200] ?? 0) !== items || other.length) throw new Error(`sandbox saw ${byStatus[200] ?? 0} x 200 (expected ${items}) and ${JSON.stringify(Object.fromEntries(other))}`);
	};
	const timeoutFor = (latency) => Math.min(900_000, 90_000 + 3 * items * (latency + 10));

	async function n8nRun(flowKey, latency, nodes) {
		sandbox.resetStats();
		const measured = await executeMeasured(instance, harness, flows.get(flowKey).id, { timeoutMs: timeoutFor(latency), sampleMs: 50 });
		const tasks = nodes.map((name) => task(measured.run, name));
		const last = tasks[tasks.length - 1];
		if (last.error || last.items.length !== items) {
			throw new Error(`${nodes.at(-1)} output ${last.items.length} items (expected ${items})${last.error ? `: ${JSON.stringify(last.error).slice(0, 300)}` : ''}`);
		}
		verify();
		const parts = tasks.map((t) => t.executionTime);
		const nodeMs = parts.reduce((sum, ms) => sum + ms, 0);
		const cpuMs = measured.sampler.cpuMsBetween(tasks[0].startTime, last.startTime + last.executionTime);
		return {
			nodeMs,
			cpuMs,
			parts,
			itemsPerSec: (items / nodeMs) * 1000,
			wallMs: measured.wallMs,
			mainKb: measured.mainPeakKb,
			runnerKb: measured.runnerPeakKb,
			connection: sandbox.lastRequest?.headers?.connection ?? '-',
		};
	}

	async function rawRun(latency, concurrency) {
		sandbox.resetStats();
		const startedAt = Date.now();
		const r = await runNodeScript(
			n8nNode,
			path.join(__dirname, 'bench', 'raw-client.js'),
			{ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, apiSecret: sandbox.apiSecret, items, concurrency },
			timeoutFor(latency),
		);
		if (r.ok !== items) throw new Error(`only ${r.ok} of ${items} answers were right`);
		verify();
		return { nodeMs: r.ms, cpuMs: r.cpuMs, parts: [r.ms], itemsPerSec: r.itemsPerSec, wallMs: Date.now() - startedAt, mainKb: r.maxRssKb, runnerKb: 0, connection: sandbox.lastRequest?.headers?.connection ?? '-' };
	}

	const steps = [];
	for (let round = 0; round < options.repeat; round++) {
		for (const latency of options.latencies) {
			for (const c of options.concurrencies) {
				steps.push({ key: `a|${latency}|${c}`, latency, what: `(a) ChargePilot node, concurrency ${c}`, run: () => n8nRun(`a${c}`, latency, ['ChargePilot']) });
				steps.push({ key: `b|${latency}|${c}`, latency, what: `(b) Code + HTTP Request, batch ${c}`, run: () => n8nRun(`b${c}@${latency}`, latency, ['Sign', 'HTTP Request']) });
				steps.push({ key: `c|${latency}|${c}`, latency, what: `(c) raw Node loop, ${c} in flight`, run: () => rawRun(latency, c) });
			}
			if (options.diyUnbatched) {
				steps.push({ key: `b|${latency}|all`, latency, what: '(b) Code + HTTP Request, no batching', run: () => n8nRun('b-all', latency, ['Sign', 'HTTP Request']) });
			}
		}
	}
	console.error(`\nthroughput: ${steps.length} runs of ${fmt.int(items)} items (progress on stderr)`);
	for (const [i, step] of steps.entries()) {
		sandbox.configure({ faults: step.latency ? { latencyMs: step.latency } : null });
		process.stderr.write(`  [${i + 1}/${steps.length}] latency ${step.latency} ms: ${step.what} ... `);
		try {
			const r = await step.run();
			put(step.key, r);
			process.stderr.write(`${fmt.rate(r.itemsPerSec)} items/s (node ${fmt.s(r.nodeMs)} s, wall ${fmt.s(r.wallMs)} s)\n`);
		} catch (error) {
			put(step.key, undefined);
			problems.push(`latency ${step.latency} ms, ${step.what}: ${error.message.split('\n')[0]}`);
			process.stderr.write('failed\n');
		}
	}
	sandbox.configure({ faults: null });

	// Median over rounds: the rate is the median; the other columns come from the run closest to it.
	const summary = new Map();
	for (const [key, runs] of cells) {
		if (!runs.length) continue;
		const rate = median(runs.map((r) => r.itemsPerSec));
		const pick = runs.reduce((best, r) => (Math.abs(r.itemsPerSec - rate) < Math.abs(best.itemsPerSec - rate) ? r : best));
		const rates = runs.map((r) => r.itemsPerSec);
		summary.set(key, { ...pick, itemsPerSec: rate, spread: runs.length > 1 ? [Math.min(...rates), Math.max(...rates)] : undefined });
	}
	return summary;
}

function printThroughput(options, cells) {
	const seqC = options.concurrencies[0];
	console.log(
		`\nThroughput: ${fmt.int(options.items)} items per run, one signed GET /rest/v1/echo/item/{n} per item` +
			`${options.repeat > 1 ? `; median of ${options.repeat} interleaved rounds (min-max)` : ''}`,
	);
	const rows = [];
	const row = (latency, conc, name, r, ratio) =>
		r
			? [
					latency,
					conc,
					name,
					fmt.rate(r.itemsPerSec) + (r.spread ? ` (${fmt.rate(r.spread[0])}-${fmt.rate(r.spread[1])})` : ''),
					r.parts.map((ms) => fmt.s(ms)).join('+'),
					fmt.s(r.wallMs),
					r.cpuMs === undefined ? '-' : (r.cpuMs / options.items).toFixed(2),
					fmt.mb(r.mainKb),
					fmt.mb(r.runnerKb),
					r.connection,
					ratio,
				]
			: [latency, conc, name, 'FAILED', '-', '-', '-', '-', '-', '-', '-'];
	for (const latency of options.latencies) {
		for (const c of options.concurrencies) {
			const a = cells.get(`a|${latency}|${c}`);
			const b = cells.get(`b|${latency}|${c}`);
			const raw = cells.get(`c|${latency}|${c}`);
			const seq = cells.get(`a|${latency}|${seqC}`);
			rows.push(row(latency, c, `(a) ChargePilot node, Concurrency ${c}`, a, c !== seqC && a && seq ? `a/a(c${seqC}) ${fmt.x(a.itemsPerSec / seq.itemsPerSec)}` : ''));
			const { batchSize, batchInterval } = diyBatching(c, latency);
			rows.push(row(latency, c, `(b) Code HMAC + HTTP Request, batch ${batchSize} / ${batchInterval} ms`, b, a && b ? `a/b ${fmt.x(a.itemsPerSec / b.itemsPerSec)}` : ''));
			rows.push(row(latency, c, `(c) raw Node loop, keep-alive, ${c} in flight`, raw, a && raw ? `a/c ${fmt.x(a.itemsPerSec / raw.itemsPerSec)}` : ''));
		}
		if (options.diyUnbatched) {
			const all = cells.get(`b|${latency}|all`);
			const best = Math.max(0, ...options.concurrencies.map((c) => cells.get(`a|${latency}|${c}`)?.itemsPerSec ?? 0));
			rows.push(row(latency, 'all', '(b) Code HMAC + HTTP Request, no batching', all, all && best ? `best a/this ${fmt.x(best / all.itemsPerSec)}` : ''));
		}
	}
	console.log(table(['lat ms', 'conc', 'path', 'items/s', 'node s', 'wall s', 'CPU ms/item', 'RSS MB', 'runner MB', 'conn', 'ratio'], rows, ['r', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l']));
}

/** Return All of every event (and the one-hour baseline) through Charging Event -> Get Many. */
async function runReturnAll(ctx) {
	const { options, sandbox, instance, harness, flows, problems } = ctx;
	const siteId = sandbox.mainSiteId;
	console.error(`\nReturn All of ${fmt.int(options.events)} charging events, and the one-hour baseline:`);
	const eventsIn = ([from, to]) => {
		const lo = Date.parse(from);
		const hi = Date.parse(to);
		return sandbox.getEvents(siteId).filter((event) => {
			const start = Date.parse(event.start_time);
			return start >= lo && start < hi;
		});
	};
	const measure = async (key, window, label) => {
		const expected = eventsIn(window);
		const jsonBytes = Buffer.byteLength(JSON.stringify(expected));
		sandbox.configure({ faults: null });
		sandbox.resetStats();
		process.stderr.write(`  ${label} (${fmt.int(expected.length)} events) ... `);
		const measured = await executeMeasured(instance, harness, flows.get(key).id, { timeoutMs: 900_000, sampleMs: 25 });
		const t = task(measured.run, 'ChargePilot');
		if (t.error || t.items.length !== expected.length) throw new Error(`${label}: Return All gave ${t.items.length} items, expected ${expected.length}`);
		const first = t.items[0]?.json?.transaction_id;
		if (expected.length && first !== expected[0].transaction_id) throw new Error(`${label}: first event ${first}, expected ${expected[0].transaction_id}`);
		const statuses = Object.keys(sandbox.stats.byStatus);
		if (statuses.some((status) => status !== '200')) throw new Error(`${label}: sandbox answered ${JSON.stringify(sandbox.stats.byStatus)}`);
		const nodeEnd = t.startTime + t.executionTime;
		const r = {
			label,
			events: expected.length,
			jsonBytes,
			pages: sandbox.stats.byStatus[200] ?? 0,
			nodeMs: t.executionTime,
			wallMs: measured.wallMs,
			startKb: measured.sampler.rssAt(t.startTime),
			nodePeakKb: measured.sampler.peakBetween(measured.startedAt, nodeEnd),
			wholePeakKb: measured.mainPeakKb,
		};
		process.stderr.write(`node ${fmt.s(r.nodeMs)} s, peak RSS until the node ended ${fmt.mb(r.nodePeakKb)} MB\n`);
		return r;
	};
	try {
		const base = await measure('events-base', TINY_WINDOW, 'baseline, 1-hour window');
		const all = await measure('events', FULL_WINDOW, 'Return All, whole range');
		const added = (all.nodePeakKb - base.nodePeakKb) * 1024;
		const addedInRun = (all.nodePeakKb - all.startKb) * 1024;
		console.log(`\nReturn All: Charging Event -> Get Many (pages of 1,000), sandbox latency 0 ms`);
		console.log(
			table(
				['run', 'events', 'pages', 'JSON MB', 'node s', 'wall s', 'RSS at node start MB', 'peak RSS until node end MB', 'peak RSS whole run MB'],
				[base, all].map((r) => [r.label, fmt.int(r.events), fmt.int(r.pages), fmt.mib(r.jsonBytes), fmt.s(r.nodeMs), fmt.s(r.wallMs), fmt.mb(r.startKb), fmt.mb(r.nodePeakKb), fmt.mb(r.wholePeakKb)]),
				['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
			),
		);
		console.log(
			`added by the node: ${fmt.mib(added)} MB over the baseline's peak = ${fmt.x(added / all.jsonBytes)} the events' JSON (${fmt.mib(all.jsonBytes)} MB); ` +
				`within the run (peak - RSS at node start): ${fmt.mib(addedInRun)} MB = ${fmt.x(addedInRun / all.jsonBytes)}; ${fmt.int((all.events / all.nodeMs) * 1000)} events/s`,
		);
		console.log('("whole run" also holds n8n printing the run as pretty JSON after the node finished: not the node\'s memory)');
		return { base, all, ratio: added / all.jsonBytes };
	} catch (error) {
		problems.push(`Return All: ${error.message.split('\n')[0]}`);
		return undefined;
	}
}

function printTargets(options, cells, events, signer) {
	console.log('\nTargets (ratios of runs made side by side in this run)');
	const verdicts = [];
	const judge = (ok, text) => {
		verdicts.push(ok);
		console.log(`${ok === true ? 'PASS' : 'FAIL'}  ${text}${ok === undefined ? ' (no data: a run broke)' : ''}`);
	};
	const rate = (key) => cells?.get(key)?.itemsPerSec;
	if (cells) {
		const seqC = options.concurrencies[0];
		for (const latency of options.latencies) {
			for (const c of options.concurrencies) {
				const a = rate(`a|${latency}|${c}`);
				const b = rate(`b|${latency}|${c}`);
				const raw = rate(`c|${latency}|${c}`);
				const ceiling = raw && b ? `; ceiling: (c) is ${fmt.x(raw / b)} (b)` : '';
				judge(a && b ? a >= 1.5 * b : undefined, `(a) >= 1.5x (b), concurrency ${c}, ${latency} ms: ${a && b ? fmt.x(a / b) : '-'}${ceiling}`);
			}
		}
		for (const latency of options.latencies) {
			const a = rate(`a|${latency}|${seqC}`);
			const raw = rate(`c|${latency}|${seqC}`);
			judge(a && raw ? a >= 0.7 * raw : undefined, `(a) >= 0.7x (c) sequential (concurrency ${seqC}), ${latency} ms: ${a && raw ? fmt.x(a / raw) : '-'}`);
		}
		if (options.latencies.includes(20) && options.concurrencies.includes(1) && options.concurrencies.includes(8)) {
			const a8 = rate('a|20|8');
			const a1 = rate('a|20|1');
			const raw8 = rate('c|20|8');
			const raw1 = rate('c|20|1');
			const ceiling = raw8 && raw1 ? `; (c) scales ${fmt.x(raw8 / raw1)}` : '';
			judge(a8 && a1 ? a8 >= 6 * a1 : undefined, `(a) concurrency 8 >= 6x concurrency 1 at 20 ms: ${a8 && a1 ? fmt.x(a8 / a1) : '-'}${ceiling}`);
		}
	}
	if (options.eventsRun) {
		judge(events ? events.ratio <= 3 : undefined, `Return All of ${fmt.int(options.events)} events adds <= 3x their JSON size to peak RSS: ${fmt.x(events?.ratio)}`);
	}
	for (const r of signer) {
		judge(r.authenticate >= r.reference, `signer not slower than the reference, Node ${r.node}, all of authenticate (signRequestOptions): ${fmt.x(r.authenticate / r.reference)}`);
		judge(r.core >= r.reference, `signer not slower than the reference, Node ${r.node}, signature with the cached hash (signWithHashedSecret): ${fmt.x(r.core / r.reference)}`);
	}
	return verdicts;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.once(signal, async () => {
		if (finishing) return;
		finishing = true;
		console.error(`\nbench: ${signal}; stopping and cleaning up`);
		await cleanupAll();
		process.exit(130);
	});
}

main()
	.then(async (code) => {
		finishing = true;
		await cleanupAll();
		process.exitCode = code;
	})
	.catch(async (error) => {
		finishing = true;
		console.error(error instanceof UsageError ? `bench: ${error.message}` : error.stack || String(error));
		await cleanupAll();
		process.exitCode = 1;
	});
