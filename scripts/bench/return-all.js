'use strict';

/**
 * Return All of many charging events through Charging Event -> Get Many: wall time and peak RSS
 * against the size of the events' JSON, with a one-hour-window run of the same workflow as the
 * baseline; and its table.
 */

const { nodeTask } = require('../../dev/n8n');
const { executeMeasured } = require('./measure');
const { fmt, table } = require('./report');

/** Events window of the Return All run (every seeded event starts in it) and of its baseline. */
const FULL_WINDOW = ['2026-01-01T00:00:00Z', '2026-07-02T00:00:00Z'];
const TINY_WINDOW = ['2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z'];

/** Return All of every event (and the one-hour baseline) through Charging Event -> Get Many. */
async function runReturnAll(ctx) {
	const { options, sandbox, instance, flows, problems } = ctx;
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
		const measured = await executeMeasured(instance, flows.get(key).id, { timeoutMs: 900_000, sampleMs: 25 });
		const t = nodeTask(measured.run, 'ChargePilot');
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

module.exports = { FULL_WINDOW, TINY_WINDOW, runReturnAll };
