'use strict';

/**
 * The editor suite's Period steps: Charging Event → Get Many with Period "Yesterday", and Charging
 * Event → Summarize for "Last Month" over All Sites, grouped by site and then by site and day. Each
 * gets { page, sandbox, url, note(text), shot(name), results }.
 *
 * The suite's sandbox keeps its fixed 2026-01..07 history (the trigger step shows what an account
 * without recent sessions gets), so these steps first replay the last 70 days of that history up to
 * the current hour: the same sessions (energy, durations, chargers, ID tags), moved in time, with new
 * transaction IDs. Every expected number is computed here from sandbox.getEvents() with windows
 * worked out here (Intl's time zone data), not by the node's code.
 */

const assert = require('node:assert/strict');

const { column, expectCount, expectText, pickOption, readOutputTable, settleToasts, tid, visibleTexts } = require('../browser');
const { describeRequests, RESULT_TIMEOUT } = require('./credential');
const { EVENT_LIMIT, SITE_ID, unfold } = require('./nodes');

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Days of history replayed: more than the two months "Last Month" can reach back from today. */
const REPLAY_DAYS = 70;

/** ISO 8601 in UTC as the node writes it: whole seconds, "Z". */
const isoUtc = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The local calendar fields of an instant in `timeZone` (Intl), as a UTC timestamp of those fields. */
function localFieldsMs(ms, timeZone) {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
			.formatToParts(new Date(ms))
			.map((part) => [part.type, Number(part.value)]),
	);
	return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

/** The instant of local midnight of year/month/day (month 0-based, may overflow) in `timeZone`. */
function localMidnight(year, month, day, timeZone) {
	const wall = Date.UTC(year, month, day);
	let guess = wall - (localFieldsMs(wall, timeZone) - wall);
	guess = wall - (localFieldsMs(guess, timeZone) - guess);
	return guess;
}

/** "2026-11-01T00:00:00+01:00": an instant in local time with its offset. */
function localIso(ms, timeZone) {
	const offsetMin = Math.round((localFieldsMs(ms, timeZone) - ms) / 60_000);
	const sign = offsetMin < 0 ? '-' : '+';
	const pad = (n) => String(Math.abs(n)).padStart(2, '0');
	return `${new Date(localFieldsMs(ms, timeZone)).toISOString().slice(0, 19)}${sign}${pad(Math.trunc(offsetMin / 60))}:${pad(offsetMin % 60)}`;
}

/** Yesterday and last month in `timeZone` at `now`: { from, to } in ms. */
function windows(now, timeZone) {
	const today = new Date(localFieldsMs(now, timeZone));
	const [y, m, d] = [today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()];
	return {
		yesterday: { from: localMidnight(y, m, d - 1, timeZone), to: localMidnight(y, m, d, timeZone) },
		lastMonth: { from: localMidnight(y, m - 1, 1, timeZone), to: localMidnight(y, m, 1, timeZone) },
	};
}

/** The local day "YYYY-MM-DD" of an instant in `timeZone`. */
const localDay = (ms, timeZone) => new Date(localFieldsMs(ms, timeZone)).toISOString().slice(0, 10);

/** A site's sessions that start in the window, in the sandbox's order. */
const sessionsIn = (sandbox, siteId, window) =>
	sandbox.getEvents(siteId).filter((event) => Date.parse(event.start_time) >= window.from && Date.parse(event.start_time) < window.to);

/** What Summarize should say of these sessions: sessions, kWh (whole Wh / 1000), hours (to 1/1000). */
function sums(events) {
	const wh = events.reduce((sum, event) => sum + event.energy_wh, 0);
	const seconds = events.reduce((sum, event) => sum + event.duration, 0);
	return { sessions: events.length, energy_kwh: wh / 1000, duration_hours: Math.round((seconds * 1000) / 3600) / 1000 };
}

/**
 * Replays the sandbox's last REPLAY_DAYS days of history (which ends 2026-07-01) so that it ends at
 * the start of the current hour, leaving out what would not have stopped by `now`. Returns the
 * number of sessions added.
 */
function replayHistory(sandbox, now) {
	const end = Date.parse(sandbox.dataSpan.to);
	const shift = Math.floor(now / HOUR) * HOUR - end;
	assert.ok(shift > 0, `the sandbox's history (until ${sandbox.dataSpan.to}) is not in the past`);
	let added = 0;
	for (const site of sandbox.sites) {
		const replayed = sessionsIn(sandbox, site.id, { from: end - REPLAY_DAYS * DAY, to: end })
			.filter((event) => Date.parse(event.stop_time) + shift <= now)
			.map((event) => ({
				start_time: isoUtc(Date.parse(event.start_time) + shift),
				duration: event.duration,
				energy_wh: event.energy_wh,
				charger_id: event.charger_id,
				connector_id: event.connector_id,
				connector_type: event.transaction_data.connector_type,
				id_tag: event.id_tag,
				initial_soc: event.initial_soc,
				end_soc: event.end_soc,
				stop_reason: event.transaction_data.stop_reason,
			}));
		added += sandbox.addEvents(site.id, replayed).length;
	}
	return added;
}

/** Opens a node of the canvas by its title; returns the node details view. */
async function openNode(page, title) {
	// Near its top left corner: a selected trigger's "Execute workflow" button floats over the middle
	// of the node beside it.
	await page.locator(tid('canvas-node')).filter({ hasText: title }).first().dblclick({ position: { x: 12, y: 12 } });
	const ndv = page.locator(tid('ndv'));
	await ndv.waitFor({ state: 'visible' });
	await expectText(ndv.locator(tid('node-title-container')), title, { what: 'node title' });
	return ndv;
}

/** The charging-event requests the sandbox answered since `mark`: each verified and 200, with its from/to. */
function eventRequests(sandbox, mark) {
	const seen = sandbox.requests.slice(mark).filter((r) => r.target.includes('/charging-events/'));
	assert.ok(seen.length >= 1 && seen.every((r) => r.status === 200 && r.auth.ok), `sandbox: ${describeRequests(seen)}`);
	return seen.map((r) => {
		const url = new URL(r.target, 'http://sandbox');
		return { site: decodeURIComponent(url.pathname.split('/').pop()), from: url.searchParams.get('from'), to: url.searchParams.get('to') };
	});
}

/** The window of `windows(now)[name]` in `timeZone` that the node used, given the times around its run. */
function windowAround(before, after, timeZone, name, periodStart) {
	const candidates = [windows(before, timeZone)[name], windows(after, timeZone)[name]];
	const window = candidates.find((w) => isoUtc(w.from) === periodStart) ?? candidates[1];
	return window;
}

async function getManyYesterday({ page, sandbox, note, shot }) {
	const added = replayHistory(sandbox, Date.now());
	note(`the sandbox replays its last ${REPLAY_DAYS} days of history up to the current hour: ${added} sessions on ${sandbox.sites.length} sites`);

	const ndv = await openNode(page, 'Get many charging events');
	const site = sandbox.sites.find((s) => s.id === SITE_ID);
	const chosen = await ndv.locator(`${tid('resource-locator-siteId')} ${tid('rlc-input')}`).inputValue();
	assert.ok(chosen.startsWith(site.name), `the site field shows "${chosen}"`);
	assert.equal(await ndv.locator(`${tid('parameter-input-period')} input`).inputValue(), 'Custom (From/To)');
	await pickOption(page, ndv.locator(tid('parameter-input-period')), 'Yesterday');
	assert.equal(await ndv.locator(`${tid('parameter-input-period')} input`).inputValue(), 'Yesterday');
	await expectCount(ndv.locator(`${tid('parameter-input-from')}, ${tid('parameter-input-to')}`), 0, { what: 'From and To fields with Period "Yesterday"' });
	note(`reopened "Get many charging events" (site "${chosen}"): Period "Custom (From/To)" -> "Yesterday"; From and To are hidden`);

	const mark = sandbox.requests.length;
	const before = Date.now();
	await ndv.locator(tid('node-execute-button')).click();
	// Not the count alone: the From/To run before also showed "20 items". Its events had no period_start.
	await expectText(ndv.locator(`${tid('output-panel')} table thead`), 'period_start', { what: 'output table columns', timeout: RESULT_TIMEOUT });
	const countText = await expectText(ndv.locator(`${tid('output-panel')} ${tid('ndv-items-count')}`), /^\d+ items?$/, { what: 'output item count' });
	const after = Date.now();
	const table = await readOutputTable(ndv);
	const periodStart = column(table, 'period_start')[0];
	const window = windowAround(before, after, site.timezone, 'yesterday', periodStart);
	const expected = sessionsIn(sandbox, SITE_ID, window);
	assert.ok(expected.length > 0, `the sandbox has no session of ${SITE_ID} in ${isoUtc(window.from)}..${isoUtc(window.to)}`);
	const shown = Math.min(EVENT_LIMIT, expected.length);
	assert.equal(countText, `${shown} item${shown === 1 ? '' : 's'}`);
	assert.deepEqual(column(table, 'transaction_id').map(Number), expected.slice(0, EVENT_LIMIT).map((e) => e.transaction_id));
	const columns = { period_start: isoUtc(window.from), period_end: isoUtc(window.to), period_start_local: localIso(window.from, site.timezone), period_end_local: localIso(window.to, site.timezone), time_zone: site.timezone };
	for (const [name, value] of Object.entries(columns)) assert.deepEqual(new Set(column(table, name)), new Set([value]), `column ${name}`);
	note(`Execute step: "${countText}" of the ${expected.length} sessions the sandbox has for Berlin's yesterday (Limit ${EVENT_LIMIT}), transaction_id ${expected[0].transaction_id}..${expected[shown - 1].transaction_id}; every event says period ${columns.period_start_local}..${columns.period_end_local} (${columns.time_zone})`);
	const requests = eventRequests(sandbox, mark);
	assert.deepEqual(requests[0], { site: SITE_ID, from: columns.period_start, to: columns.period_end });
	note(`the sandbox verified ${describeRequests(sandbox.requests.slice(mark))}`);
	await settleToasts(page);
	await shot('events-yesterday');
	await ndv.locator(tid('ndv-close-button')).click();
	await ndv.waitFor({ state: 'hidden' });
}

/** Adds a ChargePilot node from the node panel by its action's name; returns the node details view. */
async function addAction(page, action) {
	await page.locator(tid('node-creator-plus-button')).click();
	const creator = page.locator(tid('node-creator'));
	await creator.locator(tid('node-creator-search-bar')).fill('ChargePilot');
	const entry = (label) => creator.locator(tid('node-creator-item-name')).filter({ hasText: new RegExp(`^${label}$`) });
	await entry('ChargePilot').click();
	await unfold(creator.locator(tid('node-creator-category-item')).filter({ hasText: /^Actions/ }), entry(action));
	await entry(action).click();
	const ndv = page.locator(tid('ndv'));
	await ndv.waitFor({ state: 'visible' });
	await expectText(ndv.locator(tid('node-title-container')), action, { what: 'node title' });
	return ndv;
}

/** The sites in the order Summarize puts its groups: by ID, UTF-16 code units. */
const byId = (sites) => [...sites].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

async function summarizeLastMonth(ctx) {
	const { page, sandbox, note, shot } = ctx;
	// Selected, the manual trigger becomes the new node's input: one empty item, so one summary.
	await page.locator(tid('canvas-node')).filter({ hasText: 'When clicking' }).first().click({ position: { x: 12, y: 12 } });
	const ndv = await addAction(page, 'Summarize charging events');
	const value = async (name) => await ndv.locator(`${tid(`parameter-input-${name}`)} input`).first().inputValue();
	assert.equal(await value('resource'), 'Charging Event');
	assert.equal(await value('operation'), 'Summarize');
	const groupBy = ndv.locator(tid('parameter-input-groupBy'));
	assert.deepEqual(await visibleTexts(groupBy.locator('.el-tag')), ['Site'], 'Group By by default');
	note(`node panel "ChargePilot" > "Summarize charging events": Resource "${await value('resource')}", Operation "${await value('operation')}", Sites "${await value('siteScope')}", Period "${await value('period')}", Group By "Site"`);
	await pickOption(page, ndv.locator(tid('parameter-input-siteScope')), 'All Sites');
	await expectCount(ndv.locator(tid('resource-locator-siteId')), 0, { what: 'the Site field with Sites "All Sites"' });
	await pickOption(page, ndv.locator(tid('parameter-input-period')), 'Last Month');
	await expectCount(ndv.locator(`${tid('parameter-input-from')}, ${tid('parameter-input-to')}`), 0, { what: 'From and To fields with Period "Last Month"' });
	await pickOption(page, ndv.locator(tid('collection-parameter-add')), 'Include Totals');
	const totalsSwitch = ndv.locator(`${tid('parameter-input-includeTotals')} .el-switch`);
	await totalsSwitch.click();
	await expectCount(ndv.locator(`${tid('parameter-input-includeTotals')} .el-switch.is-checked`), 1, { what: 'Include Totals switched on' });
	assert.equal(await value('siteScope'), 'All Sites');
	assert.equal(await value('period'), 'Last Month');
	note('Sites "All Sites" (the Site field goes), Period "Last Month" (no From/To), Options > Include Totals on');

	const mark = sandbox.requests.length;
	const before = Date.now();
	await ndv.locator(tid('node-execute-button')).click();
	const sites = byId(sandbox.sites);
	const countText = await expectText(ndv.locator(`${tid('output-panel')} ${tid('ndv-items-count')}`), new RegExp(`^${sites.length + 1} items$`), { what: 'output item count', timeout: RESULT_TIMEOUT });
	const after = Date.now();
	const table = await readOutputTable(ndv);
	const rows = table.rows.map((row) => Object.fromEntries(table.headers.map((header, index) => [header, row[index]])));
	assert.deepEqual(rows.map((row) => row.site_id), [...sites.map((site) => site.id), 'null'], 'site_id by row');
	const total = { sessions: 0, wh: 0, seconds: 0 };
	const lines = [];
	sites.forEach((site, index) => {
		const row = rows[index];
		const window = windowAround(before, after, site.timezone, 'lastMonth', row.period_start);
		const events = sessionsIn(sandbox, site.id, window);
		assert.ok(events.length > 0, `the sandbox has no session of ${site.id} last month`);
		const expected = sums(events);
		const shown = { site_name: row.site_name, sessions: row.sessions, energy_kwh: row.energy_kwh, duration_hours: row.duration_hours, period_start: row.period_start, period_end: row.period_end, period_start_local: row.period_start_local, time_zone: row.time_zone, complete: row.complete };
		const wanted = { site_name: site.name, sessions: String(expected.sessions), energy_kwh: String(expected.energy_kwh), duration_hours: String(expected.duration_hours), period_start: isoUtc(window.from), period_end: isoUtc(window.to), period_start_local: localIso(window.from, site.timezone), time_zone: site.timezone, complete: 'true' };
		assert.deepEqual(shown, wanted, `row of ${site.id}`);
		total.sessions += expected.sessions;
		total.wh += events.reduce((sum, event) => sum + event.energy_wh, 0);
		total.seconds += events.reduce((sum, event) => sum + event.duration, 0);
		lines.push(`${site.id} ${row.sessions} sessions ${row.energy_kwh} kWh ${row.duration_hours} h (${row.period_start_local.slice(0, 10)}..${row.period_end_local ?? ''} ${site.timezone})`.replace(/\.\.(\d{4}-\d\d-\d\d)\S*/, '..$1'));
	});
	const totals = rows[sites.length];
	const wantedTotals = { sessions: String(total.sessions), energy_kwh: String(total.wh / 1000), duration_hours: String(Math.round((total.seconds * 1000) / 3600) / 1000), groups: String(sites.length), totals: 'true' };
	assert.deepEqual({ sessions: totals.sessions, energy_kwh: totals.energy_kwh, duration_hours: totals.duration_hours, groups: totals.groups, totals: totals.totals }, wantedTotals, 'the totals row');
	note(`Execute step: "${countText}", one per site as the sandbox has them for each site's own last month:\n${lines.join('\n')}\ntotals: ${totals.sessions} sessions, ${totals.energy_kwh} kWh, ${totals.duration_hours} h, groups ${totals.groups}`);

	const requests = eventRequests(sandbox, mark);
	assert.ok(sandbox.requests.slice(mark).some((r) => r.target === '/rest/v1/sites' && r.status === 200), 'Summarize did not list the sites');
	const firstPages = requests.filter((r, index) => requests.findIndex((other) => other.site === r.site) === index);
	assert.deepEqual(
		firstPages.map((r) => `${r.site} ${r.from}..${r.to}`).sort(),
		rows.slice(0, sites.length).map((row) => `${row.site_id} ${row.period_start}..${row.period_end}`).sort(),
	);
	note(`the sandbox verified GET /sites and ${requests.length} charging-event request(s), each site's with its own window`);
	ctx.summary = { ndv, sites, mark };
	await settleToasts(page);
	await widenOutput(page, ndv);
	await shot('summary-output');
}

/** Drags the parameters panel to the left, so the output table shows more of its columns. */
async function widenOutput(page, ndv) {
	const handle = ndv.locator(tid('panel-drag-button'));
	const box = await handle.boundingBox();
	assert.ok(box, 'no panel drag handle in the node view');
	const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
	await page.mouse.move(x, y);
	await page.mouse.down();
	for (let step = 1; step <= 10; step++) await page.mouse.move(x - (step * (x - 240)) / 10, y);
	await page.mouse.up();
	// Off the node's title (hovered, it shows an edit frame).
	const table = await ndv.locator(`${tid('output-panel')} table`).first().boundingBox();
	await page.mouse.move(table.x + table.width / 2, table.y + table.height + 100);
}

async function summarizeByDay(ctx) {
	const { page, sandbox, note, shot } = ctx;
	const { ndv, sites } = ctx.summary;
	const groupBy = ndv.locator(tid('parameter-input-groupBy'));
	await groupBy.locator('.el-select__wrapper, .el-select__tags, .el-input').first().click();
	const options = page.locator('.el-select-dropdown__item:visible');
	await expectCount(options, 7, { what: 'Group By options' });
	const offered = await visibleTexts(options.locator('.option-headline'));
	assert.deepEqual(offered, ['Site', 'Day', 'Week', 'Month', 'Charger', 'Connector', 'ID Tag']);
	await options.filter({ has: page.locator('.option-headline', { hasText: /^Day$/ }) }).click();
	await page.keyboard.press('Tab');
	await expectCount(options, 0, { what: 'Group By options after Tab' });
	assert.deepEqual(await visibleTexts(groupBy.locator('.el-tag')), ['Site', 'Day']);
	note(`Group By offers ${offered.join(', ')}; now "Site" and "Day"`);

	// The groups the sandbox's sessions make: each site's local days of its last month, with sessions.
	const groupsAt = (now) =>
		sites.flatMap((site) => {
			const days = new Map();
			for (const event of sessionsIn(sandbox, site.id, windows(now, site.timezone).lastMonth)) {
				const day = localDay(Date.parse(event.start_time), site.timezone);
				days.set(day, [...(days.get(day) ?? []), event]);
			}
			return [...days.keys()].sort().map((day) => ({ site_id: site.id, day, ...sums(days.get(day)) }));
		});
	const before = Date.now();
	// A run that ends after midnight of a month's first day may use the next month's windows.
	const candidates = [groupsAt(before), groupsAt(before + RESULT_TIMEOUT)];
	const mark = sandbox.requests.length;
	await ndv.locator(tid('node-execute-button')).click();
	const countText = await expectText(ndv.locator(`${tid('output-panel')} ${tid('ndv-items-count')}`), new RegExp(`^(${candidates.map((groups) => groups.length + 1).join('|')}) items$`), { what: 'output item count', timeout: RESULT_TIMEOUT });
	assert.ok(sandbox.requests.length > mark, 'no request reached the sandbox');
	const table = await readOutputTable(ndv);
	const rows = table.rows.map((row) => Object.fromEntries(table.headers.map((header, index) => [header, row[index]])));
	const shown = rows.map((row) => ({ site_id: row.site_id, day: row.day, sessions: row.sessions, energy_kwh: row.energy_kwh, duration_hours: row.duration_hours }));
	const asShown = (groups) => groups.slice(0, rows.length).map((group) => ({ site_id: group.site_id, day: group.day, sessions: String(group.sessions), energy_kwh: String(group.energy_kwh), duration_hours: String(group.duration_hours) }));
	const groups = candidates.find((list) => `${list.length + 1} items` === countText);
	assert.ok(rows.length >= 5 && rows.length < groups.length, `the table shows ${rows.length} rows`);
	assert.deepEqual(shown, asShown(groups));
	const daysPerSite = sites.map((site) => `${site.id} ${groups.filter((g) => g.site_id === site.id).length}`).join(', ');
	note(`Execute step: "${countText}" = ${groups.length} (site, local day) groups with sessions + totals (days per site: ${daysPerSite}); the table's first page (${rows.length} rows) matches the sandbox's: ${shown[0].site_id} ${shown[0].day} ${shown[0].sessions} sessions ... ${shown[rows.length - 1].day} ${shown[rows.length - 1].sessions}`);
	await settleToasts(page);
	await shot('summary-by-day');
}

module.exports = { getManyYesterday, summarizeLastMonth, summarizeByDay };
