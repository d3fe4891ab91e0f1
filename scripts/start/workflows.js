'use strict';

/**
 * What the playground seeds n8n with: the "ChargePilot Sandbox" credential, the demo workflow
 * (Manual Trigger -> ChargePilot Site Get Many) and examples/*.json pointed at that credential.
 */

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { EXAMPLES, REPO } = require('../../dev/paths');

const NODE_TYPE = 'n8n-nodes-chargepilot.chargePilot';
const CREDENTIAL_TYPE = 'chargePilotApi';
const CREDENTIAL_ID = 'CpPlaygroundCred';
const CREDENTIAL_NAME = 'ChargePilot Sandbox';
const CREDENTIAL_PLACEHOLDER = 'REPLACE_WITH_YOUR_CREDENTIAL_ID';
const DEMO_WORKFLOW_ID = 'CpPlaygroundDemo';
const DEMO_WORKFLOW_NAME = 'ChargePilot demo: list sites (sandbox)';
const DEMO_TRIGGER_NAME = "When clicking 'Execute workflow'";
const DEMO_NODE_NAME = 'ChargePilot';

const sha256 = (text) => crypto.createHash('sha256').update(text).digest('hex');

/** The credential n8n imports: the sandbox's base URL, key and secret. */
function sandboxCredential(sandbox) {
	return {
		id: CREDENTIAL_ID,
		name: CREDENTIAL_NAME,
		type: CREDENTIAL_TYPE,
		data: { region: 'custom', baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, apiSecret: sandbox.apiSecret, signedPath: 'full' },
	};
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
 * examples/*.json as importable workflows: the credential placeholder replaced by the sandbox
 * credential (id and name) and a stable id when the file has none. Returns [{ file, workflow }] and
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
			parsed = JSON.parse(fs.readFileSync(file, 'utf8').split(CREDENTIAL_PLACEHOLDER).join(CREDENTIAL_ID));
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
	sandboxCredential,
	demoWorkflow,
	exampleWorkflows,
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	DEMO_WORKFLOW_ID,
	DEMO_WORKFLOW_NAME,
	DEMO_NODE_NAME,
	DEMO_TRIGGER_NAME,
};
