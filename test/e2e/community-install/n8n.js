'use strict';

/**
 * What the Community Nodes suite does in n8n: the page's REST calls, the node and credential types
 * the editor reloads, a workflow with the ChargePilot node run as the editor runs it, and its output.
 */

const assert = require('node:assert/strict');

const { nodeResult, waitUntilEnded } = require('../../../dev/n8n');

const { CREDENTIAL_TYPES, NODE_TYPE, PACKAGE } = require('./packages');

/** Long enough for an install on a busy machine (measured up to 20 s); n8n answers or the request fails. */
const INSTALL_TIMEOUT_MS = 240_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function workflowBody(credential) {
	const chargePilot = (id, name, y, parameters) => ({ id, name, type: NODE_TYPE, typeVersion: 1, position: [300, y], parameters, credentials: { chargePilotApi: credential } });
	return {
		name: 'ChargePilot from the Community Nodes page',
		active: false,
		nodes: [
			{ id: 'c0a80000-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			chargePilot('c0a80000-0000-4000-8000-000000000002', 'Ping', 0, { resource: 'api', operation: 'ping' }),
			chargePilot('c0a80000-0000-4000-8000-000000000003', 'Sites', 200, { resource: 'site', operation: 'getAll', returnAll: true }),
		],
		connections: { Start: { main: [[{ node: 'Ping', type: 'main', index: 0 }, { node: 'Sites', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** The Community Nodes page's calls (n8n's editor: installPackage, getInstalledCommunityNodes, updatePackage, uninstallPackage). */
function communityPackages(n8n) {
	const timed = async (call) => {
		const started = Date.now();
		const res = await call();
		return { ...res, ms: Date.now() - started };
	};
	return {
		list: () => timed(() => n8n.rest('GET', '/community-packages', undefined, { timeoutMs: INSTALL_TIMEOUT_MS })),
		install: (body) => timed(() => n8n.rest('POST', '/community-packages', body, { timeoutMs: INSTALL_TIMEOUT_MS })),
		update: (name) => timed(() => n8n.rest('PATCH', '/community-packages', { name }, { timeoutMs: INSTALL_TIMEOUT_MS })),
		uninstall: (name) => timed(() => n8n.rest('DELETE', `/community-packages?name=${encodeURIComponent(name)}`, undefined, { timeoutMs: INSTALL_TIMEOUT_MS })),
	};
}

/**
 * What the editor reloads after an install, update or uninstall: the node and credential types,
 * read until `ready(types)` holds (default: at once). n8n rewrites these files in place
 * (FrontendService.writeStaticJSON, 12 MB) and serves them with sendFile: 1.x does not even wait
 * for the write before it answers the install. A read during a write gets a cut file (1.x) or a
 * connection closed mid-answer (2.x, seen once: UND_ERR_SOCKET). Such a read and a not-yet-changed
 * list are read again, for up to 60 s; what is returned then is asserted by the caller.
 */
async function loadedTypes(n8n, ready = () => true) {
	const read = async (file) => {
		let res;
		try {
			res = await n8n.request('GET', `/types/${file}`, { cookie: n8n.cookie, timeoutMs: 60_000 });
		} catch (error) {
			if (['UND_ERR_SOCKET', 'ECONNRESET'].includes(error.code)) return { cut: `/types/${file}: ${error.message}` };
			throw error;
		}
		assert.equal(res.status, 200, `/types/${file}: HTTP ${res.status}`);
		return Array.isArray(res.json) ? res.json : { cut: `/types/${file}: not a JSON array (${res.text.length} bytes): …${res.text.slice(-120)}` };
	};
	let types;
	for (let attempt = 0, until = Date.now() + 60_000; ; attempt++, await sleep(500)) {
		if (attempt === 1) loadedTypes.rereads = (loadedTypes.rereads ?? 0) + 1;
		const [nodes, credentials] = [await read('nodes.json'), await read('credentials.json')];
		const cut = [nodes.cut, credentials.cut].filter(Boolean);
		if (cut.length) loadedTypes.cut = [...(loadedTypes.cut ?? []), ...cut];
		if (!cut.length) {
			const ours = nodes.filter((type) => String(type.name).startsWith(`${PACKAGE}.`));
			types = {
				nodes: [...new Set(ours.map((type) => type.name))].sort(),
				description: ours.find((type) => type.name === NODE_TYPE)?.description,
				credentials: credentials.filter((type) => CREDENTIAL_TYPES.includes(type.name)).map((type) => type.name).sort(),
			};
			if (ready(types)) return types;
		}
		if (Date.now() > until) {
			if (cut.length) throw new Error(cut.join('; '));
			return types;
		}
	}
}

/**
 * "Execute workflow" as the editor does it (POST /rest/workflows/{id}/run; 2.x reads the workflow
 * from its database, 1.x from the body), then the execution from the public API once it has ended.
 * n8n 1.x can show a finished execution a moment before its run data: waitUntilEnded() waits for it.
 */
async function runWorkflow(n8n, workflow) {
	const started = await n8n.rest('POST', `/workflows/${workflow.id}/run`, { workflowData: workflow, triggerToStartFrom: { name: 'Start' } }, { timeoutMs: 120_000 });
	const executionId = started.json?.data?.executionId;
	if (started.status !== 200 || !executionId) return { started };
	const execution = await waitUntilEnded(
		async () => {
			const res = await n8n.api('GET', `/executions/${executionId}?includeData=true`);
			return res.status === 200 ? res.json : null;
		},
		{ what: `execution ${executionId}`, timeoutMs: 120_000, intervalMs: 300 },
	);
	return { started, executionId, execution };
}

/** A node's output items in a finished run (runWorkflow()); throws when it did not run or failed. */
function output(run, nodeName) {
	const { items, error } = nodeResult(run.execution, nodeName);
	if (!items) throw new Error(`node ${nodeName} did not run: ${JSON.stringify(run.execution.data.resultData.error ?? {}).slice(0, 400)}`);
	if (error) throw new Error(`node ${nodeName} failed: ${JSON.stringify(error).slice(0, 400)}`);
	return items;
}

module.exports = { workflowBody, communityPackages, loadedTypes, runWorkflow, output };
