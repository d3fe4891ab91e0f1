'use strict';

/**
 * What the suite asks each ChargePilot tool of the example, and what the answer and the sandbox's
 * requests must then be, per operation (`resource.operation`). A tool the example gains (the
 * Summarize operation) needs an entry here: the suite fails for a tool it cannot call.
 */

const assert = require('node:assert/strict');

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
};

/** The call spec of a tool (see expectedTools()); throws for an operation the suite does not know. */
function operationOf(tool) {
	const found = OPERATIONS[`${tool.resource}.${tool.operation}`];
	if (!found) throw new Error(`the example's tool ${tool.name} (${tool.resource} → ${tool.operation}) has no entry in test/e2e/mcp/calls.js: say what to ask it and what it must answer`);
	return found;
}

module.exports = { WINDOW, TOOL_EVENT_LIMIT, OPERATIONS, operationOf, expectedSessions, oneVerifiedRequest };
