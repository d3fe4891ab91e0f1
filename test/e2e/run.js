#!/usr/bin/env node
'use strict';

/**
 * End-to-end suite: the packed package inside a real n8n (2.x on Node 24 and 1.x on Node 20),
 * installed as a community package, run headless against the sandbox, which verifies every
 * signature: one workflow with a branch per API scenario. The example workflows in examples/ are
 * run by test/e2e/examples.e2e.js. Prints one line per check and closes with "N passed, N failed".
 */

const assert = require('node:assert/strict');

const { nodeResult } = require('../../dev/n8n');
const { runSuite } = require('./runner');

const NODE = 'n8n-nodes-chargepilot.chargePilot';
const SITE = 'site-berlin-depot';
const GOOD = { id: 'CpE2eCredGood001', name: 'ChargePilot Sandbox' };
const WRONG = { id: 'CpE2eCredWrong01', name: 'ChargePilot wrong secret' };

function chargePilot(name, y, parameters, credential = GOOD, extra = {}) {
	return {
		id: `node-${name.replace(/\W+/g, '-').toLowerCase()}`,
		name,
		type: NODE,
		typeVersion: 1,
		position: [400, y],
		parameters,
		credentials: { chargePilotApi: credential },
		...extra,
	};
}

/** One workflow, one branch per scenario, all started by the same manual trigger. */
function scenarioWorkflow(sandbox) {
	const nodes = [
		{ id: 'trigger', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		chargePilot('Ping', 0, { resource: 'api', operation: 'ping' }),
		chargePilot('Custom GET', 100, {
			resource: 'api',
			operation: 'customRequest',
			method: 'GET',
			path: '/echo/sites',
			sendQuery: true,
			queryParameters: { parameters: [{ name: 'from', value: '2026-01-01T00:00:00Z' }, { name: 'q', value: 'Müller & Co +1' }] },
		}),
		chargePilot('Custom POST', 200, {
			resource: 'api',
			operation: 'customRequest',
			method: 'POST',
			path: '/echo/orders',
			body: '{"name": "Müller-Flotte ⚡", "nested": {"ids": [1, 2, 3]}, "cjk": "充電"}',
		}),
		chargePilot('Sites', 300, { resource: 'site', operation: 'getAll', returnAll: true }),
		chargePilot('Site', 400, { resource: 'site', operation: 'get', siteId: { __rl: true, mode: 'list', value: SITE }, simplify: false }),
		chargePilot('Events All', 500, {
			resource: 'chargingEvent',
			operation: 'getAll',
			siteId: { __rl: true, mode: 'id', value: SITE },
			from: '2026-01-01T00:00:00Z',
			to: '2026-12-31T00:00:00Z',
			returnAll: true,
		}),
		chargePilot('Events Limit', 600, {
			resource: 'chargingEvent',
			operation: 'getAll',
			siteId: { __rl: true, mode: 'id', value: SITE },
			from: '2026-01-01T00:00:00Z',
			to: '2026-12-31T00:00:00Z',
			returnAll: false,
			limit: 5,
			options: { sortField: 'start_time', sortOrder: 'desc' },
		}),
		chargePilot('Wrong Secret', 700, { resource: 'site', operation: 'getAll', returnAll: true }, WRONG, { onError: 'continueRegularOutput' }),
		{
			id: 'http-request',
			name: 'HTTP Request',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: [400, 800],
			parameters: {
				method: 'GET',
				url: `${sandbox.baseUrl}/echo/via-http-node`,
				authentication: 'predefinedCredentialType',
				nodeCredentialType: 'chargePilotApi',
				sendQuery: true,
				queryParameters: { parameters: [{ name: 'to', value: '2026-02-01T00:00:00Z' }, { name: 'who', value: 'Jürgen & Co' }] },
				options: {},
			},
			credentials: { chargePilotApi: GOOD },
		},
	];
	const main = nodes.slice(1).map((node) => ({ node: node.name, type: 'main', index: 0 }));
	return {
		id: 'CpE2eScenarios01',
		name: 'ChargePilot e2e scenarios',
		active: false,
		nodes,
		connections: { Start: { main: [main] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

function credentials(sandbox) {
	const data = { region: 'custom', baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, apiSecret: sandbox.apiSecret, signedPath: 'full' };
	return [
		{ ...GOOD, type: 'chargePilotApi', data },
		{ ...WRONG, type: 'chargePilotApi', data: { ...data, apiSecret: 'not-the-secret' } },
	];
}

async function scenarioChecks(check, sandbox, run) {
	const events = sandbox.getEvents(SITE);
	await check('workflow finished', () => assert.equal(run.status, 'success'));
	await check('Ping: API answer and latency', () => {
		const { items, error } = nodeResult(run, 'Ping');
		assert.equal(error, undefined);
		assert.equal(items[0].result, 'ChargePilot Rest API is available');
		assert.equal(typeof items[0].latencyMs, 'number');
	});
	await check('Custom GET with a query: signed and received as meant', () => {
		const { items, error } = nodeResult(run, 'Custom GET');
		assert.equal(error, undefined);
		assert.deepEqual(items[0].query, { from: '2026-01-01T00:00:00Z', q: 'Müller & Co +1' });
	});
	await check('Custom POST with a unicode JSON body: exact bytes', () => {
		const { items, error } = nodeResult(run, 'Custom POST');
		assert.equal(error, undefined);
		assert.deepEqual(items[0].body, { name: 'Müller-Flotte ⚡', nested: { ids: [1, 2, 3] }, cjk: '充電' });
		const received = sandbox.requests.find((request) => request.target === '/rest/v1/echo/orders');
		assert.equal(received.bodyText, '{"name":"Müller-Flotte ⚡","nested":{"ids":[1,2,3]},"cjk":"充電"}');
	});
	await check('Site → Get Many: every site, simplified', () => {
		const { items } = nodeResult(run, 'Sites');
		assert.deepEqual(items.map((site) => site.id), sandbox.sites.map((site) => site.id));
		assert.equal(typeof items[0].chargingPointCount, 'number');
	});
	await check('Site → Get: the raw site with its fuse tree', () => {
		const { items } = nodeResult(run, 'Site');
		assert.deepEqual(items[0], sandbox.sites.find((site) => site.id === SITE));
	});
	await check(`Charging Event → Get Many, Return All: ${events.length} events across pages, once each, in order`, () => {
		const { items, error } = nodeResult(run, 'Events All');
		assert.equal(error, undefined);
		assert.deepEqual(items.map((event) => event.transaction_id), events.map((event) => event.transaction_id));
		const pages = sandbox.requests.filter((request) => request.target.startsWith(`/rest/v1/charging-events/site/${SITE}?`) && request.target.includes('2026-12-31'));
		assert.ok(pages.length >= 3, `expected several pages, saw ${pages.length}`);
	});
	await check('Charging Event → Get Many, Limit 5 sorted descending', () => {
		const { items } = nodeResult(run, 'Events Limit');
		assert.equal(items.length, 5);
		const starts = items.map((event) => Date.parse(event.start_time));
		assert.deepEqual(starts, [...starts].sort((a, b) => b - a));
	});
	await check('wrong secret: 401 with the helpful message (variant and how to switch)', () => {
		const { items } = nodeResult(run, 'Wrong Secret');
		assert.match(items[0].error, /ChargePilot answered 401/);
		assert.match(items[0].error, /signature/i);
		assert.match(items[0].description, /signed with the Full Path \(\/rest\/v1\/sites\?…\) form/);
		assert.match(items[0].description, /set Signed Path to "Auto" \(it tries both forms\), or to "Relative Path"/);
	});
	await check("n8n's HTTP Request node with the ChargePilot credential (legacy uri path)", () => {
		const { items, error } = nodeResult(run, 'HTTP Request');
		assert.equal(error, undefined);
		assert.equal(items[0].path, '/rest/v1/echo/via-http-node');
		assert.deepEqual(items[0].query, { to: '2026-02-01T00:00:00Z', who: 'Jürgen & Co' });
	});
	await check('sandbox verified every signature (only the wrong secret was rejected)', () => {
		const rejected = sandbox.requests.filter((request) => !request.auth.ok);
		assert.ok(sandbox.requests.length > 10);
		assert.ok(rejected.length >= 1);
		for (const request of rejected) assert.equal(request.status, 401);
		assert.ok(rejected.every((request) => request.target === '/rest/v1/sites'), JSON.stringify(rejected.map((r) => r.target)));
	});
}

runSuite({
	name: 'e2e',
	sandbox: { signedPath: 'full', eventCount: 2500 },
	async line({ instance, sandbox, check }) {
		const imported = await instance.importCredentials(credentials(sandbox));
		console.log(`  import:credentials ${imported.ms} ms`);
		const workflow = scenarioWorkflow(sandbox);
		await instance.importWorkflow(workflow);
		const { run, ms, exitCode } = await instance.execute(workflow.id);
		console.log(`  execute ${ms} ms (exit ${exitCode})`);
		await check(`n8n ${instance.version} loaded the community package (no "Unrecognized node type")`, () => assert.ok(run.data.resultData.runData.Ping));
		await scenarioChecks(check, sandbox, run);

		console.log('  examples/*.json: run by test/e2e/examples.e2e.js (a sandbox whose sessions reach up to now)');
	},
});
