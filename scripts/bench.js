#!/usr/bin/env node
'use strict';

/**
 * Benchmark (a script, not a test): the ChargePilot node in a real n8n 2.41.1 against
 *   (b) the do-it-yourself path (Code node HMAC + HTTP Request node 4.2) in the same n8n,
 *   (c) a raw Node loop with the same signing over a keep-alive agent (the machine's ceiling),
 * plus our signer against the getting-started guide's reference implementation, and Return All of
 * many charging events (wall time, peak RSS against the size of the events' JSON).
 * Everything runs against the local sandbox (test/sandbox) on 127.0.0.1, which verifies every
 * signature. Prints tables and PASS/FAIL lines; see docs/BENCHMARKS.md.
 *
 *   npm run bench                      (= npm run build && node scripts/bench.js)
 *   node scripts/bench.js [--items 2000] [--latency 0,20] [--concurrency 1,8] [--events 100000]
 *                         [--repeat 1] [--quick] [--no-diy-unbatched] [--no-events] [--no-signer]
 *                         [--tarball path.tgz] [--max-minutes 45]
 *
 * Exit code: 0 when every target passes, 1 when a target fails or a run broke, 2 on a time-out.
 * Bounded: every n8n run has its own time limit and the whole script a deadline; the sandbox, the
 * n8n processes it started (by pid) and its temporary folders are cleaned up on every exit path.
 */

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..');
const { startSandbox } = require(path.join(REPO, 'test', 'sandbox'));
const { createInstance, harnessFor, packPackage } = require(path.join(REPO, 'test', 'e2e', 'n8n'));
const { executeMeasured, killRunning, task } = require('./bench/n8n-run');
const workflows = require('./bench/workflows');

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
	const flags = new Map();
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
		const [name, inline] = arg.slice(2).split('=', 2);
		if (inline !== undefined) flags.set(name, inline);
		else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) flags.set(name, argv[++i]);
		else flags.set(name, true);
	}
	const known = ['items', 'latency', 'concurrency', 'events', 'repeat', 'quick', 'no-diy-unbatched', 'no-events', 'no-signer', 'no-throughput', 'tarball', 'max-minutes', 'help'];
	for (const name of flags.keys()) if (!known.includes(name)) throw new Error(`unknown option --${name} (known: ${known.map((k) => `--${k}`).join(' ')})`);
	const quick = flags.has('quick');
	const list = (value, fallback) => String(value ?? fallback).split(',').map((v) => Number(v.trim())).filter((v) => Number.isFinite(v));
	const int = (name, fallback, min, max) => {
		const value = Number(flags.get(name) ?? fallback);
		if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
		return value;
	};
	const options = {
		help: flags.has('help'),
		quick,
		items: int('items', quick ? 200 : 2000, 1, 100_000),
		latencies: list(flags.get('latency'), '0,20'),
		concurrencies: list(flags.get('concurrency'), '1,8'),
		events: int('events', quick ? 10_000 : 100_000, 1, 1_000_000),
		repeat: int('repeat', 1, 1, 9),
		diyUnbatched: !flags.has('no-diy-unbatched'),
		eventsRun: !flags.has('no-events'),
		signer: !flags.has('no-signer'),
		throughput: !flags.has('no-throughput'),
		tarball: typeof flags.get('tarball') === 'string' ? path.resolve(flags.get('tarball')) : undefined,
		maxMinutes: Number(flags.get('max-minutes') ?? (quick ? 15 : 45)),
		signerMs: quick ? 600 : 3000,
	};
	if (!options.latencies.length || options.latencies.some((l) => l < 0 || l > 5000)) throw new Error('--latency takes milliseconds from 0 to 5000, comma-separated');
	if (!options.concurrencies.length || options.concurrencies.some((c) => !Number.isInteger(c) || c < 1 || c > 32)) {
		throw new Error('--concurrency takes whole numbers from 1 to 32 (the node allows 32), comma-separated');
	}
	return options;
}

// ---------------------------------------------------------------------------------------------
// Process bookkeeping: everything this script starts is stopped by pid on every exit path
// ---------------------------------------------------------------------------------------------

const cleanups = [];
const activeChildren = new Set();
let finishing = false;

async function cleanupAll() {
	killRunning();
	for (const child of activeChildren) {
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

/** Runs a helper script with the given Node; resolves with its parsed one-line JSON output. */
function runNodeScript(nodeBin, script, config, timeoutMs) {
	return new Promise((resolve, reject) => {
		const child = spawn(nodeBin, [script, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
		activeChildren.add(child);
		const out = [];
		const err = [];
		child.stdout.on('data', (chunk) => out.push(chunk));
		child.stderr.on('data', (chunk) => err.push(chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.once('error', reject);
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			activeChildren.delete(child);
			const text = Buffer.concat(out).toString('utf8').trim();
			if (code !== 0) return reject(new Error(`${path.basename(script)} exited ${code ?? signal}: ${Buffer.concat(err).toString('utf8').slice(-2000)}`));
			try {
				resolve(JSON.parse(text.split('\n').pop()));
			} catch (error) {
				reject(new Error(`${path.basename(script)} printed no JSON: ${text.slice(-500)}`));
			}
		});
	});
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

const MB = 1024; // kB per MiB (VmHWM and maxRSS are in kB)
const fmt = {
	rate: (v) => (v === undefined || !Number.isFinite(v) ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1)),
	s: (ms) => (ms === undefined ? '-' : (ms / 1000).toFixed(2)),
	mb: (kb) => (kb ? (kb / MB).toFixed(0) : '-'),
	x: (v) => (v === undefined || !Number.isFinite(v) ? '-' : `${v.toFixed(2)}x`),
	int: (v) => v.toLocaleString('en-US'),
};

function table(headers, rows, align) {
	const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
	const line = (cells) =>
		cells
			.map((cell, i) => ((align?.[i] ?? 'l') === 'r' ? String(cell).padStart(widths[i]) : String(cell).padEnd(widths[i])))
			.join('  ')
			.trimEnd();
	return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const median = (values) => {
	const sorted = values.filter((v) => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
	if (!sorted.length) return undefined;
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// ---------------------------------------------------------------------------------------------
// Machine
// ---------------------------------------------------------------------------------------------

function machine() {
	let cpu = os.cpus()[0]?.model ?? '?';
	try {
		const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
		cpu = /^model name\s*:\s*(.*)$/m.exec(info)?.[1]?.trim() || cpu;
	} catch {
		// not Linux
	}
	return { cpus: os.availableParallelism?.() ?? os.cpus().length, cpu, memGiB: os.totalmem() / 1024 ** 3, load: os.loadavg() };
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main() {
	const options = parseArgs(process.argv.slice(2));
	if (options.help) {
		console.log(fs.readFileSync(__filename, 'utf8').split('\n').slice(3, 21).join('\n'));
		return 0;
	}
	const started = Date.now();
	const deadline = setTimeout(async () => {
		if (finishing) return;
		finishing = true;
		console.error(`\nbench: stopped after --max-minutes ${options.maxMinutes}; cleaning up`);
		await cleanupAll();
		process.exit(2);
	}, options.maxMinutes * 60_000);
	deadline.unref();

	if (!fs.existsSync(path.join(REPO, 'dist', 'nodes', 'ChargePilot', 'ChargePilot.node.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first (npm run bench does)');
	}

	const m = machine();
	const harness = harnessFor(2);
	const n8nNode = path.join(harness, 'node_modules', '.bin', 'node');

	// Package under test
	let tarball = options.tarball;
	if (!tarball) {
		tarball = packPackage().tarball;
		const packDir = path.dirname(tarball);
		cleanups.push(() => fs.rmSync(packDir, { recursive: true, force: true }));
	}

	const sandbox = await startSandbox({ eventCount: options.eventsRun ? options.events : 1000, recordLimit: 200 });
	cleanups.push(() => sandbox.close());

	const instance = await createInstance(2, tarball);
	cleanups.push(() => instance.cleanup());
	// n8n 2.x runs Code nodes in the task runner: the DIY signer needs `require('crypto')`.
	instance.env.NODE_FUNCTION_ALLOW_BUILTIN = 'crypto';
	const n8nVersion = instance.version;
	const n8nNodeVersion = await new Promise((resolve) => {
		const child = spawn(n8nNode, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.once('close', () => resolve(out.trim()));
	});

	const header = [
		`ChargePilot benchmark  ${new Date().toISOString()}  ${options.quick ? '(--quick)' : ''}`.trimEnd(),
		`machine: ${m.cpus} CPUs (${m.cpu}), ${m.memGiB.toFixed(1)} GiB RAM, load at start ${m.load.map((l) => l.toFixed(2)).join(' ')}`,
		`n8n ${n8nVersion} on Node ${n8nNodeVersion} (harness); this script and the sandbox on Node ${process.version}`,
		`package: ${options.tarball ? tarball : 'packed from this repo (dist/)'}; sandbox ${sandbox.baseUrl} (verifies every signature)`,
	];
	console.log(header.join('\n'));

	const results = { signer: [], throughput: [], events: undefined, problems: [] };

	// ---- Signer micro-benchmark -------------------------------------------------------------
	if (options.signer) {
		const runtimes = [[n8nNode, n8nNodeVersion]];
		if (process.version !== n8nNodeVersion) runtimes.push([process.execPath, process.version]);
		for (const [bin] of runtimes) {
			const result = await runNodeScript(bin, path.join(__dirname, 'bench', 'signer.js'), { repo: REPO, ms: options.signerMs }, 120_000);
			results.signer.push(result);
		}
		console.log('\nSigner, in one process (median of alternating rounds of 20,000 signatures each)');
		const rows = [];
		for (const r of results.signer) {
			rows.push([r.node, 'reference: sha256(secret) hex, then HMAC, per request (the guide)', fmt.int(Math.round(r.reference)), (1e6 / r.reference).toFixed(2), '1.00x']);
			rows.push([r.node, 'ours: signWithHashedSecret, hash cached', fmt.int(Math.round(r.core)), (1e6 / r.core).toFixed(2), fmt.x(r.core / r.reference)]);
			rows.push([r.node, 'ours: signRequestOptions (all of authenticate)', fmt.int(Math.round(r.authenticate)), (1e6 / r.authenticate).toFixed(2), fmt.x(r.authenticate / r.reference)]);
		}
		console.log(table(['node', 'signer', 'ops/s', 'µs/op', 'vs ref'], rows, ['l', 'l', 'r', 'r', 'r']));
	}

	// ---- Throughput -------------------------------------------------------------------------
	await instance.importCredentials(workflows.credentials(sandbox));
	const flows = new Map();
	let flowCounter = 0;
	const flowId = () => `CpBench${String(++flowCounter).padStart(9, '0')}`;
	for (const c of options.concurrencies) flows.set(`a${c}`, workflows.ours(flowId(), options.items, c));
	for (const latency of options.latencies) {
		for (const c of options.concurrencies) flows.set(`b${c}@${latency}`, workflows.diy(flowId(), options.items, sandbox, { batchSize: c, batchInterval: Math.max(1, latency) }));
	}
	if (options.diyUnbatched) flows.set('binf', workflows.diy(flowId(), options.items, sandbox, undefined));
	const siteId = sandbox.mainSiteId;
	const FULL = ['2026-01-01T00:00:00Z', '2026-07-02T00:00:00Z'];
	const TINY = ['2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z'];
	if (options.eventsRun) {
		flows.set('events', workflows.events(flowId(), siteId, ...FULL));
		flows.set('eventsBase', workflows.events(flowId(), siteId, ...TINY));
	}
	for (const flow of flows.values()) await instance.importWorkflow(flow);

	const verify = (label, expectedRequests) => {
		const byStatus = sandbox.stats.byStatus;
		const ok = byStatus[200] ?? 0;
		const other = Object.entries(byStatus).filter(([status]) => status !== '200');
		if (ok !== expectedRequests || other.length) {
			results.problems.push(`${label}: sandbox saw ${ok} x 200 (expected ${expectedRequests}) and ${JSON.stringify(Object.fromEntries(other))}`);
			return false;
		}
		return true;
	};

	async function runN8n(key, label, latency, concurrency, nodes) {
		const flow = flows.get(key);
		sandbox.resetStats();
		const timeoutMs = Math.min(900_000, 90_000 + 3 * options.items * (latency + 10));
		let measured;
		try {
			measured = await executeMeasured(instance, harness, flow.id, { timeoutMs, sampleMs: 50 });
		} catch (error) {
			results.problems.push(`${label}: ${error.message.split('\n')[0]}`);
			return undefined;
		}
		const connection = sandbox.lastRequest?.headers?.connection ?? '-';
		try {
			const tasks = nodes.map((name) => task(measured.run, name));
			const last = tasks[tasks.length - 1];
			if (last.error || last.items.length !== options.items) throw new Error(`output ${last.items.length} items (expected ${options.items}) ${last.error ? JSON.stringify(last.error).slice(0, 300) : ''}`);
			if (!verify(label, options.items)) return undefined;
			const nodeMs = tasks.reduce((sum, t) => sum + t.executionTime, 0);
			return {
				label,
				latency,
				concurrency,
				nodeMs,
				parts: tasks.map((t) => t.executionTime),
				itemsPerSec: (options.items / nodeMs) * 1000,
				wallMs: measured.wallMs,
				mainKb: measured.mainPeakKb,
				runnerKb: measured.runnerPeakKb,
				connection,
				exitCode: measured.exitCode,
			};
		} catch (error) {
			results.problems.push(`${label}: ${error.message.split('\n')[0]}`);
			return undefined;
		}
	}

	async function runRaw(label, latency, concurrency) {
		sandbox.resetStats();
		const startedAt = Date.now();
		try {
			const r = await runNodeScript(
				n8nNode,
				path.join(__dirname, 'bench', 'raw-client.js'),
				{ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, apiSecret: sandbox.apiSecret, items: options.items, concurrency },
				Math.min(900_000, 60_000 + 3 * options.items * (latency + 10)),
			);
			const connection = sandbox.lastRequest?.headers?.connection ?? '-';
			if (r.ok !== options.items || !verify(label, options.items)) throw new Error(`only ${r.ok} of ${options.items} answers were right`);
			return { label, latency, concurrency, nodeMs: r.ms, parts: [r.ms], itemsPerSec: r.itemsPerSec, wallMs: Date.now() - startedAt, mainKb: r.maxRssKb, runnerKb: 0, connection };
		} catch (error) {
			results.problems.push(`${label}: ${error.message.split('\n')[0]}`);
			return undefined;
		}
	}

	const cells = new Map(); // key -> array of results (one per repeat)
	const put = (key, result) => {
		if (!cells.has(key)) cells.set(key, []);
		if (result) cells.get(key).push(result);
	};
	const total = options.repeat * options.latencies.length * (options.concurrencies.length * 3 + (options.diyUnbatched ? 1 : 0));
	let step = 0;
	const progress = (what) => process.stderr.write(`  [${++step}/${total}] ${what} ... `);
	const done = (r) => process.stderr.write(r ? `${fmt.rate(r.itemsPerSec)} items/s (node ${fmt.s(r.nodeMs)} s, wall ${fmt.s(r.wallMs)} s)\n` : 'failed\n');
	console.error(`\nthroughput runs (${options.items} items each; progress on stderr):`);
	for (let round = 0; round < (options.throughput ? options.repeat : 0); round++) {
		for (const latency of options.latencies) {
			sandbox.configure({ faults: latency ? { latencyMs: latency } : null });
			for (const c of options.concurrencies) {
				let r;
				progress(`latency ${latency} ms, concurrency ${c}: (a) ChargePilot node`);
				done((r = await runN8n(`a${c}`, `(a) c${c} ${latency} ms`, latency, c, ['ChargePilot'])));
				put(`a|${latency}|${c}`, r);
				progress(`latency ${latency} ms, concurrency ${c}: (b) Code + HTTP Request`);
				done((r = await runN8n(`b${c}@${latency}`, `(b) c${c} ${latency} ms`, latency, c, ['Sign', 'HTTP Request'])));
				put(`b|${latency}|${c}`, r);
				progress(`latency ${latency} ms, concurrency ${c}: (c) raw Node loop`);
				done((r = await runRaw(`(c) c${c} ${latency} ms`, latency, c)));
				put(`c|${latency}|${c}`, r);
			}
			if (options.diyUnbatched) {
				let r;
				progress(`latency ${latency} ms: (b) Code + HTTP Request, no batching`);
				done((r = await runN8n('binf', `(b) unbatched ${latency} ms`, latency, Infinity, ['Sign', 'HTTP Request'])));
				put(`binf|${latency}`, r);
			}
		}
	}
	sandbox.configure({ faults: null });

	/** Median over repeats (items/s, times, RSS), keeping the run closest to the median rate. */
	const cell = (key) => {
		const runs = cells.get(key) ?? [];
		if (!runs.length) return undefined;
		const rate = median(runs.map((r) => r.itemsPerSec));
		const pick = runs.reduce((best, r) => (Math.abs(r.itemsPerSec - rate) < Math.abs(best.itemsPerSec - rate) ? r : best));
		return { ...pick, itemsPerSec: rate, runs: runs.length, spread: runs.length > 1 ? [Math.min(...runs.map((r) => r.itemsPerSec)), Math.max(...runs.map((r) => r.itemsPerSec))] : undefined };
	};

	if (options.throughput) printThroughput();

	function printThroughput() {
	console.log(`\nThroughput: ${fmt.int(options.items)} items per run, one signed GET /rest/v1/echo/item/{n} per item${options.repeat > 1 ? `, median of ${options.repeat} rounds` : ''}`);
	const rows = [];
	for (const latency of options.latencies) {
		for (const c of options.concurrencies) {
			const a = cell(`a|${latency}|${c}`);
			const b = cell(`b|${latency}|${c}`);
			const raw = cell(`c|${latency}|${c}`);
			const seq = cell(`a|${latency}|${options.concurrencies[0]}`);
			const row = (r, name, ratio) => {
				if (!r) return [`${latency}`, `${c}`, name, 'FAILED', '-', '-', '-', '-', '-', '-'];
				return [
					`${latency}`,
					`${c}`,
					name,
					fmt.rate(r.itemsPerSec) + (r.spread ? ` (${fmt.rate(r.spread[0])}-${fmt.rate(r.spread[1])})` : ''),
					r.parts.length > 1 ? r.parts.map((p) => fmt.s(p)).join('+') : fmt.s(r.nodeMs),
					fmt.s(r.wallMs),
					fmt.mb(r.mainKb),
					fmt.mb(r.runnerKb),
					r.connection,
					ratio,
				];
			};
			const aRatio = a && seq && c !== options.concurrencies[0] ? `a/a(c${options.concurrencies[0]}) ${fmt.x(a.itemsPerSec / seq.itemsPerSec)}` : '';
			rows.push(row(a, `(a) ChargePilot node, Concurrency ${c}`, aRatio));
			rows.push(row(b, `(b) Code HMAC + HTTP Request, batch ${c} / ${Math.max(1, latency)} ms`, a && b ? `a/b ${fmt.x(a.itemsPerSec / b.itemsPerSec)}` : ''));
			rows.push(row(raw, `(c) raw Node loop, keep-alive, ${c} in flight`, a && raw ? `a/c ${fmt.x(a.itemsPerSec / raw.itemsPerSec)}` : ''));
		}
		if (options.diyUnbatched) {
			const binf = cell(`binf|${latency}`);
			const best = Math.max(...options.concurrencies.map((c) => cell(`a|${latency}|${c}`)?.itemsPerSec ?? 0));
			const r = binf;
			rows.push(
				r
					? [`${latency}`, 'all', '(b) Code HMAC + HTTP Request, no batching', fmt.rate(r.itemsPerSec), r.parts.map((p) => fmt.s(p)).join('+'), fmt.s(r.wallMs), fmt.mb(r.mainKb), fmt.mb(r.runnerKb), r.connection, best ? `best a/this ${fmt.x(best / r.itemsPerSec)}` : '']
					: [`${latency}`, 'all', '(b) Code HMAC + HTTP Request, no batching', 'FAILED', '-', '-', '-', '-', '-', '-'],
			);
		}
	}
	console.log(
		table(['lat ms', 'conc', 'path', 'items/s', 'node s', 'wall s', 'RSS MB', 'runner MB', 'conn', 'ratio'], rows, ['r', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'l', 'l']),
	);
	}

	// ---- Return All of many charging events -------------------------------------------------
	if (options.eventsRun) {
		console.error(`\nReturn All of ${fmt.int(options.events)} charging events (and a baseline with a one-hour window):`);
		const inWindow = (from, to) => {
			const lo = Date.parse(from);
			const hi = Date.parse(to);
			return sandbox.getEvents(siteId).filter((e) => {
				const t = Date.parse(e.start_time);
				return t >= lo && t < hi;
			});
		};
		const runEvents = async (key, [from, to]) => {
			const expected = inWindow(from, to);
			const jsonBytes = Buffer.byteLength(JSON.stringify(expected));
			sandbox.resetStats();
			process.stderr.write(`  ${key === 'events' ? 'all events' : 'baseline'} (${fmt.int(expected.length)} events) ... `);
			const measured = await executeMeasured(instance, harness, flows.get(key).id, { timeoutMs: 900_000, sampleMs: 25 });
			const t = task(measured.run, 'ChargePilot');
			measured.run = undefined; // let the parsed output go
			if (t.error || t.items.length !== expected.length) throw new Error(`Return All gave ${t.items.length} items, expected ${expected.length}`);
			const pages = sandbox.stats.byStatus[200] ?? 0;
			if (Object.keys(sandbox.stats.byStatus).some((s) => s !== '200')) throw new Error(`sandbox answered ${JSON.stringify(sandbox.stats.byStatus)}`);
			const nodeEnd = t.startTime + t.executionTime;
			const r = {
				events: expected.length,
				jsonBytes,
				pages,
				nodeMs: t.executionTime,
				wallMs: measured.wallMs,
				beforeKb: measured.sampler.rssAt(t.startTime),
				nodePeakKb: measured.sampler.peakBetween(measured.startedAt, nodeEnd),
				wholePeakKb: measured.mainPeakKb,
			};
			process.stderr.write(`node ${fmt.s(r.nodeMs)} s, peak RSS ${fmt.mb(r.nodePeakKb)} MB\n`);
			return r;
		};
		try {
			const base = await runEvents('eventsBase', TINY);
			const all = await runEvents('events', FULL);
			results.events = { base, all };
			const added = (all.nodePeakKb - base.nodePeakKb) * 1024;
			const addedInRun = (all.nodePeakKb - all.beforeKb) * 1024;
			console.log(`\nReturn All: Charging Event -> Get Many, pages of 1,000, sandbox latency 0 ms`);
			console.log(
				table(
					['run', 'events', 'pages', 'JSON MB', 'node s', 'wall s', 'RSS at node start MB', 'peak RSS until node end MB', 'peak RSS whole run MB'],
					[base, all].map((r, i) => [
						i === 0 ? 'baseline, 1-hour window' : 'Return All, whole range',
						fmt.int(r.events),
						fmt.int(r.pages),
						(r.jsonBytes / 1024 ** 2).toFixed(1),
						fmt.s(r.nodeMs),
						fmt.s(r.wallMs),
						fmt.mb(r.beforeKb),
						fmt.mb(r.nodePeakKb),
						fmt.mb(r.wholePeakKb),
					]),
					['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
				),
			);
			console.log(
				`added by the node: ${(added / 1024 ** 2).toFixed(0)} MB over the baseline's peak = ${fmt.x(added / all.jsonBytes)} the events' JSON (${(all.jsonBytes / 1024 ** 2).toFixed(1)} MB); within the run (peak - RSS at node start): ${(addedInRun / 1024 ** 2).toFixed(0)} MB = ${fmt.x(addedInRun / all.jsonBytes)}; ${fmt.rate((all.events / all.nodeMs) * 1000)} events/s`,
			);
			console.log(`(whole-run peak includes n8n printing the run as pretty JSON after the node finished: not the node's memory)`);
		} catch (error) {
			results.problems.push(`Return All: ${error.message.slice(0, 3000)}`);
		}
	}

	// ---- Targets ------------------------------------------------------------------------------
	console.log('\nTargets (ratios measured side by side in this run)');
	const verdicts = [];
	const judge = (ok, text) => {
		verdicts.push(ok);
		console.log(`${ok === undefined ? 'FAIL' : ok ? 'PASS' : 'FAIL'}  ${text}${ok === undefined ? ' (no data: a run failed)' : ''}`);
	};
	const seqC = options.concurrencies[0];
	if (options.throughput) {
	for (const latency of options.latencies) {
		for (const c of options.concurrencies) {
			const a = cell(`a|${latency}|${c}`);
			const b = cell(`b|${latency}|${c}`);
			const raw = cell(`c|${latency}|${c}`);
			const ceiling = raw && b ? ` (ceiling: even (c) is ${fmt.x(raw.itemsPerSec / b.itemsPerSec)} (b))` : '';
			judge(a && b ? a.itemsPerSec >= 1.5 * b.itemsPerSec : undefined, `(a) >= 1.5x (b) at concurrency ${c}, ${latency} ms: ${a && b ? fmt.x(a.itemsPerSec / b.itemsPerSec) : '-'}${ceiling}`);
		}
	}
	for (const latency of options.latencies) {
		const a = cell(`a|${latency}|${seqC}`);
		const raw = cell(`c|${latency}|${seqC}`);
		judge(a && raw ? a.itemsPerSec >= 0.7 * raw.itemsPerSec : undefined, `(a) >= 0.7x (c) sequential (concurrency ${seqC}), ${latency} ms: ${a && raw ? fmt.x(a.itemsPerSec / raw.itemsPerSec) : '-'}`);
	}
	if (options.latencies.includes(20) && options.concurrencies.includes(8) && options.concurrencies.includes(1)) {
		const a8 = cell('a|20|8');
		const a1 = cell('a|20|1');
		judge(a8 && a1 ? a8.itemsPerSec >= 6 * a1.itemsPerSec : undefined, `ours: concurrency 8 >= 6x concurrency 1 at 20 ms: ${a8 && a1 ? fmt.x(a8.itemsPerSec / a1.itemsPerSec) : '-'}`);
	}
	}
	if (options.eventsRun) {
		const ev = results.events;
		const ratio = ev ? ((ev.all.nodePeakKb - ev.base.nodePeakKb) * 1024) / ev.all.jsonBytes : undefined;
		judge(ev ? ratio <= 3 : undefined, `Return All ${fmt.int(options.events)} events adds <= 3x their JSON size to peak RSS: ${fmt.x(ratio)}`);
	}
	for (const r of results.signer) {
		judge(r.authenticate >= r.reference, `signer not slower than the reference, Node ${r.node}, whole authenticate (signRequestOptions): ${fmt.x(r.authenticate / r.reference)}`);
		judge(r.core >= r.reference, `signer not slower than the reference, Node ${r.node}, signature with cached hash (signWithHashedSecret): ${fmt.x(r.core / r.reference)}`);
	}
	if (results.problems.length) {
		console.log('\nProblems:');
		for (const p of results.problems) console.log(`  ${p}`);
	}
	console.log(`\nbench finished in ${((Date.now() - started) / 1000).toFixed(0)} s; load now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
	clearTimeout(deadline);
	return verdicts.every((v) => v === true) && !results.problems.length ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
	process.once(signal, async () => {
		if (finishing) return;
		finishing = true;
		console.error(`\nbench: ${signal}, cleaning up`);
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
		console.error(error.stack || String(error));
		await cleanupAll();
		process.exitCode = 1;
	});
