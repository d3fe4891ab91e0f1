'use strict';

/**
 * What the playground seeds n8n with: the "ChargePilot Sandbox" credential (API), the
 * "ChargePilot Push Sandbox" credential (Push API), the MCP server example's bearer token, the
 * demo workflows (Manual Trigger -> ChargePilot Site Get Many; the ChargePilot Trigger; the Push
 * Trigger that the sandbox pushes its new sessions to) and examples/*.json pointed at the sandbox
 * credential.
 */

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { EXAMPLES, REPO } = require('../../dev/paths');

const NODE_TYPE = 'n8n-nodes-chargepilot.chargePilot';
const TRIGGER_TYPE = 'n8n-nodes-chargepilot.chargePilotTrigger';
const PUSH_TRIGGER_TYPE = 'n8n-nodes-chargepilot.chargePilotPushTrigger';
const CREDENTIAL_TYPE = 'chargePilotApi';
const PUSH_CREDENTIAL_TYPE = 'chargePilotPushApi';
const CREDENTIAL_ID = 'CpPlaygroundCred';
const CREDENTIAL_NAME = 'ChargePilot Sandbox';
const PUSH_CREDENTIAL_ID = 'CpPlaygroundPush';
const PUSH_CREDENTIAL_NAME = 'ChargePilot Push Sandbox';
/** The subscription key the sandbox sends with its pushes (a playground value: loopback only). */
const PUSH_KEY = 'playground-push-key-7c1e9a0b5d3f';
/** The Push Trigger demo's webhook path: http://127.0.0.1:<port>/webhook/<path>. */
const PUSH_PATH = 'chargepilot-playground';
const POLL_WORKFLOW_ID = 'CpPlaygroundPoll';
const POLL_WORKFLOW_NAME = 'ChargePilot demo: new sessions (ChargePilot Trigger)';
const POLL_TRIGGER_NAME = 'ChargePilot Trigger';
const PUSH_WORKFLOW_ID = 'CpPlaygroundPush';
const PUSH_WORKFLOW_NAME = 'ChargePilot demo: sessions pushed by ChargePilot (Push Trigger)';
const PUSH_TRIGGER_NAME = 'ChargePilot Push Trigger';
const CREDENTIAL_PLACEHOLDER = 'REPLACE_WITH_YOUR_CREDENTIAL_ID';
/** The MCP server example's token (examples/mcp-*.json: MCP Server Trigger with Bearer Auth). */
const MCP_TOKEN_TYPE = 'httpBearerAuth';
const MCP_TOKEN_ID = 'CpPlaygroundMcpT';
const MCP_TOKEN_NAME = 'ChargePilot MCP token (playground)';
/** The bearer token an MCP client sends to the MCP server example (a playground value: loopback only). */
const MCP_TOKEN = 'playground-mcp-token-4b8e2f7a1c9d';
const MCP_TOKEN_PLACEHOLDER = 'REPLACE_WITH_YOUR_MCP_TOKEN_CREDENTIAL_ID';
const DEMO_WORKFLOW_ID = 'CpPlaygroundDemo';
const DEMO_WORKFLOW_NAME = 'ChargePilot demo: list sites (sandbox)';
const DEMO_TRIGGER_NAME = "When clicking 'Execute workflow'";
const DEMO_NODE_NAME = 'ChargePilot';

const sha256 = (text) => crypto.createHash('sha256').update(text).digest('hex');

/** The credential data of the sandbox (Signed Path left at its default, Auto). */
function sandboxCredentialData(sandbox) {
	return { region: 'custom', baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, apiSecret: sandbox.apiSecret, signedPath: 'auto' };
}

/** The credentials n8n imports: the sandbox's base URL, key and secret; the push subscription key; the MCP example's token. */
function sandboxCredentials(sandbox) {
	return [
		{ id: CREDENTIAL_ID, name: CREDENTIAL_NAME, type: CREDENTIAL_TYPE, data: sandboxCredentialData(sandbox) },
		{ id: PUSH_CREDENTIAL_ID, name: PUSH_CREDENTIAL_NAME, type: PUSH_CREDENTIAL_TYPE, data: { subscriptionKey: PUSH_KEY } },
		{ id: MCP_TOKEN_ID, name: MCP_TOKEN_NAME, type: MCP_TOKEN_TYPE, data: { token: MCP_TOKEN } },
	];
}

/** The demo workflow: Manual Trigger -> ChargePilot Site Get Many. */
function demoWorkflow() {
	return {
		id: DEMO_WORKFLOW_ID,
		name: DEMO_WORKFLOW_NAME,
		active: false,
		nodes: [
			{
				id: 'c0a1e0d2-0000-4000-8000-000000000001',
				name: DEMO_TRIGGER_NAME,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'c0a1e0d2-0000-4000-8000-000000000002',
				name: DEMO_NODE_NAME,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [260, 0],
				parameters: { resource: 'site', operation: 'getAll', returnAll: true },
				credentials: { [CREDENTIAL_TYPE]: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } },
			},
		],
		connections: {
			[DEMO_TRIGGER_NAME]: { main: [[{ node: DEMO_NODE_NAME, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/**
 * The ChargePilot Trigger on all sites, polling every five minutes (inactive: "Fetch Test Event"
 * shows the latest session; activate it to get new ones).
 */
function pollWorkflow() {
	return {
		id: POLL_WORKFLOW_ID,
		name: POLL_WORKFLOW_NAME,
		active: false,
		nodes: [
			{
				id: 'c0a1e0d2-0000-4000-8000-000000000011',
				name: POLL_TRIGGER_NAME,
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: { pollTimes: { item: [{ mode: 'everyX', value: 5, unit: 'minutes' }] }, siteScope: 'all', options: {} },
				credentials: { [CREDENTIAL_TYPE]: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/**
 * The Push Trigger that the sandbox pushes each new session to, as ChargePilot's Push-API would
 * (the playground activates it once, after its first import), followed by a node that turns Wh into
 * kWh.
 */
function pushWorkflow() {
	return {
		id: PUSH_WORKFLOW_ID,
		name: PUSH_WORKFLOW_NAME,
		active: false,
		nodes: [
			{
				id: 'c0a1e0d2-0000-4000-8000-000000000021',
				name: PUSH_TRIGGER_NAME,
				type: PUSH_TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId: 'c0a1e0d2-0000-4000-8000-0000000000f1',
				parameters: { path: PUSH_PATH, options: {} },
				credentials: { [PUSH_CREDENTIAL_TYPE]: { id: PUSH_CREDENTIAL_ID, name: PUSH_CREDENTIAL_NAME } },
			},
			{
				id: 'c0a1e0d2-0000-4000-8000-000000000022',
				name: 'Energy in kWh',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [260, 0],
				parameters: {
					assignments: {
						assignments: [
							{ id: 'k1', name: 'transaction', value: '={{ $json.TransactionID }}', type: 'number' },
							{ id: 'k2', name: 'charger', value: '={{ $json.ChargerID }}', type: 'string' },
							{ id: 'k3', name: 'ended', value: '={{ $json.EndAt }}', type: 'string' },
							{ id: 'k4', name: 'kWh', value: '={{ Math.round($json.EnergyDelivered / 100) / 10 }}', type: 'number' },
						],
					},
					options: {},
				},
			},
		],
		connections: { [PUSH_TRIGGER_NAME]: { main: [[{ node: 'Energy in kWh', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** Every workflow the playground seeds, demos first: [{ file, workflow }] plus examples' problems. */
function playgroundWorkflows(dir = EXAMPLES) {
	const { found, problems } = exampleWorkflows(dir);
	return {
		workflows: [
			{ file: '(demo)', workflow: demoWorkflow() },
			{ file: '(demo)', workflow: pollWorkflow() },
			{ file: '(demo)', workflow: pushWorkflow() },
			...found,
		],
		problems,
	};
}

/**
 * examples/*.json as importable workflows: the credential placeholder replaced by the sandbox
 * credential (id and name), the MCP token placeholder by the playground's MCP token credential, and
 * a stable id when the file has none. Returns [{ file, workflow }] and
 * problems ([{ file, message }]) for files that are not workflows.
 */
function exampleWorkflows(dir = EXAMPLES) {
	const found = [];
	const problems = [];
	if (!fs.existsSync(dir)) return { found, problems };
	for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
		const file = path.join(dir, name);
		const rel = path.relative(REPO, file);
		let parsed;
		try {
			parsed = JSON.parse(fs.readFileSync(file, 'utf8').split(MCP_TOKEN_PLACEHOLDER).join(MCP_TOKEN_ID).split(CREDENTIAL_PLACEHOLDER).join(CREDENTIAL_ID));
		} catch (error) {
			problems.push({ file: rel, message: `not valid JSON: ${error.message}` });
			continue;
		}
		const list = Array.isArray(parsed) ? parsed : [parsed];
		list.forEach((workflow, index) => {
			if (!workflow || typeof workflow !== 'object' || !Array.isArray(workflow.nodes) || typeof workflow.connections !== 'object') {
				problems.push({ file: rel, message: 'not an n8n workflow (needs "nodes" and "connections")' });
				return;
			}
			const copy = { ...workflow };
			if (typeof copy.id !== 'string' || !copy.id) copy.id = `CpEx${sha256(`${name}#${index}`).slice(0, 12)}`;
			if (!copy.name) copy.name = `${path.basename(name, '.json')}${list.length > 1 ? ` ${index + 1}` : ''}`;
			copy.active = false;
			copy.nodes = workflow.nodes.map((node) => {
				const token = node && node.credentials && node.credentials[MCP_TOKEN_TYPE];
				if (token && token.id === MCP_TOKEN_ID) node = { ...node, credentials: { ...node.credentials, [MCP_TOKEN_TYPE]: { id: MCP_TOKEN_ID, name: MCP_TOKEN_NAME } } };
				const credential = node && node.credentials && node.credentials[CREDENTIAL_TYPE];
				if (!credential || credential.id !== CREDENTIAL_ID) return node;
				return { ...node, credentials: { ...node.credentials, [CREDENTIAL_TYPE]: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } } };
			});
			found.push({ file: rel, workflow: copy });
		});
	}
	return { found, problems };
}

module.exports = {
	sha256,
	sandboxCredentialData,
	sandboxCredentials,
	demoWorkflow,
	pollWorkflow,
	pushWorkflow,
	exampleWorkflows,
	playgroundWorkflows,
	NODE_TYPE,
	CREDENTIAL_TYPE,
	PUSH_CREDENTIAL_TYPE,
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	MCP_TOKEN,
	MCP_TOKEN_ID,
	MCP_TOKEN_NAME,
	MCP_TOKEN_TYPE,
	PUSH_CREDENTIAL_ID,
	PUSH_CREDENTIAL_NAME,
	PUSH_KEY,
	PUSH_PATH,
	DEMO_WORKFLOW_ID,
	DEMO_WORKFLOW_NAME,
	DEMO_NODE_NAME,
	DEMO_TRIGGER_NAME,
	POLL_WORKFLOW_ID,
	POLL_WORKFLOW_NAME,
	POLL_TRIGGER_NAME,
	PUSH_WORKFLOW_ID,
	PUSH_WORKFLOW_NAME,
	PUSH_TRIGGER_NAME,
};
