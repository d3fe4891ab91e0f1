'use strict';

/**
 * What the suite asks each ChargePilot tool of the example, and what the answer and the sandbox's
 * requests must then be, per operation (`resource.operation`): `args`, `verify`, `isRequestOf` and,
 * where the tool needs data the sandbox lacks, `prepare` (run once before the first call). A tool
 * the example gains needs an entry here: the suite fails for a tool it cannot call.
 */

const assert = require('node:assert/strict');

const { presetWindow, sessionsIn, totals } = require('../local-windows');

/** The window asked for (the sandbox's fixed sessions run from 2026-01-01 to 2026-07-01). */
const WEEK = 7 * 86_400_000;
const WINDOW = { from: '2026-03-02T00:00:00Z', to: '2026-03-09T00:00:00Z' };
/** ISO 8601 in UTC without milliseconds, as a model would write it. */
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
/** The Limit of Charging Event → Get Many in tool use (TOOL_EVENT_LIMIT in nodes/ChargePilot/actions/chargingEvent/getAll.operation.ts). */
const TOOL_EVENT_LIMIT = 20;

/** The sandbox's sessions of a site in a window (from <= start_time < to), newest first, at most `limit`. */
function expectedSessions(sandbox, siteId, { from, to }, limit = TOOL_EVENT_LIMIT) {
	const [fromMs, toMs] = [Date.parse(from), Date.parse(to)];
	return sandbox
		.getEvents(siteId)
		.filter((event) => Date.parse(event.start_time) >= fromMs && Date.parse(event.start_time) < toMs)
		.sort((a, b) => Date.parse(b.start_time) - Date.parse(a.start_time) || b.transaction_id - a.transaction_id)
		.slice(0, limit);
}

/**
 * Sessions up to now for the Summarize tool, whose periods (Last Month, ...) are relative to now
 * while the sandbox's fixed history ends on 2026-07-01: per site one session every 5 to 8 hours
 * (its own pace) over the last 75 days, up to 2 hours ago. Added once per sandbox, after the fixed
 * history, so the Get Many windows (WINDOW) keep their sessions.
 */
const SEEDED = new WeakSet();
function seedRecentSessions(sandbox) {
	if (SEEDED.has(sandbox)) return;
	SEEDED.add(sandbox);
	const now = Date.now();
	sandbox.sites.forEach((site, k) => {
		const every = (5 + k * 0.75) * 3_600_000;
		const starts = [];
		for (let start = now - 75 * 86_400_000 + k * 1_234_567; start < now - 2 * 3_600_000 - 3 * 3_600_000; start += every) starts.push(start);
		sandbox.addEvents(site.id, starts.map((start) => ({ start_time: new Date(start) })));
	});
}

/** The one request a call must have sent: verified by the sandbox, answered `status`, to a target matching `target`. */
function oneVerifiedRequest(requests, target, status = 200) {
	assert.equal(requests.length, 1, `the sandbox got ${requests.length} requests: ${requests.map((r) => `${r.method} ${r.target} ${r.status}`).join('; ')}`);
	const [request] = requests;
	assert.equal(request.auth.ok, true, `signature not verified: ${request.auth.reason}`);
	assert.equal(request.method, 'GET');
	assert.match(request.target, target);
	assert.equal(request.status, status, `${request.target} answered ${request.status}`);
	return request;
}

const OPERATIONS = {
	'site.getAll': {
		/** The arguments of a call (sites has none: {}). */
		args: () => ({}),
		/** Whether a sandbox request is this call's (for calls in flight together). */
		isRequestOf: (request) => /^\/rest\/v1\/sites(\?|$)/.test(request.target),
		verify(items, sandbox, _args, requests) {
			oneVerifiedRequest(requests, /^\/rest\/v1\/sites(\?|$)/);
			assert.ok(Array.isArray(items), `not a JSON array of items: ${JSON.stringify(items).slice(0, 200)}`);
			assert.deepEqual(
				items.map((site) => [site.id, site.name, site.timezone]),
				sandbox.sites.map((site) => [site.id, site.name, site.timezone]),
			);
			return `${items.length} sites`;
		},
	},
	'chargingEvent.getAll': {
		/** Call k: site k (in turn), the week of WINDOW.from shifted by a week for each round of sites. */
		args(sandbox, k = 0) {
			const from = Date.parse(WINDOW.from) + Math.floor(k / sandbox.sites.length) * WEEK;
			return { siteId: sandbox.sites[k % sandbox.sites.length].id, from: iso(from), to: iso(from + WEEK) };
		},
		isRequestOf(request, args) {
			const url = new URL(request.target, 'http://x');
			return url.pathname === `/rest/v1/charging-events/site/${args.siteId}` && url.searchParams.get('from') === args.from;
		},
		verify(items, sandbox, args, requests) {
			const request = oneVerifiedRequest(requests, new RegExp(`^/rest/v1/charging-events/site/${args.siteId}\\?`));
			const query = new URL(request.target, 'http://x').searchParams;
			assert.deepEqual([query.get('from'), query.get('to')], [args.from, args.to], 'the window sent');
			const wanted = expectedSessions(sandbox, args.siteId, args);
			assert.ok(wanted.length > 0, `the sandbox has no sessions of ${args.siteId} in ${args.from}..${args.to}: choose another window`);
			assert.ok(Array.isArray(items), `not a JSON array of items: ${JSON.stringify(items).slice(0, 200)}`);
			// The newest sessions of the window, newest first (sessions that start at the same second
			// may come in either order, and either may be the last one taken).
			const known = new Map(sandbox.getEvents(args.siteId).map((event) => [event.transaction_id, event]));
			for (const item of items) {
				const event = known.get(item.transaction_id);
				assert.ok(event, `session ${item.transaction_id} is not one of ${args.siteId}'s`);
				assert.equal(item.start_time, event.start_time, `session ${item.transaction_id}: start_time`);
			}
			assert.equal(new Set(items.map((item) => item.transaction_id)).size, items.length, 'a session twice');
			assert.deepEqual(
				items.map((item) => item.start_time),
				wanted.map((event) => event.start_time),
				`the start times of the newest sessions of ${args.siteId} in ${args.from}..${args.to}, newest first`,
			);
			return `${items.length} sessions of ${args.siteId}`;
		},
	},
	'chargingEvent.summarize': {
		/** Sessions up to now (the periods are relative to now): see seedRecentSessions. */
		prepare: seedRecentSessions,
		/** Last month per site (with the totals item the example asks for). */
		args: () => ({ period: 'lastMonth', groupBy: 'site' }),
		isRequestOf: (request) => /^\/rest\/v1\/(sites(\?|$)|charging-events\/site\/)/.test(request.target),
		/**
		 * GET /sites, then each site's sessions in its own last month; per site the sessions, kWh and
		 * hours this suite sums from the sandbox for windows it computes itself (local-windows.js) for
		 * the moment the call reached the sandbox (or 5 s before, should a month have ended between).
		 */
		verify(items, sandbox, args, requests) {
			for (const request of requests) {
				assert.equal(request.auth.ok, true, `${request.target}: signature not verified: ${request.auth.reason}`);
				assert.equal(request.method, 'GET');
				assert.equal(request.status, 200, `${request.target} answered ${request.status}`);
			}
			assert.equal(requests.filter((request) => /^\/rest\/v1\/sites(\?|$)/.test(request.target)).length, 1, `the site list read once: ${requests.map((r) => r.target).join('; ')}`);
			assert.ok(Array.isArray(items), `not a JSON array of items: ${JSON.stringify(items).slice(0, 200)}`);
			const groups = items.filter((item) => item.totals !== true);
			const at = (now) => Object.fromEntries(sandbox.sites.map((site) => [site.id, presetWindow(args.period, now, site.timezone)]));
			const reached = Math.min(...requests.map((request) => request.receivedAt));
			const candidates = [at(reached), at(reached - 5000)];
			const windows = candidates.find((ws) => groups.every((item) => Date.parse(item.period_start) === ws[item.site_id]?.from)) ?? candidates[0];
			for (const site of sandbox.sites) {
				const asked = requests.filter((request) => request.target.startsWith(`/rest/v1/charging-events/site/${site.id}?`)).map((request) => new URL(request.target, 'http://x').searchParams);
				assert.ok(asked.length >= 1, `no request for ${site.id}`);
				for (const query of asked) assert.deepEqual([Date.parse(query.get('from')), Date.parse(query.get('to'))], [windows[site.id].from, windows[site.id].to], `${site.id}: the window sent (${query.get('from')}..${query.get('to')})`);
			}
			const perSite = sandbox.sites.map((site) => ({ site, events: sessionsIn(sandbox, site.id, windows[site.id]) })).filter((entry) => entry.events.length);
			assert.ok(perSite.length >= 2, `sessions in ${args.period} at ${perSite.length} sites: seedRecentSessions did not run?`);
			assert.deepEqual(groups.map((item) => item.site_id), perSite.map((entry) => entry.site.id).sort(), 'one item per site with sessions, in the order of the site IDs');
			const check = (item, events, what) => {
				const sum = totals(events);
				assert.equal(item.sessions, sum.sessions, `${what}: sessions`);
				assert.equal(Math.round(item.energy_kwh * 1000), sum.wh, `${what}: energy_kwh ${item.energy_kwh}, expected ${sum.wh} Wh`);
				assert.ok(Math.abs(item.duration_hours - sum.seconds / 3600) <= 0.0005 + 1e-9, `${what}: duration_hours ${item.duration_hours}, expected ${sum.seconds / 3600}`);
				assert.equal(item.complete, true, `${what}: complete`);
			};
			for (const { site, events } of perSite) {
				const item = groups.find((group) => group.site_id === site.id);
				check(item, events, site.id);
				assert.equal(Date.parse(item.period_start), windows[site.id].from, `${site.id}: period_start ${item.period_start}`);
				assert.equal(Date.parse(item.period_end), windows[site.id].to, `${site.id}: period_end ${item.period_end}`);
				assert.equal(item.time_zone, site.timezone, `${site.id}: time_zone`);
			}
			const total = items.at(-1);
			assert.equal(total.totals, true, 'the last item is the totals');
			check(total, perSite.flatMap((entry) => entry.events), 'totals');
			const busiest = groups.reduce((a, b) => (b.sessions > a.sessions ? b : a));
			return `${groups.length} sites and the totals, ${total.sessions} sessions, ${total.energy_kwh} kWh; the busiest site (${busiest.site_id}, ${busiest.sessions} sessions) in ${JSON.stringify(busiest).length} characters, the totals in ${JSON.stringify(total).length}`;
		},
	},
};

/** The call spec of a tool (see expectedTools()); throws for an operation the suite does not know. */
function operationOf(tool) {
	const found = OPERATIONS[`${tool.resource}.${tool.operation}`];
	if (!found) throw new Error(`the example's tool ${tool.name} (${tool.resource} → ${tool.operation}) has no entry in test/e2e/mcp/calls.js: say what to ask it and what it must answer`);
	return found;
}

module.exports = { WINDOW, TOOL_EVENT_LIMIT, OPERATIONS, operationOf, expectedSessions, oneVerifiedRequest, seedRecentSessions };
