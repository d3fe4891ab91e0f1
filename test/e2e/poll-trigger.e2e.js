#!/usr/bin/env node
'use strict';

/**
 * ChargePilot Trigger (polling) end to end: an activated workflow in a real `n8n start` polls the
 * sandbox every few seconds. New sessions, sessions sharing a timestamp, a late-recorded session
 * and sessions added while n8n restarts must each start exactly one emission, none twice, none lost.
 * Prints one line per check and closes with "N passed, N failed".
 */

const assert = require('node:assert/strict');

const { runSuite } = require('./runner');

const SITE = 'site-berlin-depot';
const CREDENTIAL = { id: 'CpPollE2eCred001', name: 'ChargePilot Sandbox' };
const WORKFLOW = 'CpPollE2eFlow001';
const TRIGGER = 'ChargePilot Trigger';
const MINUTE = 60_000;
/** Whole run per line, n8n's first start and one restart included. */
const MAX_MS = 14 * MINUTE;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function pollWorkflow() {
	return {
		id: WORKFLOW,
		name: 'ChargePilot poll e2e',
		active: false,
		nodes: [
			{
				id: 'poll-trigger',
				name: TRIGGER,
				type: 'n8n-nodes-chargepilot.chargePilotTrigger',
				typeVersion: 1,
				position: [0, 0],
				// Every minute: n8n refuses shorter polling intervals.
				parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, siteScope: 'one', siteId: { __rl: true, mode: 'id', value: SITE }, options: {} },
				credentials: { chargePilotApi: CREDENTIAL },
			},
			{ id: 'sessions', name: 'Sessions', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [300, 0], parameters: {} },
		],
		connections: { [TRIGGER]: { main: [[{ node: 'Sessions', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** Transaction IDs emitted by every execution so far, oldest execution first. */
async function emittedIds(n8n) {
	let res;
	// n8n 1.x reports ready a moment before it mounts the public API: retry while it 404s.
	for (const until = Date.now() + 60_000; ; await sleep(500)) {
		res = await n8n.api('GET', `/executions?workflowId=${WORKFLOW}&includeData=true&limit=250`);
		if (res.status !== 404 || Date.now() > until) break;
	}
	assert.equal(res.status, 200, `executions: HTTP ${res.status} ${res.text.slice(0, 300)}`);
	const executions = [...res.json.data].sort((a, b) => Number(a.id) - Number(b.id));
	const failedRuns = executions.filter((execution) => execution.status !== 'success');
	const ids = executions.flatMap((execution) =>
		(execution.data?.resultData?.runData?.[TRIGGER]?.[0]?.data?.main?.[0] ?? []).map((item) => item.json.transaction_id),
	);
	return { ids, executions: executions.length, failedRuns };
}

/** Waits until `expected` IDs have all been emitted (or two and a half poll intervals pass). */
async function waitFor(n8n, expected) {
	const until = Date.now() + 150_000;
	for (;;) {
		const state = await emittedIds(n8n);
		if (expected.every((id) => state.ids.includes(id)) || Date.now() > until) return state;
		await sleep(1000);
	}
}

/** Waits until the trigger polls the sandbox once more (a request for charging events), then a second; fails after `maxMs`. */
async function nextPoll(sandbox, maxMs) {
	const polls = () => sandbox.requests.filter((request) => request.target.includes('/charging-events/')).length;
	const before = polls();
	for (const until = Date.now() + maxMs; polls() <= before; await sleep(500)) {
		if (Date.now() > until) throw new Error(`the trigger did not poll within ${maxMs / 1000} s`);
	}
	await sleep(1000);
}

async function pollLine({ instance, sandbox, check, startN8n, signIn }) {
	const add = (starts) => sandbox.addEvents(SITE, starts.map((start) => ({ start_time: start, duration: 900 }))).map((event) => event.transaction_id);
	const ago = (ms) => new Date(Date.now() - ms);
	const expected = [];

	add([ago(10 * MINUTE)]); // there before activation: must not be emitted
	const data = { region: 'custom', baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, apiSecret: sandbox.apiSecret, signedPath: 'full' };
	await instance.importCredentials([{ ...CREDENTIAL, type: 'chargePilotApi', data }]);
	await instance.importWorkflow(pollWorkflow());
	const server = await startN8n();
	const n8n = await signIn(server);

	await check('the polling workflow activates through the public API', async () => {
		const res = await n8n.api('POST', `/workflows/${WORKFLOW}/activate`);
		assert.equal(res.status, 200, `HTTP ${res.status} ${res.text.slice(0, 500)}`);
	});

	// Let the first poll (which records the starting point) happen, then add sessions.
	await nextPoll(sandbox, 90_000);

	const batch1 = add([ago(3 * MINUTE), ago(2 * MINUTE)]);
	const sameSecond = new Date(Math.floor(Date.now() / 1000) * 1000 - MINUTE);
	const ties = add([sameSecond, sameSecond, sameSecond]);
	const late = add([ago(6 * 60 * MINUTE)]); // recorded now, started six hours ago
	expected.push(...batch1, ...ties, ...late);
	let state = await waitFor(n8n, expected);
	await check('new sessions, sessions sharing a timestamp and a late-recorded one (started 6 h ago) are each emitted once', () => {
		assert.deepEqual([...state.ids].sort(), [...expected].sort());
		assert.equal(state.ids.length, expected.length);
	});

	// Restart n8n on the same port (the client and its API key stay valid); sessions complete while it is down.
	await server.proc.stop();
	const whileDown = add([ago(30 * 1000)]);
	expected.push(...whileDown);
	await startN8n({ port: server.port });
	const afterRestart = add([ago(10 * 1000)]);
	expected.push(...afterRestart);
	state = await waitFor(n8n, expected);
	await nextPoll(sandbox, 150_000); // one more poll: nothing may be emitted twice
	await sleep(10_000); // its execution, if it emitted anything, stored
	state = await emittedIds(n8n);
	await check('after a restart: sessions from the downtime and after it are emitted, nothing twice', () => {
		assert.deepEqual([...state.ids].sort(), [...expected].sort());
		assert.equal(new Set(state.ids).size, state.ids.length);
	});
	await check('every poll execution succeeded and the sandbox verified every signature', () => {
		assert.deepEqual(state.failedRuns.map((execution) => execution.status), []);
		assert.ok(sandbox.requests.length > 3);
		assert.ok(sandbox.requests.every((request) => request.auth.ok));
	});
}

runSuite({ name: 'poll-trigger e2e', sandbox: { eventCount: 500 }, maxMsPerLine: MAX_MS, line: pollLine });
