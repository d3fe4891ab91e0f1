'use strict';

/**
 * The AI Agent e2e's cases: examples/ai-agent-charging-report.json run the ways users run it (as
 * shipped with `n8n execute` and a manual run, with the agent version a new workflow gets, with
 * Agent 2.2, behind a Chat Trigger and a Webhook), plus two combinations n8n does not support,
 * run to show the exact symptom the README describes. Each case is the example with its trigger,
 * agent and model node set, and a model name of its own that picks its script on the model server.
 */

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { EXAMPLES } = require('../../../dev/paths');
const { toolWithArguments } = require('../../../dev/sandbox/model');

const EXAMPLE_FILE = 'ai-agent-charging-report.json';
const CP_PLACEHOLDER = 'REPLACE_WITH_YOUR_CREDENTIAL_ID';
const OPENAI_PLACEHOLDER = 'REPLACE_WITH_YOUR_OPENAI_CREDENTIAL_ID';
const CP_CREDENTIAL = { id: 'CpAiE2eCredCp001', name: 'ChargePilot Sandbox' };
const OPENAI_CREDENTIAL = { id: 'CpAiE2eCredOai01', name: 'Scripted model' };
/** The API key the model server wants (a test value, safe to print). */
const MODEL_KEY = 'sk-chargepilot-ai-e2e';
/** The AI Agent version a new workflow gets on each line. */
const LATEST_AGENT = { 2: 3.1, 1: 3 };

const AGENT_TYPE = '@n8n/n8n-nodes-langchain.agent';
const MODEL_TYPE = '@n8n/n8n-nodes-langchain.lmChatOpenAi';
const TOOL_TYPE = 'n8n-nodes-chargepilot.chargePilotTool';

/** The window the model asks for (the sandbox's sessions run from 2026-01-01 to 2026-07-01). */
const WINDOW = { from: '2026-03-02T00:00:00Z', to: '2026-03-09T00:00:00Z' };
const EMPTY_WINDOW = { from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z' };
const MISSING_SITE = 'site-does-not-exist';

const sessionsTool = toolWithArguments(['siteId', 'from', 'to']);

/**
 * What the scripted model does in a full case, like a model answering the example's prompt: the
 * sites, then two sites' sessions at once (parallel calls), an empty window, one site's details
 * through the API Request tool, and a site that does not exist. Each call is described by what the
 * sandbox must receive for it and what the model must get back (checked in expectations.js).
 */
const FULL_CALLS = [
	[{ label: 'sites', tool: toolWithArguments([], /site/i), args: {}, target: '/rest/v1/sites', status: 200 }],
	[
		{ label: 'sessions site-berlin-depot', tool: sessionsTool, args: { siteId: 'site-berlin-depot', ...WINDOW }, events: { siteId: 'site-berlin-depot', ...WINDOW }, status: 200 },
		{ label: 'sessions site-brooklyn-fleet-yard', tool: sessionsTool, args: { siteId: 'site-brooklyn-fleet-yard', ...WINDOW }, events: { siteId: 'site-brooklyn-fleet-yard', ...WINDOW }, status: 200 },
	],
	[{ label: 'sessions in an empty window', tool: sessionsTool, args: { siteId: 'site-amsterdam-office', ...EMPTY_WINDOW }, events: { siteId: 'site-amsterdam-office', ...EMPTY_WINDOW }, status: 200 }],
	[{ label: 'API request /sites/site-amsterdam-office', tool: toolWithArguments(['path']), args: { path: '/sites/site-amsterdam-office' }, target: '/rest/v1/sites/site-amsterdam-office', status: 200 }],
	[{ label: `sessions of ${MISSING_SITE}`, tool: sessionsTool, args: { siteId: MISSING_SITE, ...WINDOW }, events: { siteId: MISSING_SITE, ...WINDOW }, status: 404 }],
];
const SITES_ONLY_CALLS = [FULL_CALLS[0]];

/** The model-server script that makes these calls, turn by turn. */
function scriptFor(turns) {
	return { steps: turns.map((calls) => ({ calls: calls.map(({ tool, args }) => ({ tool, args })) })) };
}

/** A text the user wrote over the Charging Sessions tool's default description (case manual-agent2.2). */
const CUSTOM_DESCRIPTION = 'Our own words: completed charging sessions of one site between two ISO 8601 times; energy_wh is in Wh.';

/**
 * The cases of a line. `path`: execute | manual | chat | webhook. `agent`, `model`: the AI Agent's
 * and the OpenAI Chat Model's typeVersion (null: as in the example); `step`: a manual run of the
 * AI Agent alone ("Execute step"). `expect`: 'answers' (the full script), or what n8n does in
 * combinations it does not support: 'emptyToolResult', 'toolNotRun', 'refused'.
 */
function casesFor(line) {
	const latest = LATEST_AGENT[line];
	const cases = [
		{ key: 'execute', path: 'execute', agent: null, model: null, expect: 'answers', title: 'n8n execute: the example as shipped (Agent 3, OpenAI Chat Model 1.3 = Responses API)' },
		{ key: 'manual', path: 'manual', agent: null, model: null, expect: 'answers', title: 'manual run (POST /rest/workflows/{id}/run): the example as shipped (Agent 3, Responses API)' },
		...(latest !== 3
			? [{ key: `manual-agent${latest}`, path: 'manual', agent: latest, model: null, expect: 'answers', title: `manual run: Agent ${latest} (the default of new workflows), Responses API` }]
			: []),
		{
			key: 'manual-agent2.2',
			path: 'manual',
			agent: 2.2,
			model: 1.2,
			expect: 'answers',
			customDescription: CUSTOM_DESCRIPTION,
			title: 'manual run: Agent 2.2 with OpenAI Chat Model 1.2 (Chat Completions), a Description edited by the user',
		},
		line === 2
			? { key: 'execute-step', path: 'manual', step: true, agent: latest, model: null, expect: 'answers', title: `manual "Execute step" on the AI Agent (destinationNode), Agent ${latest}` }
			: {
					key: 'execute-step',
					path: 'manual',
					step: true,
					agent: latest,
					model: null,
					expect: 'toolNotRun',
					title: `not supported by n8n 1.x: "Execute step" on the AI Agent (destinationNode), Agent ${latest}`,
				},
		{ key: 'chat', path: 'chat', agent: latest, model: null, expect: 'answers', title: `production: Chat Trigger (streaming), Agent ${latest}, Responses API streamed` },
		{ key: 'webhook-agent2.2', path: 'webhook', agent: 2.2, model: 1.2, expect: 'answers', title: 'production: Webhook (respond with the last node), Agent 2.2, Chat Completions' },
		{
			key: 'order-v0',
			path: 'manual',
			agent: latest,
			model: null,
			order: 'v0',
			expect: 'emptyToolResult',
			title: `not supported by n8n: execution order v0 (a workflow JSON without settings.executionOrder) with Agent ${latest}`,
		},
		{ key: 'agent2.2-responses', path: 'manual', agent: 2.2, model: null, expect: 'refused', title: 'not supported by n8n: Agent 2.2 with OpenAI Chat Model 1.3 (Responses API)' },
	];
	return cases.map((c, index) => {
		const turns = c.expect === 'answers' ? FULL_CALLS : SITES_ONLY_CALLS;
		const workflowId = `CpAiE2e${line}Case${String(index).padStart(4, '0')}`;
		return { ...c, line, workflowId, modelName: `chargepilot-${c.key}`, turns, script: scriptFor(turns) };
	});
}

/** The example as shipped. */
function readExample() {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES, EXAMPLE_FILE), 'utf8'));
}

const uuidFor = (text) => {
	const hex = crypto.createHash('sha256').update(text).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/** The example with this instance's credentials: what a user gets after choosing theirs. */
function withCredentials(example) {
	const workflow = structuredClone(example);
	for (const node of workflow.nodes) {
		if (node.credentials?.chargePilotApi?.id === CP_PLACEHOLDER) node.credentials.chargePilotApi = { ...CP_CREDENTIAL };
		if (node.credentials?.openAiApi?.id === OPENAI_PLACEHOLDER) node.credentials.openAiApi = { ...OPENAI_CREDENTIAL };
	}
	const left = JSON.stringify(workflow).match(/"[^"]*REPLACE_WITH_[^"]*"/);
	if (left) throw new Error(`${EXAMPLE_FILE}: a credential placeholder is left: ${left[0]}`);
	return workflow;
}

/** The case's workflow: the example, its trigger, agent and model set for the case. */
function caseWorkflow(example, c) {
	const workflow = withCredentials(example);
	workflow.id = c.workflowId;
	workflow.name = `AI e2e ${c.key}`;
	workflow.active = false;
	const agent = workflow.nodes.find((node) => node.type === AGENT_TYPE);
	const model = workflow.nodes.find((node) => node.type === MODEL_TYPE);
	if (c.agent !== null) agent.typeVersion = c.agent;
	if (c.model !== null) model.typeVersion = c.model;
	model.parameters.model = { __rl: true, mode: 'id', value: c.modelName };
	if (c.customDescription) {
		const sessions = workflow.nodes.find((node) => node.type === TOOL_TYPE && node.parameters.resource === 'chargingEvent');
		sessions.parameters.toolDescription = c.customDescription;
	}
	if (c.order === 'v0') workflow.settings = {};

	const manual = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
	let trigger;
	if (c.path === 'webhook') {
		trigger = {
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2.1,
			webhookId: uuidFor(`${c.workflowId}-webhook`),
			parameters: { httpMethod: 'POST', path: `chargepilot-ai-e2e-${c.line}-${c.key}`, responseMode: 'lastNode', options: {} },
		};
	} else if (c.path === 'chat') {
		trigger = {
			name: 'When chat message received',
			type: '@n8n/n8n-nodes-langchain.chatTrigger',
			typeVersion: 1.4,
			webhookId: uuidFor(`${c.workflowId}-chat`),
			parameters: { public: true, mode: 'webhook', options: { responseMode: 'streaming' } },
		};
		// The prompt is the chat message.
		agent.parameters = { promptType: 'auto', options: agent.parameters.options };
	}
	if (trigger) {
		workflow.nodes = workflow.nodes.map((node) => (node === manual ? { ...trigger, id: manual.id, position: manual.position } : node));
		workflow.connections[trigger.name] = workflow.connections[manual.name];
		delete workflow.connections[manual.name];
	}
	return workflow;
}

/** The credentials n8n imports: the sandbox (signed requests) and the scripted model. */
function credentials(sandbox, model) {
	return [
		{ ...CP_CREDENTIAL, type: 'chargePilotApi', data: { region: 'custom', baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, apiSecret: sandbox.apiSecret, signedPath: 'full' } },
		{ ...OPENAI_CREDENTIAL, type: 'openAiApi', data: { apiKey: MODEL_KEY, url: model.baseUrl, header: false } },
	];
}

module.exports = { EXAMPLE_FILE, MODEL_KEY, MISSING_SITE, TOOL_TYPE, casesFor, readExample, caseWorkflow, credentials };
