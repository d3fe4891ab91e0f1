'use strict';

/**
 * The benchmark workflows. Every one starts with Manual Trigger -> "Items" (a Code node emitting
 * the input items { n }), which is excluded from the measured time of every path.
 * Executions are not saved (saveDataSuccessExecution: none), for both paths alike.
 */

const NODE = 'n8n-nodes-chargepilot.chargePilot';
const CREDENTIAL = { id: 'CpBenchCredent01', name: 'ChargePilot bench sandbox' };

const SETTINGS = { executionOrder: 'v1', saveDataSuccessExecution: 'none', saveManualExecutions: false, saveExecutionProgress: false };

function credentials(sandbox) {
	return [
		{
			...CREDENTIAL,
			type: 'chargePilotApi',
			data: { region: 'custom', baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, apiSecret: sandbox.apiSecret, signedPath: 'full' },
		},
	];
}

function trigger() {
	return { id: 'trigger', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
}

function itemsNode(count) {
	return {
		id: 'items',
		name: 'Items',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [200, 0],
		parameters: { mode: 'runOnceForAllItems', jsCode: `return Array.from({ length: ${count} }, (_, n) => ({ json: { n } }));` },
	};
}

function chain(id, name, nodes) {
	const connections = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { id, name, active: false, nodes, connections, settings: SETTINGS, pinData: {} };
}

/** The ChargePilot node with the bench credential. */
function chargePilot(parameters) {
	return { id: 'chargepilot', name: 'ChargePilot', type: NODE, typeVersion: 1, position: [400, 0], parameters, credentials: { chargePilotApi: CREDENTIAL } };
}

/** (a) ChargePilot -> API -> Custom Request GET /echo/item/{n}, Options -> Concurrency. */
function ours(id, items, concurrency) {
	return chain(id, `bench ours c${concurrency}`, [
		trigger(),
		itemsNode(items),
		chargePilot({ resource: 'api', operation: 'customRequest', method: 'GET', path: "={{ '/echo/item/' + $json.n }}", options: { concurrency } }),
	]);
}

/**
 * (b) What users build today: a Code node signing every item as the getting-started guide's
 * Node.js example does (hex SHA-256 of the secret as HMAC key, per request), then n8n's HTTP
 * Request node (4.2) sending x-api-key / x-req-timestamp / x-signature from the item's fields.
 * `batching` = { batchSize, batchInterval } or undefined (the node's default: every item's
 * request is started at once).
 */
function diy(id, items, sandbox, batching) {
	const origin = sandbox.origin;
	const basePath = new URL(sandbox.baseUrl).pathname.replace(/\/+$/, '');
	const sign = `const crypto = require('crypto');
const apiKey = ${JSON.stringify(sandbox.apiKey)};
const apiSecret = ${JSON.stringify(sandbox.apiSecret)};
const out = [];
for (const item of $input.all()) {
  const path = ${JSON.stringify(basePath)} + '/echo/item/' + item.json.n;
  const timestamp = Math.floor(Date.now() / 1000).toString();
  const hashedSecret = crypto.createHash('sha256').update(apiSecret).digest('hex');
  const signature = crypto.createHmac('sha256', hashedSecret).update(\`GET:\${path}:\${timestamp}:\`).digest('hex');
  out.push({ json: { url: ${JSON.stringify(origin)} + path, apiKey, timestamp, signature } });
}
return out;`;
	const options = batching ? { batching: { batch: { batchSize: batching.batchSize, batchInterval: batching.batchInterval } } } : {};
	return chain(id, `bench diy ${batching ? `b${batching.batchSize}/${batching.batchInterval}ms` : 'unbatched'}`, [
		trigger(),
		itemsNode(items),
		{ id: 'sign', name: 'Sign', type: 'n8n-nodes-base.code', typeVersion: 2, position: [400, 0], parameters: { mode: 'runOnceForAllItems', jsCode: sign } },
		{
			id: 'http',
			name: 'HTTP Request',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: [600, 0],
			parameters: {
				method: 'GET',
				url: '={{ $json.url }}',
				authentication: 'none',
				sendHeaders: true,
				specifyHeaders: 'keypair',
				headerParameters: {
					parameters: [
						{ name: 'x-api-key', value: '={{ $json.apiKey }}' },
						{ name: 'x-req-timestamp', value: '={{ $json.timestamp }}' },
						{ name: 'x-signature', value: '={{ $json.signature }}' },
					],
				},
				options,
			},
		},
	]);
}

/** Charging Event -> Get Many, Return All, over [from, to). */
function events(id, site, from, to) {
	return chain(id, `bench events ${from}..${to}`, [
		trigger(),
		chargePilot({ resource: 'chargingEvent', operation: 'getAll', siteId: { __rl: true, mode: 'id', value: site }, from, to, returnAll: true, options: {} }),
	]);
}

module.exports = { credentials, ours, diy, events, CREDENTIAL };
