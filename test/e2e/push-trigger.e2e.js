#!/usr/bin/env node
'use strict';

/**
 * End to end: the ChargePilot Push Trigger in a real n8n 2.41.1 server (`n8n start`), installed from
 * the packed package as a community package. Imports a Push API credential and two workflows, sets
 * up the owner, creates a public-API key, activates the workflows through the public API, then
 * POSTs pushes to http://127.0.0.1:<port>/webhook/<path> as ChargePilot would (and as it should
 * not) and checks the answers and the executions n8n stored: one per accepted push, one item per
 * session, none for refused requests. Loopback only; n8n is stopped by its PID at the end.
 * Prints one line per check and closes with "N passed, N failed".
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');

const { startSandbox } = require('../../dev/sandbox');
const { toPushSession } = require('../../dev/sandbox/push');
const PUSH_SESSION = require('../fixtures/push-session.json');
const { runSuite } = require('./runner');

const NODE_FILE = 'dist/nodes/ChargePilotPushTrigger/ChargePilotPushTrigger.node.js';
const CREDENTIAL_FILE = 'dist/credentials/ChargePilotPushApi.credentials.js';
const NODE_TYPE = 'n8n-nodes-chargepilot.chargePilotPushTrigger';
const TRIGGER = 'ChargePilot Push Trigger';
const KEY = 'e2e-Push-Key-7f3a9c21d4b86e05aa91';
const CREDENTIAL = { id: 'CpPushE2eCred001', name: 'ChargePilot Push e2e' };
const PATH_PLAIN = 'chargepilot-sessions';
const PATH_HEADERS = 'chargepilot-sessions-with-headers';
const WF_PLAIN = 'CpPushE2eFlow001';
const WF_HEADERS = 'CpPushE2eFlow002';
/** Whole run, including n8n's first start (migrations): killed after this. */
const MAX_MS = 10 * 60_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** ChargePilot's Push-API fields (docs §6.1). */
const session = (transactionId, extra = {}) => ({ ...PUSH_SESSION, TransactionID: transactionId, ...extra });

function pushWorkflow(id, name, webhookId, pathValue, options) {
	return {
		id,
		name,
		active: false,
		nodes: [
			{
				id: `${id}-trigger`,
				name: TRIGGER,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				parameters: { path: pathValue, options },
				credentials: { chargePilotPushApi: CREDENTIAL },
			},
			{ id: `${id}-noop`, name: 'Sessions', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [300, 0], parameters: {} },
		],
		connections: { [TRIGGER]: { main: [[{ node: 'Sessions', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

async function pushLine({ instance, check, startN8n, signIn }) {
	await instance.importCredentials([{ ...CREDENTIAL, type: 'chargePilotPushApi', data: { subscriptionKey: KEY } }]);
	await instance.importWorkflow(pushWorkflow(WF_PLAIN, 'ChargePilot push e2e', '3a0e2c9f-6a4b-4c1d-9f7e-1b2c3d4e5f60', PATH_PLAIN, {}));
	await instance.importWorkflow(
		pushWorkflow(WF_HEADERS, 'ChargePilot push e2e (headers)', '7b1f3d0a-8c5e-4d2f-a0b1-2c3d4e5f6a71', PATH_HEADERS, { includeHeaders: true }),
	);

	const server = await startN8n();
	const n8n = await signIn(server);

	await check('the workflows activate through the public API (POST /api/v1/workflows/{id}/activate)', async () => {
		for (const id of [WF_PLAIN, WF_HEADERS]) {
			const res = await n8n.api('POST', `/workflows/${id}/activate`);
			assert.equal(res.status, 200, `${id}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
			assert.equal(res.json.active, true);
		}
	});

	// Registration follows activation: poll with a request that can start nothing (no key).
	const pushUrl = (p) => `/webhook/${p}`;
	let registered;
	const pollUntil = Date.now() + 60_000;
	for (;;) {
		registered = await n8n.request('POST', pushUrl(PATH_PLAIN), { body: [session(1)] });
		const other = await n8n.request('POST', pushUrl(PATH_HEADERS), { body: [session(1)] });
		if ((registered.status !== 404 && other.status !== 404) || Date.now() > pollUntil) break;
		await sleep(500);
	}
	await check('the production webhooks are registered: a push without a key is refused with 401', () => {
		assert.equal(registered.status, 401, `HTTP ${registered.status} ${registered.text.slice(0, 300)}`);
		assert.match(registered.json.message, /Missing Ocp-Apim-Subscription-Key/);
	});

	const good = { 'content-type': 'application/json', 'ocp-apim-subscription-key': KEY };
	const one = session(184467);
	const three = [session(184468, { ChargerID: 'HPC-07', InitialSoC: 12, EndSoC: 80, EnergyDelivered: 48213.5 }), session(184469, { Id: 'Müller ⚡' }), session(184470)];
	const withHeaders = [session(184471), session(184472)];

	const answers = {};
	answers.single = await n8n.request('POST', pushUrl(PATH_PLAIN), { body: JSON.stringify(one), headers: good });
	answers.array = await n8n.request('POST', pushUrl(PATH_PLAIN), { body: JSON.stringify(three), headers: good });
	answers.headers = await n8n.request('POST', pushUrl(PATH_HEADERS), {
		body: JSON.stringify(withHeaders),
		headers: { ...good, 'user-agent': 'ChargePilot-Push-e2e', authorization: 'Bearer not-for-items' },
	});
	answers.wrongKey = await n8n.request('POST', pushUrl(PATH_PLAIN), { body: JSON.stringify(one), headers: { ...good, 'ocp-apim-subscription-key': `${KEY}-wrong` } });
	answers.missingKey = await n8n.request('POST', pushUrl(PATH_PLAIN), { body: JSON.stringify(one), headers: { 'content-type': 'application/json' } });
	answers.textPlain = await n8n.request('POST', pushUrl(PATH_PLAIN), { body: JSON.stringify(one), headers: { ...good, 'content-type': 'text/plain' } });
	answers.malformed = await n8n.request('POST', pushUrl(PATH_PLAIN), { body: '[{"TransactionID": 1,}', headers: good });
	answers.malformedWrongKey = await n8n.request('POST', pushUrl(PATH_PLAIN), { body: '{oops', headers: { ...good, 'ocp-apim-subscription-key': 'nope' } });
	answers.nonObjects = await n8n.request('POST', pushUrl(PATH_PLAIN), { body: '[1, "two", null]', headers: good });
	answers.scalar = await n8n.request('POST', pushUrl(PATH_PLAIN), { body: '"hello"', headers: good });
	answers.empty = await n8n.request('POST', pushUrl(PATH_PLAIN), { body: '[]', headers: good });
	answers.emptyBody = await n8n.request('POST', pushUrl(PATH_PLAIN), { body: '', headers: good });
	answers.get = await n8n.request('GET', pushUrl(PATH_PLAIN), { headers: { 'ocp-apim-subscription-key': KEY } });

	await check('one session object with the right key: 200 {"received":1}, answered promptly', () => {
		assert.equal(answers.single.status, 200, answers.single.text);
		assert.deepEqual(answers.single.json, { received: 1 });
		assert.match(String(answers.single.headers['content-type']), /^application\/json/);
		// The first production run after activation, on a shared machine: a ceiling, not a speed claim.
		assert.ok(answers.single.ms < 30_000, `${answers.single.ms} ms`);
	});
	await check('an array of three sessions: 200 {"received":3}', () => {
		assert.equal(answers.array.status, 200, answers.array.text);
		assert.deepEqual(answers.array.json, { received: 3 });
	});
	await check('Include Headers workflow: 200 {"received":2}', () => {
		assert.equal(answers.headers.status, 200, answers.headers.text);
		assert.deepEqual(answers.headers.json, { received: 2 });
	});
	await check('wrong key: 401 with a JSON error', () => {
		assert.equal(answers.wrongKey.status, 401, answers.wrongKey.text);
		assert.equal(answers.wrongKey.json.error, 'Unauthorized');
		assert.match(answers.wrongKey.json.message, /Invalid Ocp-Apim-Subscription-Key/);
	});
	await check('missing key: 401', () => {
		assert.equal(answers.missingKey.status, 401, answers.missingKey.text);
		assert.match(answers.missingKey.json.message, /Missing Ocp-Apim-Subscription-Key/);
	});
	await check('Content-Type text/plain: 400', () => {
		assert.equal(answers.textPlain.status, 400, answers.textPlain.text);
		assert.match(answers.textPlain.json.message, /Expected Content-Type application\/json, got Content-Type "text\/plain"/);
	});
	await check('malformed JSON with Content-Type application/json: refused before the node by n8n itself (422 "Failed to parse request body")', () => {
		assert.equal(answers.malformed.status, 422, `HTTP ${answers.malformed.status} ${answers.malformed.text}`);
		assert.equal(answers.malformed.json?.message, 'Failed to parse request body', answers.malformed.text);
	});
	await check('malformed JSON with a wrong key: also refused by n8n before the key is checked (422)', () => {
		assert.equal(answers.malformedWrongKey.status, 422, `HTTP ${answers.malformedWrongKey.status} ${answers.malformedWrongKey.text}`);
	});
	await check('an array of non-objects: 400 naming the element', () => {
		assert.equal(answers.nonObjects.status, 400, answers.nonObjects.text);
		assert.match(answers.nonObjects.json.message, /Element 0 of the array is a number, not a session object/);
	});
	await check('a JSON string: 400', () => {
		assert.equal(answers.scalar.status, 400, answers.scalar.text);
		assert.match(answers.scalar.json.message, /The body is a string/);
	});
	await check('an empty array: 200 {"received":0}, and no execution (checked below)', () => {
		assert.equal(answers.empty.status, 200, answers.empty.text);
		assert.deepEqual(answers.empty.json, { received: 0 });
	});
	await check('an empty body: 400', () => {
		assert.equal(answers.emptyBody.status, 400, answers.emptyBody.text);
		assert.match(answers.emptyBody.json.message, /The body is empty/);
	});
	await check('GET on the push URL is not served (404 from n8n: POST only)', () => {
		assert.equal(answers.get.status, 404, answers.get.text);
	});
	await check('no answer contains the subscription key', () => {
		for (const [name, res] of Object.entries(answers)) assert.ok(!res.text.includes(KEY), name);
	});

	// Executions are written after the answer: wait for 2 (plain) + 1 (headers) finished ones,
	// then a little longer to be sure no refused request started one.
	const list = async (workflowId) => {
		const res = await n8n.api('GET', `/executions?workflowId=${workflowId}&includeData=true&limit=100`);
		assert.equal(res.status, 200, `executions: HTTP ${res.status} ${res.text.slice(0, 300)}`);
		return res.json.data;
	};
	let plain = [];
	let headered = [];
	const execDeadline = Date.now() + 60_000;
	while (Date.now() < execDeadline) {
		plain = await list(WF_PLAIN);
		headered = await list(WF_HEADERS);
		if (plain.length >= 2 && headered.length >= 1 && [...plain, ...headered].every((e) => e.finished || e.status === 'success' || e.status === 'error')) break;
		await sleep(500);
	}
	await sleep(3000);
	plain = await list(WF_PLAIN);
	headered = await list(WF_HEADERS);

	const triggerItems = (execution) => {
		const runData = execution.data?.resultData?.runData ?? {};
		return (runData[TRIGGER]?.[0]?.data?.main?.[0] ?? []).map((item) => item.json);
	};
	const noopItems = (execution) => (execution.data?.resultData?.runData?.Sessions?.[0]?.data?.main?.[0] ?? []).map((item) => item.json);

	await check('exactly 2 executions of the plain workflow (the two accepted pushes), both successful', () => {
		assert.equal(plain.length, 2, `got ${plain.length}: ${JSON.stringify(plain.map((e) => ({ id: e.id, status: e.status, mode: e.mode })))}`);
		for (const execution of plain) assert.equal(execution.status, 'success', JSON.stringify(execution.data?.resultData?.error ?? {}).slice(0, 500));
		for (const execution of plain) assert.equal(execution.mode, 'webhook');
	});
	await check('one item per session, payload fields exactly as sent, passed on to the next node', () => {
		const byCount = [...plain].sort((a, b) => triggerItems(a).length - triggerItems(b).length);
		assert.deepEqual(triggerItems(byCount[0]), [one]);
		assert.deepEqual(triggerItems(byCount[1]), three);
		assert.deepEqual(noopItems(byCount[1]), three);
	});
	await check('Include Headers: 1 execution, 2 items with _headers, without the key or Authorization', () => {
		assert.equal(headered.length, 1, `got ${headered.length}`);
		const items = triggerItems(headered[0]);
		assert.equal(items.length, 2);
		for (const [index, item] of items.entries()) {
			const { _headers: headers, ...fields } = item;
			assert.deepEqual(fields, withHeaders[index]);
			assert.equal(headers['user-agent'], 'ChargePilot-Push-e2e');
			assert.equal(headers['content-type'], 'application/json');
			assert.equal(headers['ocp-apim-subscription-key'], undefined);
			assert.equal(headers.authorization, undefined);
		}
		assert.ok(!JSON.stringify(headered[0]).includes(KEY));
	});
	await check('the sandbox pushes its latest sessions as ChargePilot would: 200 {"received":3} and one execution with exactly those sessions', async () => {
		const sandbox = await startSandbox({ eventCount: 50 });
		try {
			const events = sandbox.getEvents(sandbox.mainSiteId).slice(-3);
			const res = await sandbox.pushSessions(`${server.url}${pushUrl(PATH_PLAIN)}`, KEY, { events });
			assert.equal(res.status, 200, res.body);
			assert.deepEqual(JSON.parse(res.body), { received: 3 });
			// Wait until the new execution exists and has finished (its data is written at the end).
			const isNew = (execution) => !plain.some((old) => old.id === execution.id);
			const done = (execution) => execution.finished || execution.status === 'success' || execution.status === 'error';
			let fresh = [];
			for (const until = Date.now() + 90_000; Date.now() < until; await sleep(500)) {
				fresh = (await list(WF_PLAIN)).filter(isNew);
				if (fresh.length >= 1 && fresh.every(done)) break;
			}
			assert.equal(fresh.length, 1, `new executions: ${fresh.length}`);
			assert.deepEqual(triggerItems(fresh[0]), events.map(toPushSession));
		} finally {
			await sandbox.close();
		}
	});
	await check("n8n's log (level debug) never contains the subscription key", () => {
		const logText = fs.readFileSync(server.logFile, 'utf8');
		assert.ok(logText.length > 0);
		assert.ok(!logText.includes(KEY));
	});
}

runSuite({ name: 'push-trigger e2e', maxMsPerLine: MAX_MS, needsFiles: [NODE_FILE, CREDENTIAL_FILE], line: pushLine });
