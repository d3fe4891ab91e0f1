#!/usr/bin/env node
'use strict';

/**
 * Benchmark (a script, not a test). In one run, against the local sandbox (dev/sandbox, on
 * 127.0.0.1, which verifies every signature):
 *
 *   (a) the ChargePilot node in a real n8n 2.41.1 (the packed package, installed as a community
 *       package; dev/n8n), Custom Request GET /echo/item/{n}, Options -> Concurrency;
 *   (b) the do-it-yourself path in the same n8n: a Code node computing the HMAC as the guide's
 *       Node.js example does, then the HTTP Request node (4.2) sending the three headers;
 *   (c) a raw Node loop with the same signing over a keep-alive http.Agent: the machine's ceiling;
 *   our signer against the guide's reference implementation (in one process);
 *   Return All of many charging events through our node: wall time and peak RSS against the size
 *   of the events' JSON, with a one-hour-window run of the same workflow as the baseline;
 *   Charging Event -> Summarize of 100,000 sessions on five sites (All Sites) against the DIY path
 *   in the same n8n (Get Many, Return All, then n8n's own Summarize node), rounds alternating the
 *   paths: time and RSS growth of the n8n process, every run's groups checked.
 *
 * Prints tables and PASS/FAIL lines for the targets; docs/BENCHMARKS.md explains every column.
 *
 *   npm run bench                      (= npm run build && node scripts/bench.js)
 *   node scripts/bench.js [--items 2000] [--latency 0,20] [--concurrency 1,8] [--events 100000]
 *     [--repeat 1] [--quick] [--strict] [--tarball pkg.tgz] [--max-minutes 90]
 *     [--no-signer] [--no-throughput] [--no-diy-unbatched] [--no-events] [--no-summarize]
 *     [--summarize-events 100000] [--summarize-rounds 3] [--summarize-groups day,idTag]
 *
 * --quick: 200 items, 10,000 events, 10,000 sessions to summarize in 1 round, short signer rounds
 *   (a smoke run of a few minutes).
 * Only the Summarize scenario: --no-signer --no-throughput --no-events.
 * --repeat N: N interleaved rounds of the throughput runs; the tables show medians.
 * --tarball: benchmark another packed build of the package (e.g. to A/B a change).
 * Exit code: 0 when everything ran (FAIL lines are information), 1 when a run broke (or, with
 * --strict, when a target fails), 2 when --max-minutes ran out. Bounded: every n8n run has a time
 * limit and the script a deadline; the sandbox, every process it started (stopped by pid) and its
 * temporary folder are cleaned up on every exit path, Ctrl+C included.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { createInstance, describeTarball, ensureHarness, packPackage } = require('../dev/n8n');
const { DIST } = require('../dev/paths');
const { processes } = require('../dev/process');
const { startSandbox } = require('../dev/sandbox');
const { UsageError } = require('../dev/cli');
const { versionOf } = require('./bench/measure');
const { parseArgs } = require('./bench/options');
const { loadavg, machine, printTargets } = require('./bench/report');
const { FULL_WINDOW, TINY_WINDOW, runReturnAll } = require('./bench/return-all');
const { runSigner } = require('./bench/signer-run');
const { printSummarize, runSummarize, startSummarySandbox, summarizeFlows, summarizeVerdicts } = require('./bench/summarize');
const { diyBatching, printThroughput, runThroughput } = require('./bench/throughput');
const workflows = require('./bench/workflows');

/** Clean-ups of what this run created (sandbox, instance, temporary folder), last first. */
const cleanups = [];
let finishing = false;

/** Everything this script started (stopped by process group), then the clean-ups. */
async function cleanupAll() {
	processes.killAllNow();
	while (cleanups.length) {
		const fn = cleanups.pop();
		try {
			await fn();
		} catch (error) {
			console.error(`cleanup: ${error.message}`);
		}
	}
}

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

	if (!fs.existsSync(path.join(DIST, 'nodes', 'ChargePilot', 'ChargePilot.node.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first (`npm run bench` does)');
	}
	const harness = await ensureHarness(2); // installs the pinned n8n 2.41.1 on first use
	const n8nNode = path.join(harness.bin, 'node');

	// One temporary root for everything this run creates (createInstance and packPackage use
	// os.tmpdir(), which follows TMPDIR): removed at the end, and out of reach of other runs'
	// clean-ups of /tmp/chargepilot-e2e-*.
	const benchTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-bench-'));
	cleanups.push(() => fs.rmSync(benchTmp, { recursive: true, force: true }));
	process.env.TMPDIR = benchTmp;

	const packed = options.tarball ? await describeTarball(options.tarball) : await packPackage();
	const sandbox = await startSandbox({ eventCount: options.eventsRun ? options.events : 1000, recordLimit: 200 });
	cleanups.push(() => sandbox.close());
	// The Summarize scenario has a sandbox of its own (its sessions spread over all five sites).
	const summarySandbox = options.summarize ? await startSummarySandbox(options.summarizeEvents) : undefined;
	if (summarySandbox) cleanups.push(() => summarySandbox.close());
	const instance = await createInstance(2, packed, { harness });
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
	await instance.importCredentials([
		...workflows.credentials(sandbox),
		...(summarySandbox ? workflows.credentials(summarySandbox, workflows.SUMMARY_CREDENTIAL) : []),
	]);
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
	if (options.summarize) for (const [key, flow] of summarizeFlows(options, nextId)) flows.set(key, flow);
	for (const flow of flows.values()) await instance.importWorkflow(flow);

	const ctx = { options, sandbox, summarySandbox, instance, n8nNode, flows, problems };
	const cells = options.throughput ? await runThroughput(ctx) : undefined;
	if (cells) printThroughput(options, cells);
	const events = options.eventsRun ? await runReturnAll(ctx) : undefined;
	const summary = options.summarize ? await runSummarize(ctx) : undefined;
	if (summary) printSummarize(options, summary);

	const verdicts = printTargets(options, cells, events, signer, summary ? summarizeVerdicts(summary) : []);
	if (problems.length) {
		console.log('\nProblems (runs that broke; their cells show FAILED):');
		for (const problem of problems) console.log(`  ${problem}`);
	}
	console.log(`\nbench finished in ${((Date.now() - started) / 1000).toFixed(0)} s; load average now ${loadavg()}`);
	clearTimeout(deadline);
	if (problems.length) return 1;
	return options.strict && verdicts.some((v) => v !== true) ? 1 : 0;
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
