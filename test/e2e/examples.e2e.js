#!/usr/bin/env node
'use strict';

/**
 * End to end: every example workflow in examples/ that needs only a ChargePilot credential, run
 * from its Manual Trigger ("Run now") by `n8n execute` in a real n8n 2.41.1 and 1.123.81 with the
 * packed package, against a sandbox whose sessions reach up to now (all five sites, one in
 * Asia/Kolkata), so Yesterday, Last Week and Last Month find sessions on any day.
 *
 *   every example    the run succeeds, every request is signed and verified by the sandbox, every
 *                    ChargePilot node and the last node output items
 *   Period examples  their numbers against sums this suite computes itself from the sandbox's
 *                    sessions (sandbox.getEvents), filtered to windows it computes itself for the
 *                    run's "now" in each site's time zone (local-windows.js: Intl, not the
 *                    package's periods.ts):
 *     daily-charging-report.json       Yesterday, All Sites: every session once, per site and
 *                                      charger the count and the Wh
 *     energy-per-driver-card-csv.json  Last Month, per ID tag: sessions, kWh, hours, first start,
 *                                      last stop; the CSV file (Convert to File) read back byte for
 *                                      byte: its name, header, one row per ID tag with its kWh
 *     weekly-site-summary.json         Last Week per site with totals
 *
 * The CSV file is binary data of the execution. n8n 2.x keeps binary data in files of its own
 * (mode "filesystem"), not in what `n8n execute` prints, and its Read/Write Files from Disk node
 * may only write below ~/.n8n-files by default: the suite's copy of the example gets one more
 * node, Extract From File → "Move File to Base64 String", which hands the file's bytes over as
 * JSON on both lines.
 *
 * AI Agent examples (ai-*.json) are run by ai-agent.e2e.js, MCP server examples (mcp-*.json) by
 * mcp-server.e2e.js.
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { nodeResult, nodeTask } = require('../../dev/n8n');
const { EXAMPLES } = require('../../dev/paths');
const { presetWindow, previousMonth, sessionsIn, totals } = require('./local-windows');
const { runSuite } = require('./runner');

const CREDENTIAL = { id: 'CpExE2eCredGood1', name: 'ChargePilot Sandbox' };
const NODE_TYPE = 'n8n-nodes-chargepilot.chargePilot';
const PLACEHOLDER = 'REPLACE_WITH_YOUR_CREDENTIAL_ID';
/** n8n's time zone when GENERIC_TIMEZONE is not set (the workflow's, for $now). */
const N8N_DEFAULT_ZONE = 'America/New_York';
/** The node the suite adds after the CSV file: its bytes as base64 in json.data. */
const READ_BACK = 'Read the CSV back (test)';

const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
const sameInstant = (text, ms, what) => assert.equal(Date.parse(text), ms, `${what}: ${text}, expected ${iso(ms)}`);
/** A local period bound: the instant, and shown as local midnight with an offset. */
function localMidnight(text, ms, what) {
	sameInstant(text, ms, what);
	assert.match(String(text), /T00:00:00[+-]\d\d:\d\d$/, `${what}: not a local midnight with an offset`);
}
const kwhIsWh = (kwh, wh, what) => assert.equal(Math.round(Number(kwh) * 1000), wh, `${what}: ${kwh} kWh, expected ${wh} Wh`);
const hoursNear = (hours, seconds, what) => assert.ok(Math.abs(Number(hours) - seconds / 3600) <= 0.0005 + 1e-9, `${what}: ${hours} h, expected ${(seconds / 3600).toFixed(4)}`);

/** Examples for n8n execute: not AI Agent examples, not MCP servers. */
function examples() {
	return fs
		.readdirSync(EXAMPLES)
		.filter((file) => file.endsWith('.json') && !file.startsWith('ai-') && !file.startsWith('mcp-'))
		.sort()
		.map((file) => ({ file, workflow: JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')) }));
}

/**
 * The windows of a preset for every sandbox site, as they were when the node ran: at its start, or
 * (when a day ended while it ran) at its end, whichever `fits` the output.
 */
function windowsWhenRun(run, nodeName, preset, sandbox, fits) {
	const task = nodeTask(run, nodeName);
	const at = (now) => ({ now, windows: Object.fromEntries(sandbox.sites.map((site) => [site.id, presetWindow(preset, now, site.timezone)])) });
	const first = at(task.startTime);
	const last = at(task.startTime + (task.executionTime ?? 0));
	if (JSON.stringify(first.windows) === JSON.stringify(last.windows)) return first;
	return [first, last].find((candidate) => fits(candidate.windows)) ?? first;
}

const describeWindows = (sandbox, windows) => sandbox.sites.map((site) => `${site.timezone} ${iso(windows[site.id].from)}..${iso(windows[site.id].to)}`).join(', ');

/** RFC 4180 text into rows of fields (quotes, "" inside quotes, CRLF or LF). */
function parseCsv(text) {
	const rows = [];
	let row = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (c === '"') quoted = false;
			else field += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') {
			row.push(field);
			field = '';
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && text[i + 1] === '\n') i++;
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
		} else field += c;
	}
	if (field !== '' || row.length) {
		row.push(field);
		rows.push(row);
	}
	return rows;
}

/** What the suite checks of each Period example, by file name. */
const PERIOD_EXAMPLES = {
	'daily-charging-report.json': {
		async check({ check, run, sandbox }) {
			const sessionsNode = "Yesterday's charging sessions";
			const { items } = nodeResult(run, sessionsNode);
			const { now, windows } = windowsWhenRun(run, sessionsNode, 'yesterday', sandbox, (ws) => items.every((item) => Date.parse(item.period_start) === ws[item.site_id]?.from));
			const expected = sandbox.sites.flatMap((site) => sessionsIn(sandbox, site.id, windows[site.id]).map((event) => ({ ...event, site })));
			await check(`daily-charging-report.json: Get Many, Yesterday, All Sites: every session of yesterday in its site's zone, once (windows computed here for ${iso(now)})`, () => {
				assert.ok(expected.length > 0, 'the sandbox has no session yesterday: the check would prove nothing');
				const key = (siteId, id) => `${siteId}#${id}`;
				assert.deepEqual(items.map((item) => key(item.site_id, item.transaction_id)).sort(), expected.map((event) => key(event.site.id, event.transaction_id)).sort());
				const bySite = new Map(sandbox.sites.map((site) => [site.id, site]));
				for (const item of items) {
					const site = bySite.get(item.site_id);
					const what = `session ${item.transaction_id} of ${item.site_id}`;
					assert.equal(item.site_name, site.name, `${what}: site_name`);
					assert.equal(item.timezone, site.timezone, `${what}: timezone`);
					sameInstant(item.period_start, windows[site.id].from, `${what}: period_start`);
					sameInstant(item.period_end, windows[site.id].to, `${what}: period_end`);
					localMidnight(item.period_start_local, windows[site.id].from, `${what}: period_start_local`);
					localMidnight(item.period_end_local, windows[site.id].to, `${what}: period_end_local`);
					sameInstant(item.start_time_local, Date.parse(item.start_time), `${what}: start_time_local`);
					kwhIsWh(item.energy_kwh, item.energy_wh, `${what}: energy_kwh`);
				}
				const perSite = sandbox.sites.map((site) => `${site.id.replace('site-', '')} ${expected.filter((event) => event.site.id === site.id).length}`);
				return `${items.length} sessions (${perSite.join(', ')}); windows ${describeWindows(sandbox, windows)}`;
			});
			await check('daily-charging-report.json: Sessions and energy per charger (n8n Summarize): per site and charger the sessions and Wh summed here', () => {
				const { items: rows } = nodeResult(run, 'Sessions and energy per charger');
				const wanted = new Map();
				for (const event of expected) {
					const key = `${event.site.name}|${event.charger_id}`;
					const entry = wanted.get(key) ?? { count: 0, wh: 0 };
					entry.count++;
					entry.wh += event.energy_wh;
					wanted.set(key, entry);
				}
				assert.deepEqual(
					Object.fromEntries(rows.map((row) => [`${row.site_name}|${row.charger_id}`, { count: row.count_transaction_id, wh: row.sum_energy_wh }])),
					Object.fromEntries(wanted),
				);
				return `${rows.length} chargers, ${expected.reduce((sum, event) => sum + event.energy_wh, 0)} Wh`;
			});
		},
	},

	'energy-per-driver-card-csv.json': {
		/** The suite's copy reads the file back: Extract From File → Move File to Base64 String. */
		extend(workflow) {
			const file = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.convertToFile');
			assert.ok(file, 'the example has no Convert to File node');
			workflow.nodes.push({
				id: 'e2e-read-back',
				name: READ_BACK,
				type: 'n8n-nodes-base.extractFromFile',
				typeVersion: 1,
				position: [file.position[0] + 260, file.position[1]],
				parameters: { operation: 'binaryToPropery', binaryPropertyName: file.parameters.binaryPropertyName ?? 'data', destinationKey: 'data', options: {} },
			});
			workflow.connections[file.name] = { main: [[{ node: READ_BACK, type: 'main', index: 0 }]] };
		},
		async check({ check, run, sandbox, instance }) {
			const summaryNode = 'Energy per ID tag, last month';
			const { items } = nodeResult(run, summaryNode);
			const tagSites = new Map();
			const fits = (ws) => {
				const sums = new Map();
				for (const site of sandbox.sites) for (const event of sessionsIn(sandbox, site.id, ws[site.id])) sums.set(event.id_tag, (sums.get(event.id_tag) ?? 0) + 1);
				return items.every((item) => sums.get(item.id_tag) === item.sessions);
			};
			const { now, windows } = windowsWhenRun(run, summaryNode, 'lastMonth', sandbox, fits);
			const byTag = new Map();
			for (const site of sandbox.sites) {
				for (const event of sessionsIn(sandbox, site.id, windows[site.id])) {
					byTag.set(event.id_tag, [...(byTag.get(event.id_tag) ?? []), event]);
					tagSites.set(event.id_tag, new Set([...(tagSites.get(event.id_tag) ?? []), site.id]));
				}
			}
			await check(`energy-per-driver-card-csv.json: Summarize, Last Month, Group By ID Tag: per ID tag the sessions, kWh, hours, first start and last stop summed here (windows for ${iso(now)})`, () => {
				assert.ok(byTag.size > 0, 'the sandbox has no session last month');
				assert.deepEqual(items.map((item) => item.id_tag).sort(), [...byTag.keys()].sort(), 'the ID tags');
				for (const item of items) {
					const sum = totals(byTag.get(item.id_tag));
					const what = `ID tag ${item.id_tag}`;
					assert.equal(item.sessions, sum.sessions, `${what}: sessions`);
					kwhIsWh(item.energy_kwh, sum.wh, `${what}: energy_kwh`);
					hoursNear(item.duration_hours, sum.seconds, `${what}: duration_hours`);
					sameInstant(item.first_start, sum.firstStart, `${what}: first_start`);
					sameInstant(item.last_stop, sum.lastStop, `${what}: last_stop`);
					const from = Math.min(...[...tagSites.get(item.id_tag)].map((id) => windows[id].from));
					sameInstant(item.period_start, from, `${what}: period_start`);
					assert.equal(item.complete, true, `${what}: complete`);
				}
				const wh = [...byTag.values()].flat().reduce((sum, event) => sum + event.energy_wh, 0);
				return `${items.length} ID tags, ${[...byTag.values()].flat().length} sessions, ${wh / 1000} kWh; windows ${describeWindows(sandbox, windows)}`;
			});
			await check('energy-per-driver-card-csv.json: the CSV file (Convert to File, read back byte for byte): named for last month, text/csv, the header, one row per ID tag with its sessions and kWh', () => {
				const fileTask = nodeTask(run, 'CSV file');
				assert.equal(fileTask.items.length, 1, `${fileTask.items.length} files`);
				const meta = fileTask.items[0].binary?.data;
				assert.ok(meta, `no binary "data": ${JSON.stringify(fileTask.items[0]).slice(0, 300)}`);
				const zone = instance.env.GENERIC_TIMEZONE || N8N_DEFAULT_ZONE;
				const task = nodeTask(run, 'CSV file');
				const months = new Set([previousMonth(task.startTime, zone), previousMonth(task.startTime + (task.executionTime ?? 0), zone)]);
				assert.ok([...months].some((month) => meta.fileName === `energy-per-driver-card-${month}.csv`), `file name ${meta.fileName}, expected energy-per-driver-card-${[...months].join(' or ')}.csv`);
				assert.equal(meta.mimeType, 'text/csv');
				const { items: read } = nodeResult(run, READ_BACK);
				assert.equal(read.length, 1);
				const bytes = Buffer.from(read[0].data, 'base64');
				// n8n writes CSV with a UTF-8 byte order mark (what Excel needs to read non-ASCII ID tags).
				const bom = bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]));
				const text = bytes.subarray(bom ? 3 : 0).toString('utf8');
				const [header, ...rows] = parseCsv(text).filter((row) => row.some((field) => field !== ''));
				assert.deepEqual(header, ['id_tag', 'sessions', 'energy_kwh', 'duration_hours', 'first_start', 'last_stop', 'complete']);
				assert.equal(rows.length, byTag.size, `${rows.length} rows for ${byTag.size} ID tags`);
				for (const row of rows) {
					const record = Object.fromEntries(header.map((name, k) => [name, row[k]]));
					const events = byTag.get(record.id_tag);
					assert.ok(events, `row for an ID tag without sessions last month: ${record.id_tag}`);
					const sum = totals(events);
					assert.equal(Number(record.sessions), sum.sessions, `${record.id_tag}: sessions in the CSV`);
					kwhIsWh(record.energy_kwh, sum.wh, `${record.id_tag}: energy_kwh in the CSV`);
					assert.match(record.complete, /^true$/i, `${record.id_tag}: complete in the CSV`);
				}
				assert.deepEqual(rows.map((row) => row[0]).sort(), [...byTag.keys()].sort(), 'every ID tag once');
				const nonAscii = rows.filter((row) => /[^\x00-\x7f]/.test(row[0])).length;
				return `${meta.fileName}: ${bytes.length} bytes${bom ? ' (UTF-8 with a byte order mark)' : ''}, ${rows.length} rows (${nonAscii} ID tags with non-ASCII characters); e.g. ${JSON.stringify(text.split(/\r?\n/)[1])}`;
			});
		},
	},

	'weekly-site-summary.json': {
		async check({ check, run, sandbox }) {
			const summaryNode = 'Last week per site';
			const { items } = nodeResult(run, summaryNode);
			const groups = items.filter((item) => !item.totals);
			const { now, windows } = windowsWhenRun(run, summaryNode, 'lastWeek', sandbox, (ws) => groups.every((item) => Date.parse(item.period_start) === ws[item.site_id]?.from));
			const perSite = sandbox.sites.map((site) => ({ site, events: sessionsIn(sandbox, site.id, windows[site.id]) })).filter((entry) => entry.events.length > 0);
			await check(`weekly-site-summary.json: Summarize, Last Week, Group By Site: per site the sessions, kWh and hours summed here, its own week in its own zone (windows for ${iso(now)})`, () => {
				assert.ok(perSite.length >= 2, `sessions last week at ${perSite.length} sites: the check would prove little`);
				assert.deepEqual(groups.map((item) => item.site_id).sort(), perSite.map((entry) => entry.site.id).sort(), 'the sites');
				for (const { site, events } of perSite) {
					const item = groups.find((group) => group.site_id === site.id);
					const sum = totals(events);
					const what = site.id;
					assert.equal(item.site_name, site.name, `${what}: site_name`);
					assert.equal(item.sessions, sum.sessions, `${what}: sessions`);
					kwhIsWh(item.energy_kwh, sum.wh, `${what}: energy_kwh`);
					hoursNear(item.duration_hours, sum.seconds, `${what}: duration_hours`);
					sameInstant(item.period_start, windows[site.id].from, `${what}: period_start`);
					sameInstant(item.period_end, windows[site.id].to, `${what}: period_end`);
					localMidnight(item.period_start_local, windows[site.id].from, `${what}: period_start_local`);
					localMidnight(item.period_end_local, windows[site.id].to, `${what}: period_end_local`);
					assert.equal(item.time_zone, site.timezone, `${what}: time_zone`);
					assert.equal(item.complete, true, `${what}: complete`);
				}
				return perSite.map(({ site, events }) => `${site.id.replace('site-', '')} ${events.length}`).join(', ');
			});
			await check('weekly-site-summary.json: Include Totals: one more item with the sums over all sites, the earliest start and latest end of their weeks, no single time zone', () => {
				const totalItems = items.filter((item) => item.totals === true);
				assert.equal(totalItems.length, 1, `${totalItems.length} totals items`);
				assert.equal(items.at(-1), totalItems[0], 'the totals item comes last');
				const [total] = totalItems;
				const all = totals(perSite.flatMap((entry) => entry.events));
				assert.equal(total.site_id, null);
				assert.equal(total.sessions, all.sessions, 'sessions');
				kwhIsWh(total.energy_kwh, all.wh, 'energy_kwh');
				hoursNear(total.duration_hours, all.seconds, 'duration_hours');
				assert.equal(total.groups, perSite.length, 'groups');
				sameInstant(total.period_start, Math.min(...perSite.map((entry) => windows[entry.site.id].from)), 'period_start');
				sameInstant(total.period_end, Math.max(...perSite.map((entry) => windows[entry.site.id].to)), 'period_end');
				assert.equal(total.time_zone, null, 'time_zone (sites in several zones)');
				return `${all.sessions} sessions, ${all.wh / 1000} kWh over ${perSite.length} sites`;
			});
		},
	},
};

runSuite({
	name: 'examples e2e',
	sandbox: { signedPath: 'full', dataUntil: 'now', eventCount: 3000 },
	maxMsPerLine: 12 * 60_000,
	async line({ instance, sandbox, check }) {
		const data = { region: 'custom', baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, apiSecret: sandbox.apiSecret, signedPath: 'full' };
		await instance.importCredentials([{ ...CREDENTIAL, type: 'chargePilotApi', data }]);
		const found = examples();
		await check(`the Period examples are in examples/ (${Object.keys(PERIOD_EXAMPLES).join(', ')})`, () => {
			const missing = Object.keys(PERIOD_EXAMPLES).filter((file) => !found.some((example) => example.file === file));
			assert.deepEqual(missing, []);
		});
		const copies = found.map(({ file, workflow }) => {
			const copy = JSON.parse(JSON.stringify(workflow).replaceAll(`"id":"${PLACEHOLDER}"`, `"id":"${CREDENTIAL.id}"`));
			PERIOD_EXAMPLES[file]?.extend?.(copy);
			return { file, workflow, copy };
		});
		const imported = await instance.importWorkflows(copies.map(({ copy }) => copy));
		console.log(`  import:workflow ${copies.length} examples, ${imported.ms} ms`);
		for (const { file, workflow, copy } of copies) {
			const others = [...new Set(workflow.nodes.flatMap((node) => Object.keys(node.credentials ?? {})))].filter((type) => type !== 'chargePilotApi');
			if (others.length) {
				await check(`example ${file} needs only a ChargePilot credential (name it ai-*.json if it needs a chat model, mcp-*.json if it is an MCP server)`, () => assert.fail(`it also uses ${others.join(', ')}`));
				continue;
			}
			sandbox.clearRequests();
			const { run, ms } = await instance.execute(copy.id);
			let ran = false;
			await check(`example ${file} runs from its Manual Trigger against the sandbox: success, every request verified, every ChargePilot node and the last node output items`, () => {
				assert.equal(run.status, 'success', JSON.stringify(run.data.resultData.error ?? {}).slice(0, 500));
				assert.ok(sandbox.requests.length > 0, 'no request reached the sandbox');
				const refused = sandbox.requests.filter((request) => !request.auth.ok);
				assert.deepEqual(refused.map((request) => `${request.target}: ${request.auth.reason}`), []);
				const counts = [];
				for (const node of workflow.nodes.filter((entry) => entry.type === NODE_TYPE)) {
					const { items, error } = nodeResult(run, node.name);
					assert.equal(error, undefined, `${node.name}: ${error?.message}`);
					assert.ok(items.length > 0, `"${node.name}" output no items`);
					counts.push(`${node.name} ${items.length}`);
				}
				const last = workflow.nodes.find((node) => !workflow.connections[node.name]);
				const { items, error } = nodeResult(run, last.name);
				assert.equal(error, undefined, `${last.name}: ${error?.message}`);
				assert.ok(items.length > 0, `"${last.name}" produced no items`);
				ran = true;
				if (last.type !== NODE_TYPE) counts.push(`${last.name} ${items.length}`);
				return `${ms} ms; ${sandbox.requests.length} requests; items: ${counts.join(', ')}`;
			});
			if (ran && PERIOD_EXAMPLES[file]) await PERIOD_EXAMPLES[file].check({ check, run, sandbox, instance });
		}
	},
});
