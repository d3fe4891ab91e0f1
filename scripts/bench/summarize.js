'use strict';

/**
 * Charging Event -> Summarize against the do-it-yourself path in the same n8n, side by side in one
 * run: Get Many (All Sites, Return All) then n8n's own Summarize node (with, for the day grouping,
 * a node that gives each event its local day). Both read the same sessions, spread over the
 * sandbox's five sites, from a sandbox of their own (its own credential), page by page.
 *
 * Each measurement is one `n8n execute` of one workflow; within every round the paths run one after
 * the other in an order that rotates from round to round, so load on the machine hits all of them.
 * Measured on n8n's own clock (first measured node's start to the last one's end) and from
 * /proc/<pid>/status of the n8n main process sampled every 25 ms (peak VmRSS while the nodes ran,
 * minus VmRSS when the first one started). Every run's groups are checked against the sandbox's
 * sessions (sessions, Wh and seconds per group, computed here with Intl): both paths must give the
 * same groups, or the run fails.
 */

const path = require('node:path');

const { nodeTask } = require('../../dev/n8n');
const { REPO } = require('../../dev/paths');
const { startSandbox } = require('../../dev/sandbox');
const { mulberry32 } = require('../../dev/sandbox/rng');
const { executeMeasured, runNodeScript } = require('./measure');
const { fmt, median, table } = require('./report');
const { FULL_WINDOW } = require('./return-all');
const workflows = require('./workflows');

/** The main site's share of the sessions; the other four sites share the rest equally. */
const MAIN_SHARE = 0.4;

/**
 * The DIY variants measured per grouping: what a user naturally builds (the site first in Fields to
 * Split By; for the day an Edit Fields node, an expression per item), and the DIY path's best case
 * (the other field first, which makes n8n's Summarize node much cheaper: it groups by the first field
 * with `group.concat([item])` per item, quadratic in the size of a group; for the day one Code node
 * for all items, cheaper than an expression per item).
 */
const DIY_VARIANTS = {
	day: [
		{ key: 'set', label: 'Get Many + Edit Fields (day) + Summarize (site_id, day)', dayNode: 'set', splitOrder: 'natural' },
		{ key: 'code-rev', label: 'Get Many + Code (day) + Summarize (day, site_id)', dayNode: 'code', splitOrder: 'reversed' },
	],
	idTag: [
		{ key: 'plain', label: 'Get Many + Summarize (site_id, id_tag)', splitOrder: 'natural' },
		{ key: 'rev', label: 'Get Many + Summarize (id_tag, site_id)', splitOrder: 'reversed' },
	],
};

/**
 * A sandbox of its own for this scenario: `total` sessions over the five sites (40 % on the main
 * site, the rest shared by the other four; each topped up with addEvents at seeded random start
 * times within the seeded span, so every site has sessions on every day).
 */
async function startSummarySandbox(total) {
	const mainCount = Math.round(total * MAIN_SHARE);
	const sandbox = await startSandbox({ eventCount: mainCount, recordLimit: 200 });
	const others = sandbox.sites.filter((site) => site.id !== sandbox.mainSiteId);
	const from = Date.parse(sandbox.dataSpan.from) / 1000;
	const span = Date.parse(sandbox.dataSpan.to) / 1000 - from;
	const random = mulberry32(20261206);
	let left = total - mainCount;
	others.forEach((site, index) => {
		const target = Math.floor(left / (others.length - index));
		left -= target;
		const missing = target - sandbox.countEvents(site.id);
		if (missing <= 0) return;
		const overrides = Array.from({ length: missing }, () => ({ start_time: new Date((from + Math.floor(random() * span)) * 1000).toISOString().replace('.000Z', 'Z') }));
		sandbox.addEvents(site.id, overrides);
	});
	return sandbox;
}

/** The local day 'YYYY-MM-DD' of an instant in a zone (Intl, independent of the package's code). */
function dayFormatter(timeZone) {
	const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
	return (iso) => format.format(new Date(iso));
}

/**
 * What every path must output, from the sandbox's own sessions in the window: per group key
 * (site_id and day or id_tag, joined by '|'), { sessions, wh, seconds }.
 */
function expectedGroups(sandbox, grouping, [from, to]) {
	const lo = Date.parse(from);
	const hi = Date.parse(to);
	const groups = new Map();
	let sessions = 0;
	for (const site of sandbox.sites) {
		const day = dayFormatter(site.timezone);
		for (const event of sandbox.getEvents(site.id)) {
			const start = Date.parse(event.start_time);
			if (start < lo || start >= hi) continue;
			sessions++;
			const key = `${site.id}|${grouping === 'day' ? day(event.start_time) : event.id_tag}`;
			let group = groups.get(key);
			if (!group) groups.set(key, (group = { sessions: 0, wh: 0, seconds: 0 }));
			group.sessions++;
			group.wh += event.energy_wh;
			group.seconds += event.duration;
		}
	}
	return { groups, sessions };
}

/**
 * Checks a path's output against the expected groups: the same keys, and per group the same
 * sessions, Wh (ours: energy_kwh x 1000; DIY: sum_energy_wh) and duration (ours: duration_hours, in
 * thousandths of an hour; DIY: sum_duration in seconds). Throws on the first difference.
 */
function checkGroups(items, expected, grouping, path) {
	const field = grouping === 'day' ? 'day' : 'id_tag';
	if (items.length !== expected.groups.size) throw new Error(`${path} output ${items.length} groups, expected ${expected.groups.size}`);
	const seen = new Set();
	for (const item of items) {
		const key = `${item.site_id}|${item[field]}`;
		const want = expected.groups.get(key);
		if (!want) throw new Error(`${path} output a group ${key} that has no sessions`);
		if (seen.has(key)) throw new Error(`${path} output the group ${key} twice`);
		seen.add(key);
		const got =
			path === 'ours'
				? { sessions: item.sessions, wh: Math.round(item.energy_kwh * 1000), hours: item.duration_hours }
				: { sessions: item.count_transaction_id, wh: item.sum_energy_wh, seconds: item.sum_duration };
		const hoursOk = got.hours === undefined ? got.seconds === want.seconds : Math.abs(got.hours - want.seconds / 3600) <= 0.0005 + 1e-9;
		if (got.sessions !== want.sessions || got.wh !== want.wh || !hoursOk) {
			throw new Error(`${path}, group ${key}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
		}
	}
}

/**
 * How long the sandbox had at least one request open (from its arrival to the end of its answer):
 * the union of the requests' intervals. The sandbox runs in this script's process, one thread, so
 * this is the time the paths waited for pages, or a little more (the answer's last bytes in flight).
 */
function busyMs(requests) {
	const spans = requests.map((r) => [r.startedMs, r.endedMs]).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)).sort((x, y) => x[0] - y[0]);
	let total = 0;
	let [from, to] = spans[0] ?? [0, 0];
	for (const [a, b] of spans.slice(1)) {
		if (a > to) {
			total += to - from;
			[from, to] = [a, b];
		} else to = Math.max(to, b);
	}
	return total + (to - from);
}

/** The paths of a grouping: ours first, then the DIY variants. */
function pathsOf(grouping) {
	return [
		{ key: 'ours', label: 'ours: Charging Event -> Summarize', nodes: ['ChargePilot'] },
		...DIY_VARIANTS[grouping].map((variant) => ({
			key: `diy-${variant.key}`,
			label: `DIY: ${variant.label}`,
			variant,
			nodes: grouping === 'day' ? ['ChargePilot', 'Day', 'Summarize'] : ['ChargePilot', 'Summarize'],
		})),
	];
}

/** The scenario's workflows (imported by the caller with the others), keyed `summarize|<grouping>|<path>`. */
function summarizeFlows(options, nextId) {
	const flows = new Map();
	for (const grouping of options.summarizeGroupings) {
		for (const path of pathsOf(grouping)) {
			const id = nextId();
			flows.set(
				`summarize|${grouping}|${path.key}`,
				path.key === 'ours' ? workflows.summarizeOurs(id, grouping, ...FULL_WINDOW) : workflows.summarizeDiy(id, grouping, ...FULL_WINDOW, path.variant),
			);
		}
	}
	return flows;
}

/**
 * The rounds: in round r the paths of each grouping run rotated by r (ours first, then second, ...),
 * so no path always runs first or last. Returns per grouping and path the runs, and the medians.
 */
async function runSummarize(ctx) {
	const { options, instance, flows, problems, summarySandbox: sandbox } = ctx;
	const expected = new Map(options.summarizeGroupings.map((grouping) => [grouping, expectedGroups(sandbox, grouping, FULL_WINDOW)]));
	const sessions = expected.get(options.summarizeGroupings[0]).sessions;
	const runs = new Map();
	const steps = [];
	for (let round = 0; round < options.summarizeRounds; round++) {
		for (const grouping of options.summarizeGroupings) {
			const paths = pathsOf(grouping);
			for (let i = 0; i < paths.length; i++) steps.push({ round, grouping, path: paths[(i + round) % paths.length] });
		}
	}
	console.error(`\nsummarize: ${steps.length} runs over ${fmt.int(sessions)} sessions on ${sandbox.sites.length} sites (progress on stderr)`);
	for (const [index, { round, grouping, path }] of steps.entries()) {
		const key = `${grouping}|${path.key}`;
		if (!runs.has(key)) runs.set(key, []);
		process.stderr.write(`  [${index + 1}/${steps.length}] round ${round + 1}, by site + ${grouping}: ${path.label} ... `);
		try {
			sandbox.configure({ faults: null });
			sandbox.resetStats();
			sandbox.clearRequests();
			const measured = await executeMeasured(instance, flows.get(`summarize|${key}`).id, { timeoutMs: options.summarizeRunMinutes * 60_000, sampleMs: 25 });
			const tasks = path.nodes.map((name) => nodeTask(measured.run, name));
			const failed = tasks.find((task) => task.error);
			if (failed) throw new Error(`a node failed: ${JSON.stringify(failed.error).slice(0, 300)}`);
			const other = Object.keys(sandbox.stats.byStatus).filter((status) => status !== '200');
			if (other.length) throw new Error(`sandbox answered ${JSON.stringify(sandbox.stats.byStatus)}`);
			const last = tasks[tasks.length - 1];
			checkGroups(
				last.items.map((item) => item.json),
				expected.get(grouping),
				grouping,
				path.key === 'ours' ? 'ours' : 'DIY',
			);
			const first = tasks[0].startTime;
			const end = last.startTime + last.executionTime;
			const startKb = measured.sampler.rssAt(first);
			const peakKb = measured.sampler.peakBetween(first, end);
			const r = {
				ms: end - first,
				parts: tasks.map((task) => task.executionTime),
				wallMs: measured.wallMs,
				startKb,
				peakKb,
				growthKb: Math.max(0, peakKb - startKb),
				wholeKb: measured.mainPeakKb,
				runnerKb: measured.runnerPeakKb,
				cpuMs: measured.sampler.cpuMsBetween(first, end),
				pages: sandbox.stats.byStatus[200] ?? 0,
				serverMs: busyMs(sandbox.requests),
				groups: last.items.length,
			};
			runs.get(key).push(r);
			process.stderr.write(`${fmt.s(r.ms)} s, RSS +${fmt.mb(r.growthKb)} MB (wall ${fmt.s(r.wallMs)} s)\n`);
		} catch (error) {
			problems.push(`summarize, round ${round + 1}, by site + ${grouping}, ${path.label}: ${error.message.split('\n')[0]}`);
			process.stderr.write('failed\n');
		}
	}
	sandbox.configure({ faults: null });

	// Our node's own work per session (decode, paging, summary), each step alone, on n8n's Node.
	let cost;
	try {
		process.stderr.write('  per-session cost of the node\'s steps (summary-cost.js, n8n\'s Node) ... ');
		cost = await runNodeScript(ctx.n8nNode, path.join(__dirname, 'summary-cost.js'), { repo: REPO, sessions: options.summarizeEvents, rounds: 5 }, 600_000);
		process.stderr.write('done\n');
	} catch (error) {
		problems.push(`summarize, per-session cost: ${error.message.split('\n')[0]}`);
		process.stderr.write('failed\n');
	}

	const result = { sessions, cost, sites: sandbox.sites.length, perSite: sandbox.sites.map((site) => sandbox.countEvents(site.id)), groupings: new Map() };
	for (const grouping of options.summarizeGroupings) {
		const rows = pathsOf(grouping).map((path) => {
			const list = runs.get(`${grouping}|${path.key}`) ?? [];
			if (!list.length) return { path, runs: list };
			const med = (pick) => median(list.map(pick));
			const ms = med((r) => r.ms);
			const pick = list.reduce((best, r) => (Math.abs(r.ms - ms) < Math.abs(best.ms - ms) ? r : best));
			return {
				path,
				runs: list,
				ms,
				growthKb: med((r) => r.growthKb),
				startKb: med((r) => r.startKb),
				peakKb: med((r) => r.peakKb),
				wallMs: med((r) => r.wallMs),
				cpuMs: med((r) => r.cpuMs),
				serverMs: med((r) => r.serverMs),
				wholeKb: med((r) => r.wholeKb),
				runnerKb: med((r) => r.runnerKb),
				parts: pick.parts,
				pages: pick.pages,
				groups: pick.groups,
			};
		});
		result.groupings.set(grouping, rows);
	}
	return result;
}

/** Min-max of a list, as text. */
const spread = (values, format) => (values.length > 1 ? ` (${format(Math.min(...values))}-${format(Math.max(...values))})` : '');

function printSummarize(options, result) {
	console.log(
		`\nSummarize: ${fmt.int(result.sessions)} sessions on ${result.sites} sites (${result.perSite.map((n) => fmt.int(n)).join(' / ')}), All Sites, pages of 1,000, ` +
			`sandbox latency 0 ms; median of ${options.summarizeRounds} rounds (min-max), the paths' order rotating per round`,
	);
	for (const [grouping, rows] of result.groupings) {
		const ours = rows[0];
		const tableRows = rows.map((row, index) => {
			if (!row.runs.length) return [row.path.label, 'FAILED', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-'];
			const timeRatio = index && ours.ms ? `${fmt.x(row.ms / ours.ms)} ours` : '';
			const memRatio = index && ours.growthKb !== undefined && row.growthKb ? `ours ${fmt.x(ours.growthKb / row.growthKb)}` : '';
			return [
				row.path.label,
				fmt.s(row.ms) + spread(row.runs.map((r) => r.ms), fmt.s),
				row.parts.map((ms) => fmt.s(ms)).join('+'),
				fmt.s(row.wallMs),
				row.cpuMs === undefined ? '-' : fmt.s(row.cpuMs),
				fmt.s(row.serverMs),
				fmt.int(row.pages),
				fmt.int(row.groups),
				fmt.mb(row.startKb),
				fmt.mb(row.peakKb),
				fmt.mb(row.growthKb) + spread(row.runs.map((r) => r.growthKb), fmt.mb),
				fmt.mb(row.runnerKb),
				[timeRatio, memRatio].filter(Boolean).join('; '),
			];
		});
		console.log(`\nby site + ${grouping === 'day' ? 'local day' : 'ID tag'}`);
		console.log(
			table(
				['path', 'node s', 'parts s', 'wall s', 'CPU s', 'sandbox s', 'pages', 'groups', 'RSS at start MB', 'peak RSS MB', 'RSS growth MB', 'runner MB', 'time ratio; memory ratio'],
				tableRows,
				['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
			),
		);
	}
	if (result.cost) {
		const c = result.cost;
		console.log(`\nOur node's steps per session, each alone over the same ${fmt.int(c.sessions)} sessions (${fmt.int(c.pages)} pages) in one process, Node ${c.node}; median of ${c.rounds} alternating rounds`);
		console.log(table(['step', 'µs/session', 'ms per 100,000'], Object.entries(c.usPerSession).map(([name, us]) => [name, us.toFixed(2), (us * 100).toFixed(0)]), ['l', 'r', 'r']));
	}
	console.log('(every run\'s groups equal the sandbox\'s sessions, Wh and seconds per group; "RSS growth" = peak VmRSS of the n8n main process while the nodes ran - VmRSS when the first one started)');
}

/**
 * The targets per grouping, against the DIY variant that is best for the DIY path in each (the
 * fastest for time, the one that grows least for memory): ours >= 3x faster; ours' growth <= 1/5.
 */
function summarizeVerdicts(result) {
	const out = [];
	for (const [grouping, rows] of result.groupings) {
		const ours = rows[0];
		const diy = rows.slice(1).filter((row) => row.runs.length);
		const name = `by site + ${grouping === 'day' ? 'local day' : 'ID tag'}`;
		if (!ours.runs.length || !diy.length) {
			out.push({ ok: undefined, text: `Summarize ${name}: ours >= 3x faster than the DIY path` });
			out.push({ ok: undefined, text: `Summarize ${name}: ours' RSS growth <= 1/5 of the DIY path's` });
			continue;
		}
		const fastest = diy.reduce((best, row) => (row.ms < best.ms ? row : best));
		const leanest = diy.reduce((best, row) => (row.growthKb < best.growthKb ? row : best));
		const speed = fastest.ms / ours.ms;
		const memory = ours.growthKb / leanest.growthKb;
		out.push({ ok: speed >= 3, text: `Summarize ${name}: ours >= 3x faster than the fastest DIY path (${fastest.path.label}): ${fmt.x(speed)}` });
		out.push({ ok: memory <= 0.2, text: `Summarize ${name}: ours' RSS growth <= 1/5 of the leanest DIY path's (${leanest.path.label}): ${fmt.x(memory)} (${fmt.mb(ours.growthKb)} MB vs ${fmt.mb(leanest.growthKb)} MB)` });
	}
	return out;
}

module.exports = { startSummarySandbox, summarizeFlows, runSummarize, printSummarize, summarizeVerdicts, expectedGroups, DIY_VARIANTS };
