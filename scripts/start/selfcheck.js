'use strict';

/**
 * The playground's self-check: does this n8n run the package against the sandbox, and does every
 * demo and example show real items? It runs its own temporary copies (credentials and workflows
 * created over n8n's REST API, named "ChargePilot playground self-check ...", removed afterwards),
 * never the user's, so whatever the user edits in the editor (n8n saves as they go) cannot make it
 * fail, and it changes nothing of theirs:
 *
 *   demo       Manual Trigger -> Site Get Many: every sandbox site, signature verified
 *   examples   each examples/*.json from its manual trigger: every ChargePilot node and the last node
 *              output items; an MCP server example (MCP Server Trigger) activated on a path of its
 *              own with a temporary token: an MCP client lists its tools and calls each one
 *   trigger    the ChargePilot Trigger as "Fetch Test Event" runs it: the latest session
 *   push       the Push Trigger, activated on a path of its own: a session the sandbox pushes
 *              arrives as one item
 */

const crypto = require('node:crypto');

const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');

const { nodeResult } = require('../../dev/n8n');
const { PlaygroundError } = require('./options');
const {
	CREDENTIAL_TYPE,
	MCP_TOKEN_TYPE,
	DEMO_NODE_NAME,
	DEMO_TRIGGER_NAME,
	NODE_TYPE,
	POLL_TRIGGER_NAME,
	PUSH_CREDENTIAL_TYPE,
	PUSH_PATH,
	PUSH_TRIGGER_NAME,
	demoWorkflow,
	exampleWorkflows,
	pollWorkflow,
	pushWorkflow,
	sandboxCredentialData,
} = require('./workflows');

/** Every temporary credential and workflow of the self-check is named so (leftovers are found by it). */
const PREFIX = 'ChargePilot playground self-check';
const MCP_TRIGGER_TYPE = '@n8n/n8n-nodes-langchain.mcpTrigger';
const DAY = 86_400_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What to do when a check fails: named in every failure message. */
function advice(logFile) {
	return (
		`\n  The self-check runs its own copies of the demo and the examples, so edits you made in n8n are not the cause.` +
		`\n  What to do: look at n8n's log (${logFile}); after changing the code, \`npm start\` again (it rebuilds);` +
		` \`npm start -- --reset\` starts over with a fresh n8n (it deletes your workflows, credentials and executions);` +
		` \`npm start -- --no-check\` starts without this check.`
	);
}

class SelfCheck {
	/**
	 * @param {object} options
	 *   client   an N8nClient logged in as the owner
	 *   sandbox  the running sandbox
	 *   url      n8n's address
	 *   logFile  n8n's log (named in failure messages)
	 *   push     also check the Push Trigger (activates a copy for a moment)
	 */
	constructor({ client, sandbox, url, logFile, push = true }) {
		Object.assign(this, { client, sandbox, url, logFile, push });
		this.created = { workflows: [], credentials: [] };
		this.results = [];
	}

	fail(what, detail) {
		throw new PlaygroundError(`self-check: ${what}: ${detail}${advice(this.logFile)}`);
	}

	/** A REST call that must answer 200; returns `json.data`. */
	async call(what, method, urlPath, body) {
		const res = await this.client.rest(method, urlPath, body);
		if (res.status !== 200) this.fail(what, `n8n answered HTTP ${res.status}: ${res.text.slice(0, 300)}`);
		return res.json?.data;
	}

	/** Runs every check; returns [{ name, detail, skipped? }]. Removes its copies on every path. */
	async run() {
		try {
			await this.removeLeftovers();
			const credential = await this.createCredential(CREDENTIAL_TYPE, sandboxCredentialData(this.sandbox));
			await this.checkDemo(credential);
			for (const { file, workflow } of exampleWorkflows().found) await this.checkExample(file, workflow, credential);
			await this.checkTrigger(credential);
			if (this.push) await this.checkPush();
			return this.results;
		} finally {
			await this.removeCopies();
		}
	}

	async removeLeftovers() {
		for (const isArchived of [false, true]) {
			const filter = encodeURIComponent(JSON.stringify({ name: PREFIX, isArchived }));
			const res = await this.client.rest('GET', `/workflows?filter=${filter}`);
			for (const workflow of res.json?.data ?? []) if (workflow.name.startsWith(PREFIX)) this.created.workflows.push(workflow);
		}
		const credentials = await this.client.rest('GET', '/credentials');
		for (const credential of credentials.json?.data ?? []) if (credential.name.startsWith(PREFIX)) this.created.credentials.push(credential.id);
		await this.removeCopies();
	}

	/**
	 * Removes the copies: each workflow deactivated (whether or not it says it is active: n8n refuses
	 * to archive an active one), archived and deleted, then looked up until n8n no longer knows it, up
	 * to five tries (a busy n8n answers late or refuses while it is still deactivating; a copy left in
	 * the database was seen once). What still cannot be removed is said; the next start's
	 * removeLeftovers tries again.
	 */
	async removeCopies() {
		const quietly = (promise) => promise.catch((error) => ({ status: 0, text: error.message }));
		/** Tries `removeOnce` (true when the thing is gone) up to five times, waiting longer each time. */
		const untilGone = async (removeOnce) => {
			for (let attempt = 1; attempt <= 5; attempt++) {
				if (attempt > 1) await sleep(500 * attempt);
				if (await removeOnce()) return true;
			}
			return false;
		};
		for (const workflow of this.created.workflows.splice(0)) {
			const gone = await untilGone(async () => {
				await quietly(this.client.rest('POST', `/workflows/${workflow.id}/deactivate`, {}));
				await quietly(this.client.rest('POST', `/workflows/${workflow.id}/archive`, {}));
				await quietly(this.client.rest('DELETE', `/workflows/${workflow.id}`));
				return (await quietly(this.client.rest('GET', `/workflows/${workflow.id}`))).status === 404;
			});
			if (!gone) console.error(`self-check: could not remove its copy "${workflow.name}" (${workflow.id}); the next start removes it`);
		}
		for (const id of this.created.credentials.splice(0)) {
			const gone = await untilGone(async () => {
				const res = await quietly(this.client.rest('DELETE', `/credentials/${id}`));
				return res.status === 200 || res.status === 404;
			});
			if (!gone) console.error(`self-check: could not remove its credential ${id}; the next start removes it`);
		}
	}

	async createCredential(type, data) {
		const credential = await this.call(`creating a temporary ${type} credential`, 'POST', '/credentials', { name: `${PREFIX} (${type}, temporary)`, type, data });
		this.created.credentials.push(credential.id);
		return { type, id: credential.id, name: credential.name };
	}

	/** A temporary copy of `workflow` (no id; credentials of `credential.type` swapped for it). */
	async createCopy(workflow, credentials, changes = {}) {
		const { id: _id, active: _active, pinData: _pinData, ...rest } = workflow;
		const nodes = workflow.nodes.map((node) => {
			if (!node.credentials) return node;
			const swapped = { ...node.credentials };
			for (const credential of credentials) if (swapped[credential.type]) swapped[credential.type] = { id: credential.id, name: credential.name };
			return { ...node, credentials: swapped };
		});
		const copy = await this.call(`creating a copy of "${workflow.name}"`, 'POST', '/workflows', { ...rest, ...changes, nodes: changes.nodes ?? nodes, name: `${PREFIX}: ${workflow.name} (temporary)`, active: false });
		this.created.workflows.push(copy);
		return copy;
	}

	/** Runs a copy from `trigger` as the editor's "Execute workflow" does; returns the ended execution. */
	async execute(copy, trigger, what) {
		const started = await this.call(`running ${what}`, 'POST', `/workflows/${copy.id}/run`, { triggerToStartFrom: { name: trigger } });
		if (!started?.executionId) this.fail(`running ${what}`, `n8n started no execution (${JSON.stringify(started).slice(0, 200)})`);
		const execution = await this.client.waitForExecution(started.executionId, { timeoutMs: 90_000 }).catch((error) => this.fail(`running ${what}`, error.message));
		if (execution.status !== 'success') {
			const error = execution.data?.resultData?.error;
			const node = error?.node?.name ?? execution.data?.resultData?.lastNodeExecuted;
			this.fail(`${what} ended with status ${execution.status}`, `${node ? `node "${node}": ` : ''}${error?.message ?? 'no error message'}${error?.description ? ` (${error.description})` : ''}`);
		}
		return execution;
	}

	async checkDemo(credential) {
		const workflow = demoWorkflow();
		const copy = await this.createCopy(workflow, [credential]);
		const before = new Set(this.sandbox.requests);
		const execution = await this.execute(copy, DEMO_TRIGGER_NAME, 'the demo');
		const sites = nodeResult(execution, DEMO_NODE_NAME).items ?? [];
		if (sites.length !== this.sandbox.sites.length) this.fail('the demo', `"${DEMO_NODE_NAME}" output ${sites.length} items, the sandbox has ${this.sandbox.sites.length} sites`);
		const seen = this.sandbox.requests.filter((record) => !before.has(record));
		const verified = seen.find((r) => r.method === 'GET' && /^\/rest\/v1\/sites(\?|$)/.test(r.target) && r.status === 200 && r.auth?.ok);
		if (!verified) this.fail('the demo', `the sandbox saw no verified GET /sites (${seen.map((r) => `${r.status} ${r.auth?.reason ?? ''}`).join('; ') || 'no request'})`);
		this.results.push({ name: `demo "${workflow.name}"`, detail: `${sites.length} sites; the sandbox verified the signature (${verified.auth.variant} path)` });
	}

	async checkExample(file, workflow, credential) {
		if (workflow.nodes.some((node) => node.type === MCP_TRIGGER_TYPE)) return await this.checkMcpExample(file, workflow, credential);
		// An example that needs a credential the playground cannot make (the AI example's model) is
		// imported for the user to finish, not run here.
		const foreign = [...new Set(workflow.nodes.flatMap((node) => Object.keys(node.credentials ?? {})).filter((type) => type !== CREDENTIAL_TYPE))];
		if (foreign.length) {
			this.results.push({ name: `example "${workflow.name}"`, detail: `not run: it needs your own ${foreign.join(', ')} credential`, skipped: true });
			return;
		}
		const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
		if (!trigger) {
			this.results.push({ name: `example "${workflow.name}"`, detail: 'not run: it has no manual trigger to run it from', skipped: true });
			return;
		}
		const copy = await this.createCopy(workflow, [credential]);
		const execution = await this.execute(copy, trigger.name, `the example ${file}`);
		const runData = execution.data.resultData.runData;
		const counts = [];
		for (const node of workflow.nodes) {
			if (!runData[node.name]) {
				if (node.type === NODE_TYPE && !node.disabled) this.fail(`the example ${file}`, `its ChargePilot node "${node.name}" did not run`);
				continue;
			}
			const items = nodeResult(execution, node.name).items ?? [];
			counts.push(`${node.name} ${items.length}`);
			if (node.type === NODE_TYPE && items.length === 0) this.fail(`the example ${file}`, `"${node.name}" output no items (the sandbox's sessions should reach up to now)`);
		}
		const last = execution.data.resultData.lastNodeExecuted;
		if (!(nodeResult(execution, last).items ?? []).length) this.fail(`the example ${file}`, `its last node "${last}" output no items`);
		this.results.push({ name: `example "${workflow.name}"`, detail: `items per node: ${counts.join(', ')}` });
	}

	/**
	 * An MCP server example as an MCP client uses it: a copy on a path of its own with a temporary
	 * bearer token, activated; the official MCP SDK client (Streamable HTTP) lists its tools and calls
	 * each one (site ID, from and to: the main site, the last 7 days; period and groupBy of the
	 * summary: the last 7 days per site), every answer data and every
	 * request verified by the sandbox.
	 */
	async checkMcpExample(file, workflow, credential) {
		const what = `the example ${file}`;
		const trigger = workflow.nodes.find((node) => node.type === MCP_TRIGGER_TYPE);
		if (trigger.parameters?.authentication !== 'bearerAuth') this.fail(what, `its MCP Server Trigger uses ${trigger.parameters?.authentication} authentication; the self-check knows Bearer Auth`);
		const token = crypto.randomBytes(18).toString('hex');
		const tokenCredential = await this.createCredential(MCP_TOKEN_TYPE, { token });
		const pathValue = `${trigger.parameters.path}-self-check-${crypto.randomBytes(6).toString('hex')}`;
		const nodes = workflow.nodes.map((node) => (node === trigger ? { ...node, webhookId: crypto.randomUUID(), parameters: { ...node.parameters, path: pathValue } } : node));
		const copy = await this.createCopy({ ...workflow, nodes }, [credential, tokenCredential]);
		const active = await this.call(`activating a copy of ${file}`, 'POST', `/workflows/${copy.id}/activate`, { versionId: copy.versionId });
		copy.active = Boolean(active?.active);
		const url = `${this.url}/mcp/${pathValue}`;
		// Registration follows activation: ask with a request that reaches no tool (no token: refused).
		let probe;
		for (const until = Date.now() + 60_000; ; await sleep(300)) {
			probe = await this.client.request('POST', `/mcp/${pathValue}`, { body: { jsonrpc: '2.0', id: 0, method: 'ping' }, headers: { accept: 'application/json, text/event-stream' } });
			if (probe.status !== 404 || Date.now() > until) break;
		}
		if (![401, 403].includes(probe.status)) this.fail(what, `its MCP endpoint ${url} answered ${probe.status} instead of refusing a request without a token: ${probe.text.slice(0, 200)}`);
		const mcp = new Client({ name: 'chargepilot-playground-self-check', version: '1.0.0' });
		const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
		const answered = [];
		try {
			await mcp.connect(transport).catch((error) => this.fail(what, `an MCP client could not connect to ${url}: ${error.message}`));
			const { tools } = await mcp.listTools();
			const wanted = workflow.nodes.filter((node) => node.type === `${NODE_TYPE}Tool`).map((node) => node.name.replace(/[^a-zA-Z0-9_-]+/g, '_'));
			const listed = tools.map((tool) => tool.name);
			if (wanted.some((name) => !listed.includes(name))) this.fail(what, `tools/list shows ${listed.join(', ') || 'no tools'} instead of ${wanted.join(', ')}`);
			const now = Date.now();
			const values = { siteId: this.sandbox.mainSiteId, from: new Date(now - 7 * DAY).toISOString(), to: new Date(now).toISOString(), period: 'last7Days', groupBy: 'site' };
			for (const tool of tools) {
				const keys = Object.keys(tool.inputSchema?.properties ?? {});
				const unknown = keys.filter((key) => !(key in values));
				if (unknown.length) this.fail(what, `the self-check does not know what to give ${tool.name}'s arguments ${unknown.join(', ')}`);
				const before = new Set(this.sandbox.requests);
				const result = await mcp.callTool({ name: tool.name, arguments: Object.fromEntries(keys.map((key) => [key, values[key]])) });
				const text = (result.content ?? []).map((part) => part.text ?? '').join('');
				let items;
				try {
					items = JSON.parse(text);
				} catch {
					items = undefined;
				}
				if (result.isError || !Array.isArray(items) || !items.length || items.some((item) => item.error)) this.fail(what, `tools/call ${tool.name} answered ${result.isError ? 'a tool error' : ''} ${text.slice(0, 300)}`);
				const seen = this.sandbox.requests.filter((record) => !before.has(record));
				if (!seen.length || !seen.every((record) => record.auth?.ok)) this.fail(what, `tools/call ${tool.name}: the sandbox verified ${seen.filter((r) => r.auth?.ok).length} of ${seen.length} requests`);
				answered.push(`${tool.name} ${items.length}`);
			}
		} finally {
			await transport.terminateSession().catch(() => {});
			await mcp.close().catch(() => {});
		}
		this.results.push({ name: `example "${workflow.name}"`, detail: `MCP server activated (a copy at /mcp/${pathValue}); an MCP client got items per tool: ${answered.join(', ')}; signatures verified` });
	}

	/** "Fetch Test Event": the latest session of the last 30 days over all sites. */
	async checkTrigger(credential) {
		const workflow = pollWorkflow();
		const copy = await this.createCopy(workflow, [credential]);
		const execution = await this.execute(copy, POLL_TRIGGER_NAME, 'the ChargePilot Trigger (Fetch Test Event)');
		const items = nodeResult(execution, POLL_TRIGGER_NAME).items ?? [];
		if (items.length !== 1) this.fail('the ChargePilot Trigger (Fetch Test Event)', `${items.length} items instead of the latest session (are the sandbox's sessions recent?)`);
		const since = Date.now() - 30 * DAY;
		if (!(Date.parse(items[0].start_time) >= since)) this.fail('the ChargePilot Trigger (Fetch Test Event)', `its session started ${items[0].start_time}, not within the last 30 days`);
		this.results.push({ name: 'ChargePilot Trigger, as "Fetch Test Event"', detail: `session ${items[0].transaction_id} of ${items[0].site_id}, started ${items[0].start_time}` });
	}

	/** The Push Trigger on a path of its own: activated, pushed to by the sandbox, deactivated. */
	async checkPush() {
		const key = `self-check-${crypto.randomBytes(12).toString('hex')}`;
		const credential = await this.createCredential(PUSH_CREDENTIAL_TYPE, { subscriptionKey: key });
		const workflow = pushWorkflow();
		const pathValue = `${PUSH_PATH}-self-check-${crypto.randomBytes(6).toString('hex')}`;
		const nodes = workflow.nodes.map((node) => (node.name === PUSH_TRIGGER_NAME ? { ...node, webhookId: crypto.randomUUID(), parameters: { ...node.parameters, path: pathValue }, credentials: { [PUSH_CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } } } : node));
		const copy = await this.createCopy({ ...workflow, nodes }, [credential], { nodes });
		const active = await this.call('activating the Push Trigger copy', 'POST', `/workflows/${copy.id}/activate`, { versionId: copy.versionId });
		copy.active = Boolean(active?.active);
		const url = `${this.url}/webhook/${pathValue}`;
		// Registration follows activation: ask with a request that starts nothing (no key: 401).
		let probe;
		for (const until = Date.now() + 60_000; ; await sleep(300)) {
			probe = await this.client.request('POST', `/webhook/${pathValue}`, { body: [] });
			if (probe.status !== 404 || Date.now() > until) break;
		}
		if (probe.status !== 401) this.fail('the Push Trigger', `its webhook ${url} answered ${probe.status} instead of 401 to a push without a key: ${probe.text.slice(0, 200)}`);
		const [event] = this.sandbox.getEvents(this.sandbox.mainSiteId).slice(-1);
		const answer = await this.sandbox.pushSessions(url, key, { events: [event] }).catch((error) => ({ status: 0, body: error.message }));
		if (answer.status !== 200) this.fail('the Push Trigger', `the sandbox's push to ${url} was answered ${answer.status}: ${answer.body.slice(0, 200)}`);
		let execution;
		const filter = encodeURIComponent(JSON.stringify({ workflowId: copy.id }));
		for (const until = Date.now() + 60_000; !execution; await sleep(300)) {
			const res = await this.client.rest('GET', `/executions?filter=${filter}`);
			const [latest] = res.json?.data?.results ?? [];
			if (latest) execution = await this.client.waitForExecution(latest.id, { timeoutMs: 60_000 }).catch((error) => this.fail('the Push Trigger', error.message));
			else if (Date.now() > until) this.fail('the Push Trigger', `the push was accepted (${answer.body.slice(0, 100)}) but no execution appeared`);
		}
		const items = nodeResult(execution, 'Energy in kWh').items ?? [];
		if (execution.status !== 'success' || items.length !== 1 || items[0].transaction !== event.transaction_id) {
			this.fail('the Push Trigger', `execution ${execution.id} (${execution.status}) output ${JSON.stringify(items).slice(0, 200)} for session ${event.transaction_id}`);
		}
		this.results.push({ name: 'Push Trigger, activated', detail: `a session pushed by the sandbox arrived as 1 item (transaction ${items[0].transaction}, ${items[0].kWh} kWh)` });
	}
}

/** Runs the self-check (see the file comment); returns [{ name, detail }] or throws a PlaygroundError. */
function runSelfCheck(options) {
	return new SelfCheck(options).run();
}

module.exports = { runSelfCheck, SELF_CHECK_PREFIX: PREFIX };
