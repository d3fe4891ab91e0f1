'use strict';

/**
 * The benchmark workflows. Every one starts with Manual Trigger -> "Items" (a Code node emitting
 * the input items { n }), which is excluded from the measured time of every path.
 * Executions are not saved (saveDataSuccessExecution: none), for both paths alike.
 */

const NODE = 'n8n-nodes-chargepilot.chargePilot';
const CREDENTIAL = { id: 'CpBenchCredent01', name: 'ChargePilot bench sandbox' };

const SETTINGS = { executionOrder: 'v1', saveDataSuccessExecution: 'none', saveManualExecutions: false, saveExecutionProgress: false };

function credentials(sandbox, credential = CREDENTIAL) {
	return [
		{
			...credential,
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

/** The ChargePilot node with the bench credential (or another one). */
function chargePilot(parameters, credential = CREDENTIAL) {
	return { id: 'chargepilot', name: 'ChargePilot', type: NODE, typeVersion: 1, position: [400, 0], parameters, credentials: { chargePilotApi: credential } };
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

/** The credential of the Summarize scenario's own sandbox. */
const SUMMARY_CREDENTIAL = { id: 'CpBenchCredent02', name: 'ChargePilot bench summary sandbox' };

/** What each Summarize grouping asks of our node, and the fields n8n's Summarize node splits by. */
const GROUPINGS = {
	day: { groupBy: ['site', 'day'], splitBy: ['site_id', 'day'] },
	idTag: { groupBy: ['site', 'idTag'], splitBy: ['site_id', 'id_tag'] },
};

/** Every site's sessions that start in [from, to): All Sites, a custom window. */
const allSites = (from, to) => ({ resource: 'chargingEvent', siteScope: 'all', period: 'custom', from, to });

/** Ours: Charging Event -> Summarize over All Sites, grouped as the grouping says. */
function summarizeOurs(id, grouping, from, to) {
	return chain(id, `bench summarize ours ${grouping}`, [
		trigger(),
		chargePilot({ ...allSites(from, to), operation: 'summarize', groupBy: GROUPINGS[grouping].groupBy, options: {} }, SUMMARY_CREDENTIAL),
	]);
}

/**
 * The do-it-yourself path in the same n8n: Charging Event -> Get Many (All Sites, Return All), then,
 * for the day grouping, a node that gives every event its local day (the first 10 characters of
 * start_time_local, which Get Many's Add Local Times computes in the site's zone: the
 * time-zone work is done for the DIY path by our node), then n8n's own Summarize node (1.1): count of
 * transaction_id, sum of energy_wh and of duration, split by the grouping's fields.
 * `dayNode`: 'set' (Edit Fields 3.4, an expression per item) or 'code' (one Code node for all items).
 * `splitOrder`: 'natural' (site first, as a user writes it) or 'reversed' (the other field first).
 */
function summarizeDiy(id, grouping, from, to, { dayNode = 'set', splitOrder = 'natural' } = {}) {
	const nodes = [trigger()];
	const local = grouping === 'day';
	nodes.push(chargePilot({ ...allSites(from, to), operation: 'getAll', returnAll: true, options: local ? { addLocalFields: true } : {} }, SUMMARY_CREDENTIAL));
	if (local && dayNode === 'set') {
		nodes.push({
			id: 'day',
			name: 'Day',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [600, 0],
			parameters: {
				mode: 'manual',
				includeOtherFields: true,
				include: 'all',
				assignments: { assignments: [{ id: 'day', name: 'day', value: '={{ $json.start_time_local.slice(0, 10) }}', type: 'string' }] },
				options: {},
			},
		});
	} else if (local) {
		nodes.push({
			id: 'day',
			name: 'Day',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [600, 0],
			parameters: {
				mode: 'runOnceForAllItems',
				jsCode: 'const items = $input.all();\nfor (const item of items) item.json.day = item.json.start_time_local.slice(0, 10);\nreturn items;',
			},
		});
	}
	const split = GROUPINGS[grouping].splitBy;
	nodes.push({
		id: 'summarize',
		name: 'Summarize',
		type: 'n8n-nodes-base.summarize',
		typeVersion: 1.1,
		position: [800, 0],
		parameters: {
			fieldsToSummarize: {
				values: [
					{ aggregation: 'count', field: 'transaction_id' },
					{ aggregation: 'sum', field: 'energy_wh' },
					{ aggregation: 'sum', field: 'duration' },
				],
			},
			fieldsToSplitBy: (splitOrder === 'reversed' ? [...split].reverse() : split).join(', '),
			options: {},
		},
	});
	return chain(id, `bench summarize diy ${grouping} ${local ? dayNode : ''} ${splitOrder}`, nodes);
}

module.exports = { credentials, ours, diy, events, summarizeOurs, summarizeDiy, CREDENTIAL, SUMMARY_CREDENTIAL, GROUPINGS };
