'use strict';

/**
 * What Charging Event -> Summarize costs per session inside n8n's process, apart from HTTP and the
 * server: the steps the node runs for every page, each timed alone over the same pages, in one
 * process (spawned by scripts/bench.js with the Node that runs n8n):
 *
 * - decode: the page's bytes as UTF-8 text, then JSON.parse (answer.js decodeAnswer: what every
 *   path pays, Get Many too);
 * - paging: pageThrough (dist/nodes/client/paging.js) over the decoded pages with a sink that does
 *   nothing: the bookkeeping per session (the keys that count each session once);
 * - summary <grouping>: createSummary (dist/nodes/client/summary.js) and add() of every session,
 *   each with its site; groupings as the Summarize scenario and `site` alone;
 * - the helpers add() calls per session (eventFields.js, periods.js), each alone: startMs + stopMs
 *   (date parsing), energyKwh, durationMs, localDay.
 *
 * Pages come from a sandbox started here (not served: its events as the wire would carry them,
 * 1,000 per page). Rounds alternate the steps (rotated each round), so drift hits all of them; the
 * median round is reported in µs per session. Usage:
 *   node summary-cost.js '{"repo":"/work/main","sessions":100000,"rounds":5}'
 * Prints one JSON line.
 */

const path = require('node:path');

const config = JSON.parse(process.argv[2] || '{}');
const repo = config.repo || path.resolve(__dirname, '..', '..');
const rounds = config.rounds || 5;
const dist = (...parts) => require(path.join(repo, 'dist', 'nodes', 'client', ...parts));
const { decodeAnswer } = dist('answer.js');
const { newReadState, pageThrough } = dist('paging.js');
const { createSummary } = dist('summary.js');
const { durationMs, energyKwh, startMs, stopMs } = dist('eventFields.js');
const { localDay } = dist('periods.js');
const { startSummarySandbox } = require('./summarize');

const now = () => Number(process.hrtime.bigint()) / 1e6;

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main() {
	const sandbox = await startSummarySandbox(config.sessions || 100_000);
	const window = { from: Date.parse('2026-01-01T00:00:00Z'), to: Date.parse('2026-07-02T00:00:00Z') };
	const sites = [];
	try {
		for (const site of sandbox.sites) {
			const events = sandbox.getEvents(site.id);
			const pages = [];
			for (let skip = 0; skip < events.length; skip += 1000) {
				const slice = events.slice(skip, skip + 1000);
				pages.push(Buffer.from(JSON.stringify({ charging_events: slice, count: events.length, truncated: false, dto_presence: true })));
			}
			sites.push({ summarySite: { id: site.id, name: site.name, timeZone: site.timezone, window }, pages });
		}
	} finally {
		await sandbox.close();
	}
	const sessions = sites.reduce((sum, site) => sum + site.pages.reduce((n, page) => n + JSON.parse(page).charging_events.length, 0), 0);
	const decoded = sites.map((site) => site.pages.map((page) => decodeAnswer(page, 'application/json').body));
	const all = decoded.flatMap((pages, index) => pages.flatMap((page) => page.charging_events.map((event) => [event, sites[index].summarySite])));

	let keep = 0; // results are used, so no step is optimised away
	const summarize = (groupBy) => () => {
		const summary = createSummary({ groupBy });
		for (const [event, site] of all) summary.add(event, site);
		keep += summary.groups().length;
	};
	const steps = {
		decode: () => {
			for (const site of sites) for (const page of site.pages) keep += decodeAnswer(page, 'application/json').body.charging_events.length;
		},
		paging: async () => {
			for (const pages of decoded) {
				const state = newReadState({ limit: Infinity, pageSize: 1000, ceiling: 1_000_000 }, (items) => (keep += items.length), (message) => new Error(message), 'bench');
				let index = 0;
				await pageThrough(async () => pages[index++], 'charging_events', state);
			}
		},
		'summary site': summarize(['site']),
		'summary site+day': summarize(['site', 'day']),
		'summary site+idTag': summarize(['site', 'idTag']),
		'startMs + stopMs': () => {
			for (const [event] of all) keep += startMs(event) + stopMs(event);
		},
		energyKwh: () => {
			for (const [event] of all) keep += energyKwh(event).wh;
		},
		durationMs: () => {
			for (const [event] of all) keep += durationMs(event);
		},
		localDay: () => {
			for (const [event, site] of all) keep += localDay(Date.parse(event.start_time), site.timeZone).length;
		},
	};
	const names = Object.keys(steps);
	for (const name of names) await steps[name](); // warm-up
	const times = Object.fromEntries(names.map((name) => [name, []]));
	for (let round = 0; round < rounds; round++) {
		for (let i = 0; i < names.length; i++) {
			const name = names[(i + round) % names.length];
			const started = now();
			await steps[name]();
			times[name].push(now() - started);
		}
	}
	const usPerSession = Object.fromEntries(names.map((name) => [name, (median(times[name]) * 1000) / sessions]));
	console.log(JSON.stringify({ node: process.version, sessions, pages: sites.reduce((n, site) => n + site.pages.length, 0), rounds, usPerSession, keep: keep > 0 }));
}

main().catch((error) => {
	console.error(error.stack || String(error));
	process.exit(1);
});
