'use strict';

/**
 * (a) Node operations executed by workers through the production path: an activated workflow
 * (Webhook → Ping → Custom Request → Charging Events Return All → Sites) called through the
 * webhook processor, so each run is an execution on the queue that a worker takes. Every request
 * reaches the sandbox, which verifies its signature.
 */

const assert = require('node:assert/strict');

const { countBy } = require('./topology');

const RUNS = 20;
const PARALLEL = 4;

/** `sandbox`'s records of requests made with `apiKey` since `from` (an index into sandbox.requests). */
const recordsOf = (sandbox, apiKey, from) => sandbox.requests.slice(from).filter((record) => record.headers['x-api-key'] === apiKey);

async function checkOperations({ topology, sandbox, check, say, ops }) {
	const { webhook, main } = topology.servers;
	const fromMs = Date.parse(ops.window.from);
	const toMs = Date.parse(ops.window.to);
	const expected = sandbox.getEvents(ops.siteId).filter((event) => Date.parse(event.start_time) >= fromMs && Date.parse(event.start_time) < toMs).map((event) => event.transaction_id);
	const pages = Math.ceil(expected.length / ops.window.pageSize);
	/** What Sites → Get Many returns: every site of the sandbox (the operations key sees all). */
	const sites = sandbox.sites.length;

	await check('(a) production webhooks are served by the webhook processor, not by the main (N8N_DISABLE_PRODUCTION_MAIN_PROCESS)', async () => {
		const res = await main.client.request('GET', `/webhook/${ops.path}`);
		assert.equal(res.status, 404, `main answered ${res.status} ${res.text.slice(0, 200)}`);
		return `main: GET /webhook/${ops.path} -> ${res.status}`;
	});

	const first = sandbox.requests.length;
	const answers = [];
	for (let batch = 0; batch < RUNS / PARALLEL; batch++) {
		answers.push(...(await Promise.all(Array.from({ length: PARALLEL }, () => webhook.client.request('GET', `/webhook/${ops.path}`, { timeoutMs: 180_000 })))));
	}
	const records = recordsOf(sandbox, ops.apiKey, first);
	const ranOn = topology.ranOn();
	say(`(a) ${RUNS} calls answered; ${records.length} requests at the sandbox`);

	await check(`(a) ${RUNS} calls of the activated Webhook → ChargePilot workflow through the webhook processor: all 200, each run by a worker`, () => {
		const statuses = countBy(answers.map((res) => res.status));
		assert.deepEqual(statuses, { 200: RUNS }, `statuses ${JSON.stringify(statuses)}; e.g. ${answers.find((res) => res.status !== 200)?.text.slice(0, 300)}`);
		const byEnv = countBy(answers.map((res) => res.json.worker));
		const byLog = countBy(answers.map((res) => ranOn[String(res.json.executionId)] ?? 'no worker log line'));
		assert.deepEqual(byEnv, byLog, 'the worker a run reports ($env.CP_WORKER_NAME) is the one whose log started it');
		assert.ok(byEnv.w1 > 0 && byEnv.w2 > 0, `runs by worker ${JSON.stringify(byEnv)}`);
		return `200: ${RUNS}/${RUNS}; runs per worker (its own $env and its log agree): ${JSON.stringify(byEnv)}`;
	});

	await check(`(a) every run: Ping answered, Custom Request returned the site, ${sites} sites, Return All gave all ${expected.length} events of the window once (${pages} pages of ${ops.window.pageSize})`, () => {
		const wrong = answers.filter((res) => {
			const j = res.json ?? {};
			return !(
				j.ping === 'ChargePilot Rest API is available' &&
				j.customSiteId === ops.siteId &&
				j.sites === sites &&
				j.events === expected.length &&
				j.distinctEvents === expected.length &&
				j.firstEvent === expected[0] &&
				j.lastEvent === expected[expected.length - 1]
			);
		});
		assert.equal(wrong.length, 0, `${wrong.length} runs differ, e.g. ${JSON.stringify(wrong[0]?.json)}`);
		return `${RUNS}/${RUNS} runs: ${expected.length} events (${expected[0]} … ${expected[expected.length - 1]}), ${sites} sites`;
	});

	await check('(a) the sandbox verified the signature of every request the workers sent', () => {
		const route = (record) =>
			record.target
				.split('?')[0]
				.replace(/^\/rest\/v1/, '')
				.replace(/\/sites\/[^/]+$/, '/sites/{id}')
				.replace(/\/site\/[^/]+$/, '/site/{id}');
		const byRoute = countBy(records.map(route));
		assert.deepEqual(byRoute, { '/ping': RUNS, '/sites/{id}': RUNS, '/charging-events/site/{id}': RUNS * pages, '/sites': RUNS }, JSON.stringify(byRoute));
		const signed = records.filter((record) => !record.target.startsWith('/rest/v1/ping'));
		const verified = signed.filter((record) => record.auth.ok && record.status === 200);
		assert.equal(verified.length, signed.length, `failed: ${JSON.stringify(signed.filter((r) => !r.auth.ok || r.status !== 200).map((r) => [r.status, r.auth.reason]).slice(0, 3))}`);
		return `${verified.length}/${signed.length} signed requests verified and answered 200 (+ ${byRoute['/ping']} pings, signed too); per route ${JSON.stringify(byRoute)}`;
	});
}

module.exports = { checkOperations, RUNS };
