'use strict';

/**
 * (b) The ChargePilot Push Trigger behind the webhook processor: 500 new sessions pushed in 100
 * concurrent requests of 5, as a busy ChargePilot might, must give 500 items, each exactly once,
 * executed by both workers; a wrong or missing key gets 401 and starts nothing.
 */

const assert = require('node:assert/strict');

const { pushSessions } = require('../../../dev/sandbox/push');
const { countBy, isFinal, nodeItems, sleep, waitUntil } = require('./topology');

const REQUESTS = 100;
const PER_REQUEST = 5;
/** A push's answer waits until n8n stored and queued its execution: allow for a loaded machine. */
const PUSH_TIMEOUT_MS = 180_000;

/** POSTs `events` as one push; resolves with { status, body, ms } (status 0: no answer). */
async function push(url, key, events) {
	const started = Date.now();
	try {
		return { ...(await pushSessions(url, key, events, { timeoutMs: PUSH_TIMEOUT_MS })), ms: Date.now() - started };
	} catch (error) {
		return { status: 0, body: error.message, ms: Date.now() - started };
	}
}

/**
 * Executions of `workflowId` holding any of `ids` as trigger items, once all are final and their
 * number has not changed for `quietMs`.
 */
async function settledExecutions(topology, workflowId, ids, { timeoutMs = 180_000, quietMs = 8000 } = {}) {
	const wanted = new Set(ids);
	let mine = [];
	let count = -1;
	let since = Date.now();
	await waitUntil(`executions of workflow ${workflowId} final`, async () => {
		mine = (await topology.executions(workflowId)).filter((execution) => nodeItems(execution, 'Push').some((item) => wanted.has(item.TransactionID)));
		if (mine.length !== count) {
			count = mine.length;
			since = Date.now();
		}
		return mine.every(isFinal) && Date.now() - since >= quietMs;
	}, { timeoutMs, intervalMs: 1500 });
	return mine;
}

async function checkPush({ topology, sandbox, check, say, push: target }) {
	const url = `${topology.webhookUrl}/webhook/${target.path}`;
	const events = sandbox.addEvents(target.siteId, REQUESTS * PER_REQUEST);
	const ids = events.map((event) => event.transaction_id);
	const started = Date.now();
	const answers = await Promise.all(Array.from({ length: REQUESTS }, (_, i) => push(url, target.key, events.slice(i * PER_REQUEST, (i + 1) * PER_REQUEST))));
	const times = answers.map((answer) => answer.ms).sort((a, b) => a - b);
	say(`(b) ${REQUESTS} pushes answered within ${Math.round((Date.now() - started) / 1000)} s (answer times min/median/max ${times[0]}/${times[REQUESTS / 2]}/${times[REQUESTS - 1]} ms)`);
	const executions = await settledExecutions(topology, target.workflowId, ids);
	const ranOn = topology.ranOn();

	await check(`(b) ${REQUESTS} concurrent pushes of ${PER_REQUEST} sessions: every one answered 200 {"received":${PER_REQUEST}}`, () => {
		const statuses = countBy(answers.map((answer) => `${answer.status} ${answer.body.slice(0, 120)}`));
		assert.deepEqual(statuses, { [`200 {"received":${PER_REQUEST}}`]: REQUESTS }, JSON.stringify(statuses));
		return `answers: ${JSON.stringify(statuses)}`;
	});

	await check(`(b) ${REQUESTS * PER_REQUEST} sessions → ${REQUESTS} successful executions, ${REQUESTS * PER_REQUEST} items, each session exactly once, spread over both workers`, () => {
		const items = executions.flatMap((execution) => nodeItems(execution, 'Push').map((item) => item.TransactionID));
		const seen = countBy(items);
		const twice = Object.values(seen).filter((n) => n > 1).length;
		const missing = ids.filter((id) => !seen[id]);
		const statuses = countBy(executions.map((execution) => execution.status));
		const byWorker = countBy(executions.map((execution) => ranOn[execution.id] ?? 'no worker log line'));
		const byEnv = countBy(executions.map((execution) => nodeItems(execution, 'Tag')[0]?.worker ?? 'no Tag'));
		const summary = `${executions.length} executions ${JSON.stringify(statuses)}, ${items.length} items, ${Object.keys(seen).length} distinct sessions, ${twice} twice, ${missing.length} missing; executions per worker ${JSON.stringify(byWorker)} (their $env: ${JSON.stringify(byEnv)})`;
		assert.equal(executions.length, REQUESTS, summary);
		assert.deepEqual(statuses, { success: REQUESTS }, summary);
		assert.equal(items.length, ids.length, summary);
		assert.equal(twice, 0, summary);
		assert.equal(missing.length, 0, summary);
		assert.deepEqual(byWorker, byEnv, summary);
		assert.ok(byWorker.w1 > 0 && byWorker.w2 > 0, summary);
		return summary;
	});

	await check('(b) a push with a wrong key and one without a key: 401, and no execution', async () => {
		const refused = sandbox.addEvents(target.siteId, 3);
		const before = (await topology.executions(target.workflowId, { includeData: false })).length;
		const wrong = await push(url, `${target.key}-wrong`, refused);
		const missing = await topology.servers.webhook.client.request('POST', `/webhook/${target.path}`, { body: JSON.stringify(refused), headers: { 'content-type': 'application/json' } });
		assert.equal(wrong.status, 401, `wrong key: ${wrong.status} ${wrong.body}`);
		assert.equal(missing.status, 401, `no key: ${missing.status} ${missing.text}`);
		await sleep(5000);
		const all = await topology.executions(target.workflowId);
		const refusedIds = new Set(refused.map((event) => event.transaction_id));
		const started = all.filter((execution) => nodeItems(execution, 'Push').some((item) => refusedIds.has(item.TransactionID)));
		assert.equal(started.length, 0, `${started.length} executions hold refused sessions`);
		assert.equal(all.length, before, `push executions ${before} -> ${all.length}`);
		return `wrong key: ${wrong.status} ${wrong.body}; no key: ${missing.status} ${missing.text}; push executions before/after: ${before}/${all.length}`;
	});
}

module.exports = { checkPush, push, settledExecutions };
