#!/usr/bin/env node
'use strict';

/**
 * Signed Path "Auto" end to end, on both n8n lines: with a credential left at Auto, every operation,
 * n8n's HTTP Request node with the credential, and the credential's Test button (n8n's own
 * /rest/credentials/test, as the editor calls it) succeed against a server that checks the relative
 * form and one that checks the full form. The sandbox's request log shows the cost: one extra 401
 * for the first signed request of an n8n process, none after it.
 * Prints one line per check and closes with "N passed, N failed".
 */

const assert = require('node:assert/strict');

const { nodeResult } = require('../../dev/n8n');
const { runSuite } = require('./runner');

const NODE = 'n8n-nodes-chargepilot.chargePilot';
const SITE = 'site-berlin-depot';
const AUTO = { id: 'CpAutoE2eCred001', name: 'ChargePilot Auto' };
const WORKFLOW = 'CpAutoE2eFlow001';
const rl = (value) => ({ __rl: true, mode: 'id', value });

/** Every operation, then the HTTP Request node (it cannot retry after a 401: it uses what the node found). */
function everyOperation(sandbox) {
	const operations = [
		['Sites', { resource: 'site', operation: 'getAll', returnAll: true }],
		['Site', { resource: 'site', operation: 'get', siteId: rl(SITE) }],
		['Events', { resource: 'chargingEvent', operation: 'getAll', siteId: rl(SITE), from: '2026-01-01T00:00:00Z', to: '2026-12-31T00:00:00Z', returnAll: false, limit: 20 }],
		['Custom GET', { resource: 'api', operation: 'customRequest', method: 'GET', path: '/echo/auto', sendQuery: true, queryParameters: { parameters: [{ name: 'from', value: '2026-01-01T00:00:00Z' }] } }],
		['Custom POST', { resource: 'api', operation: 'customRequest', method: 'POST', path: '/echo/auto', body: '{"a":"Müller"}' }],
	];
	const nodes = [
		{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		...operations.map(([name, parameters], index) => ({
			id: `op-${index}`,
			name,
			type: NODE,
			typeVersion: 1,
			position: [300, index * 120],
			parameters,
			credentials: { chargePilotApi: AUTO },
		})),
		{
			id: 'http',
			name: 'HTTP Request',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: [300, operations.length * 120],
			parameters: { method: 'GET', url: `${sandbox.baseUrl}/echo/via-http-node`, authentication: 'predefinedCredentialType', nodeCredentialType: 'chargePilotApi', options: {} },
			credentials: { chargePilotApi: AUTO },
		},
	];
	// One chain, so the order is fixed: the operations, then the HTTP Request node.
	const connections = {};
	for (let index = 0; index < nodes.length - 1; index++) {
		connections[nodes[index].name] = { main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] };
	}
	// Each node runs once, whatever the one before it output.
	for (const node of nodes.slice(1)) Object.assign(node, { alwaysOutputData: true, executeOnce: true });
	return { id: WORKFLOW, name: 'ChargePilot Signed Path Auto', active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

const outcome = (request) => `${request.status} ${request.auth.ok ? request.auth.variant : 'refused'}`;

runSuite({
	name: 'signed path e2e',
	sandbox: { signedPath: 'relative', eventCount: 500 },
	maxMsPerLine: 12 * 60_000,
	async line({ line, instance, sandbox, check, startN8n, signIn }) {
		const data = { region: 'custom', baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, apiSecret: sandbox.apiSecret, signedPath: 'auto' };
		await instance.importCredentials([{ ...AUTO, type: 'chargePilotApi', data }]);
		const workflow = everyOperation(sandbox);
		await instance.importWorkflow(workflow);

		for (const form of ['relative', 'full']) {
			sandbox.configure({ signedPath: form });
			sandbox.clearRequests();
			const { run } = await instance.execute(WORKFLOW);
			await check(`server checks the ${form} form: every operation succeeds with Signed Path Auto`, () => {
				assert.equal(run.status, 'success', String(JSON.stringify(run.data.resultData.error ?? {})).slice(0, 400));
				for (const node of workflow.nodes.slice(1)) {
					const { items, error } = nodeResult(run, node.name);
					assert.equal(error, undefined, `${node.name}: ${String(JSON.stringify(error)).slice(0, 300)}`);
					assert.ok(items.length > 0 && !items[0].error, `${node.name}: ${JSON.stringify(items).slice(0, 300)}`);
				}
				assert.equal(nodeResult(run, 'Events').items.length, 20);
			});
			await check(`server checks the ${form} form: ${form === 'relative' ? 'exactly one extra 401, for the first request of the process; none later' : 'no 401 at all'}`, () => {
				const outcomes = sandbox.requests.map(outcome);
				const expected = form === 'relative' ? ['401 refused', ...Array(outcomes.length - 1).fill('200 relative')] : Array(outcomes.length).fill('200 full');
				assert.deepEqual(outcomes, expected);
				// Five operations and the HTTP Request node: seven requests with the extra one, six without.
				assert.equal(outcomes.length, form === 'relative' ? 7 : 6);
			});
			await check(`server checks the ${form} form: the HTTP Request node (no retry of its own) signs with the form the node found`, () => {
				const { items } = nodeResult(run, 'HTTP Request');
				assert.equal(items[0].path, '/rest/v1/echo/via-http-node');
				assert.equal(outcome(sandbox.requests[sandbox.requests.length - 1]), `200 ${form}`);
			});
		}

		// The Test button: the editor posts the credential form to /rest/credentials/test.
		const server = await startN8n();
		const n8n = await signIn(server);
		const testCredential = (credentialData) => n8n.rest('POST', '/credentials/test', { credentials: { id: AUTO.id, name: AUTO.name, type: 'chargePilotApi', data: credentialData } });
		for (const form of ['relative', 'full']) {
			sandbox.configure({ signedPath: form });
			sandbox.clearRequests();
			const res = await testCredential(data);
			await check(`Test button against a server that checks the ${form} form: "Connection tested successfully"`, () => {
				assert.equal(res.status, 200, res.text.slice(0, 300));
				assert.equal(res.json.data.status, 'OK', res.text.slice(0, 300));
				assert.ok(sandbox.requests.length >= 1 && sandbox.requests.length <= 2, `${sandbox.requests.length} requests`);
				assert.equal(outcome(sandbox.requests[sandbox.requests.length - 1]), `200 ${form}`);
			});
		}
		sandbox.clearRequests();
		const wrong = await testCredential({ ...data, apiSecret: 'not-the-secret' });
		await check(`Test button with a wrong secret: fails after both forms${line === 2 ? ', naming Auto in its message' : ' (n8n 1.x shows its own "Authorization failed" text)'}`, () => {
			assert.equal(wrong.json.data.status, 'Error', wrong.text.slice(0, 300));
			if (line === 2) {
				assert.match(wrong.json.data.message, /ChargePilot rejected the request \(401\)/);
				assert.match(wrong.json.data.message, /Signed Path "Auto" both forms of the signature were tried/);
			} else {
				// 1.x applies the credential's message rules only to answers that did not throw.
				assert.match(wrong.json.data.message, /Authorization failed|401/);
			}
			assert.deepEqual(sandbox.requests.map(outcome), ['401 refused', '401 refused']);
		});
	},
});
