'use strict';

/**
 * The MCP suite's workflows: examples/mcp-server-chargepilot.json as shipped with this instance's
 * credentials, and copies of it on paths of their own (Header Auth instead of Bearer Auth; tools
 * whose ChargePilot credential has a wrong secret, for ChargePilot's 401), plus what an MCP client
 * must be shown for each tool (name, description, argument schema), read from the example and the
 * built node.
 */

const fs = require('node:fs');
const path = require('node:path');

const { DIST, EXAMPLES } = require('../../../dev/paths');

const EXAMPLE_FILE = 'mcp-server-chargepilot.json';
const TRIGGER_TYPE = '@n8n/n8n-nodes-langchain.mcpTrigger';
const TOOL_TYPE = 'n8n-nodes-chargepilot.chargePilotTool';
const CP_PLACEHOLDER = 'REPLACE_WITH_YOUR_CREDENTIAL_ID';
const TOKEN_PLACEHOLDER = 'REPLACE_WITH_YOUR_MCP_TOKEN_CREDENTIAL_ID';

/** This suite's credentials (test values, safe to print). */
const CREDENTIALS = {
	chargePilot: { id: 'CpMcpE2eCredCp01', name: 'ChargePilot Sandbox' },
	wrongSecret: { id: 'CpMcpE2eCredBad1', name: 'ChargePilot Sandbox (wrong secret)' },
	bearer: { id: 'CpMcpE2eCredTok1', name: 'MCP bearer token' },
	header: { id: 'CpMcpE2eCredHdr1', name: 'MCP header key' },
};
const BEARER_TOKEN = 'mcp-e2e-token-5f1c0a9e7b3d';
const HEADER = { name: 'X-MCP-Key', value: 'mcp-e2e-header-key-2d8e4a' };

/** The example as shipped. */
function readExample() {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES, EXAMPLE_FILE), 'utf8'));
}

/** The credentials n8n imports: the sandbox's (right and wrong secret), the bearer token, the header key. */
function credentials(sandbox) {
	const cp = (secret) => ({ region: 'custom', baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, apiSecret: secret, signedPath: 'full' });
	return [
		{ ...CREDENTIALS.chargePilot, type: 'chargePilotApi', data: cp(sandbox.apiSecret) },
		{ ...CREDENTIALS.wrongSecret, type: 'chargePilotApi', data: cp(`${sandbox.apiSecret}-wrong`) },
		{ ...CREDENTIALS.bearer, type: 'httpBearerAuth', data: { token: BEARER_TOKEN } },
		{ ...CREDENTIALS.header, type: 'httpHeaderAuth', data: HEADER },
	];
}

const triggerOf = (workflow) => workflow.nodes.find((node) => node.type === TRIGGER_TYPE);
const toolsOf = (workflow) => workflow.nodes.filter((node) => node.type === TOOL_TYPE);

/**
 * The example with this instance's credentials (what a user gets after choosing theirs); with
 * `variant` a copy on a path of its own: `{ id, name, path, webhookId, auth: 'headerAuth' | 'bearerAuth', chargePilot: credential }`.
 */
function exampleWorkflow(example, variant = {}) {
	const workflow = structuredClone(example);
	if (variant.id) workflow.id = variant.id;
	if (variant.name) workflow.name = variant.name;
	for (const node of workflow.nodes) {
		if (node.credentials?.chargePilotApi?.id === CP_PLACEHOLDER) node.credentials.chargePilotApi = { ...(variant.chargePilot ?? CREDENTIALS.chargePilot) };
		if (node.credentials?.httpBearerAuth?.id === TOKEN_PLACEHOLDER) node.credentials.httpBearerAuth = { ...CREDENTIALS.bearer };
	}
	const trigger = triggerOf(workflow);
	if (variant.path) trigger.parameters.path = variant.path;
	if (variant.webhookId) trigger.webhookId = variant.webhookId;
	if (variant.typeVersion) trigger.typeVersion = variant.typeVersion;
	if (variant.auth === 'headerAuth') {
		trigger.parameters.authentication = 'headerAuth';
		trigger.credentials = { httpHeaderAuth: { ...CREDENTIALS.header } };
	}
	const left = JSON.stringify(workflow).match(/"[^"]*REPLACE_WITH_[^"]*"/);
	if (left) throw new Error(`${EXAMPLE_FILE}: a credential placeholder is left: ${left[0]}`);
	return workflow;
}

/** The Description a ChargePilot tool has by default for an operation, read from the built node. */
function defaultToolDescription(resource, operation) {
	const { ChargePilot } = require(path.join(DIST, 'nodes/ChargePilot/ChargePilot.node.js'));
	const found = new ChargePilot().description.properties.find(
		(property) => property.name === 'toolDescription' && property.displayOptions?.show?.resource?.includes(resource) && property.displayOptions?.show?.operation?.includes(operation),
	);
	if (!found) throw new Error(`the built node has no Description for ${resource} → ${operation}`);
	return found.default;
}

/** The $fromAI() arguments written in a node's parameters: { key: { description, type } }. */
function fromAiArguments(parameters) {
	const found = {};
	for (const match of JSON.stringify(parameters).matchAll(/\$fromAI\('([^']+)', '([^']*)', '([^']+)'\)/g)) found[match[1]] = { description: match[2], type: match[3] };
	return found;
}

/** n8n's tool name for a node (nodeNameToToolName: anything but letters, digits, _ and - becomes _). */
const toolName = (nodeName) => nodeName.replace(/[^a-zA-Z0-9_-]+/g, '_').slice(0, 64);

/** What the MCP client must be shown: [{ name, node, resource, operation, description, arguments }]. */
function expectedTools(workflow) {
	return toolsOf(workflow).map((node) => ({
		name: toolName(node.name),
		node: node.name,
		resource: node.parameters.resource,
		operation: node.parameters.operation,
		description: node.parameters.toolDescription ?? defaultToolDescription(node.parameters.resource, node.parameters.operation),
		arguments: fromAiArguments(node.parameters),
	}));
}

module.exports = {
	EXAMPLE_FILE,
	TRIGGER_TYPE,
	TOOL_TYPE,
	CREDENTIALS,
	BEARER_TOKEN,
	HEADER,
	readExample,
	credentials,
	exampleWorkflow,
	expectedTools,
	triggerOf,
	toolsOf,
	toolName,
};
