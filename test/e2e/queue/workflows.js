'use strict';

/**
 * The workflows of the queue-mode suite, as the public API takes them (POST /api/v1/workflows):
 *
 * - operations: Webhook (GET <path>, answers with the last node) → ChargePilot Ping → Custom
 *   Request → Charging Events Get Many (Return All, paged) → Sites Get Many → Summary (which worker
 *   ran it, what each node returned);
 * - push: ChargePilot Push Trigger → Tag (worker, execution);
 * - slow push: ChargePilot Push Trigger → ChargePilot Sites Get Many (against a slow sandbox) →
 *   Tag: executions a worker is still busy with when it is killed;
 * - poll: ChargePilot Trigger (every minute, one site) → Tag.
 *
 * The Tag and Summary nodes read $env.CP_WORKER_NAME, set per worker (N8N_BLOCK_ENV_ACCESS_IN_NODE=false).
 */

const crypto = require('node:crypto');

const PACKAGE = 'n8n-nodes-chargepilot';
const NODE = `${PACKAGE}.chargePilot`;
const PUSH_TRIGGER = `${PACKAGE}.chargePilotPushTrigger`;
const POLL_TRIGGER = `${PACKAGE}.chargePilotTrigger`;
/** The poll trigger's node ID: n8n keys its durable cursor (poller_state) by workflow and node ID. */
const POLL_NODE_ID = 'cp-queue-poll-trigger';

const uuid = () => crypto.randomUUID();

function chain(names) {
	const connections = {};
	for (let i = 0; i < names.length - 1; i++) connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	return connections;
}

function workflow(name, nodes) {
	return { name, nodes, connections: chain(nodes.map((node) => node.name)), settings: { executionOrder: 'v1' } };
}

/** A Set node with `fields` ([name, value, type?]), run once. */
function setNode(name, fields) {
	return {
		id: uuid(),
		name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [0, 0],
		executeOnce: true,
		parameters: {
			mode: 'manual',
			assignments: { assignments: fields.map(([field, value, type = 'string']) => ({ id: uuid(), name: field, value, type })) },
			includeOtherFields: false,
			options: {},
		},
	};
}

const tag = (trigger) =>
	setNode('Tag', [
		['worker', '={{ $env.CP_WORKER_NAME }}'],
		['executionId', '={{ $execution.id }}'],
		['items', `={{ $('${trigger}').all().length }}`, 'number'],
	]);

function chargePilot(name, credential, parameters, extra = {}) {
	return { id: uuid(), name, type: NODE, typeVersion: 1, position: [0, 0], parameters, credentials: { chargePilotApi: credential }, ...extra };
}

/** Webhook → every kind of ChargePilot call → a summary the webhook answers with. */
function operationsWorkflow({ path, credential, siteId, window }) {
	return workflow('queue e2e: Webhook → ChargePilot operations', [
		{
			id: uuid(),
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: uuid(),
			parameters: { httpMethod: 'GET', path, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} },
		},
		chargePilot('Ping', credential, { resource: 'api', operation: 'ping', options: {} }),
		chargePilot('Custom', credential, { resource: 'api', operation: 'customRequest', method: 'GET', path: `/sites/${siteId}`, options: {} }),
		chargePilot('Events', credential, {
			resource: 'chargingEvent',
			operation: 'getAll',
			siteId: { __rl: true, mode: 'id', value: siteId },
			from: window.from,
			to: window.to,
			returnAll: true,
			options: { pageSize: window.pageSize },
		}),
		chargePilot('Sites', credential, { resource: 'site', operation: 'getAll', returnAll: true, simplify: true, options: {} }, { executeOnce: true }),
		setNode('Summary', [
			['worker', '={{ $env.CP_WORKER_NAME }}'],
			['executionId', '={{ $execution.id }}'],
			['ping', "={{ $('Ping').first().json.result }}"],
			['customSiteId', "={{ $('Custom').first().json.id }}"],
			['sites', "={{ $('Sites').all().length }}", 'number'],
			['events', "={{ $('Events').all().length }}", 'number'],
			['distinctEvents', "={{ new Set($('Events').all().map(i => i.json.transaction_id)).size }}", 'number'],
			['firstEvent', "={{ $('Events').first().json.transaction_id }}", 'number'],
			['lastEvent', "={{ $('Events').last().json.transaction_id }}", 'number'],
		]),
	]);
}

function pushTrigger(path, credential) {
	return { id: uuid(), name: 'Push', type: PUSH_TRIGGER, typeVersion: 1, position: [0, 0], webhookId: uuid(), parameters: { path, options: {} }, credentials: { chargePilotPushApi: credential } };
}

/** ChargePilot Push Trigger → Tag. */
function pushWorkflow({ path, credential }) {
	return workflow('queue e2e: ChargePilot Push Trigger', [pushTrigger(path, credential), tag('Push')]);
}

/** ChargePilot Push Trigger → a ChargePilot call (one attempt, long timeout) → Tag. */
function slowPushWorkflow({ path, credential, apiCredential }) {
	return workflow('queue e2e: ChargePilot Push Trigger + a slow ChargePilot call', [
		pushTrigger(path, credential),
		chargePilot('Slow Sites', apiCredential, { resource: 'site', operation: 'getAll', returnAll: true, simplify: true, options: { maxAttempts: 1, timeout: 120_000 } }, { executeOnce: true }),
		tag('Push'),
	]);
}

/** ChargePilot Trigger polling one site every minute (n8n refuses shorter intervals) → Tag. */
function pollWorkflow({ credential, siteId }) {
	return workflow('queue e2e: ChargePilot Trigger (polling)', [
		{
			id: POLL_NODE_ID,
			name: 'Poll',
			type: POLL_TRIGGER,
			typeVersion: 1,
			position: [0, 0],
			parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, siteScope: 'one', siteId: { __rl: true, mode: 'id', value: siteId }, options: {} },
			credentials: { chargePilotApi: credential },
		},
		tag('Poll'),
	]);
}

module.exports = { NODE, PUSH_TRIGGER, POLL_TRIGGER, POLL_NODE_ID, operationsWorkflow, pushWorkflow, slowPushWorkflow, pollWorkflow };
