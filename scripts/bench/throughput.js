'use strict';

/**
 * The throughput runs, interleaved (a, b, c per cell) so drift on a busy machine hits all paths
 * alike: (a) the ChargePilot node in n8n, (b) Code node HMAC + HTTP Request node in n8n, (c) a raw
 * Node loop (raw-client.js); and their table.
 */

const path = require('node:path');

const { nodeTask } = require('../../dev/n8n');
const { executeMeasured, runNodeScript } = require('./measure');
const { fmt, median, table } = require('./report');

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

/** Throughput runs, interleaved (a, b, c per cell) so drift on a busy machine hits all paths alike. */
async function runThroughput(ctx) {
	const { options, sandbox, instance, n8nNode, flows, problems } = ctx;
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
		const measured = await executeMeasured(instance, flows.get(flowKey).id, { timeoutMs: timeoutFor(latency), sampleMs: 50 });
		const tasks = nodes.map((name) => nodeTask(measured.run, name));
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
			path.join(__dirname, 'raw-client.js'),
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


module.exports = { diyBatching, runThroughput, printThroughput };
