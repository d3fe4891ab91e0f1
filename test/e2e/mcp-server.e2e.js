#!/usr/bin/env node
'use strict';

/**
 * End to end: the ChargePilot tools served to any MCP client by n8n's MCP Server Trigger.
 * examples/mcp-server-chargepilot.json (MCP Server Trigger with Bearer Auth ← ChargePilot tools with
 * $fromAI() arguments) is activated in a real n8n 2.41.1 and 1.123.81, installed from the packed
 * package, with the ChargePilot credential at the sandbox, and driven by the official MCP
 * TypeScript SDK client (the pinned devDependency @modelcontextprotocol/sdk) over both transports
 * (Streamable HTTP and SSE), as Claude Desktop, Cursor or VS Code would:
 *
 *   tools/list     the example's tools with their names, descriptions and $fromAI() schemas as declared
 *   tools/call     each tool answers with the sandbox's data; every request signed and verified
 *   bad arguments  a tool error the client sees as one (isError: true), nothing sent
 *   errors         an invalid date, an unknown site, ChargePilot's 401: tool errors that name the argument
 *   in flight      several calls over two sessions at once, each with its own answer
 *   auth           a wrong or missing token refused before anything reaches a tool (no request, no execution);
 *                  a copy with Header Auth on a path of its own
 *   n8n's limits   a tools/call without "arguments", an unknown tool: what n8n answers
 *
 * A ChargePilot error (an invalid date, an unknown site, ChargePilot's 401) must be a tool error
 * for the client (isError: true) that names the argument instead of "(item 0)" (issue 25).
 * What n8n itself does not support on a line is run for its symptom, on a line of its own.
 * Loopback only; every n8n process is started here and stopped by its PID and group.
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');

const { EXAMPLES } = require('../../dev/paths');
const { operationOf, WINDOW } = require('./mcp/calls');
const { connect, postMessage, resultItems, resultText, SDK_VERSION } = require('./mcp/client');
const W = require('./mcp/workflows');
const { runSuite } = require('./runner');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A line's ceiling (measured: ~1 min of checks after n8n is up, per line). */
const MAX_MS_PER_LINE = 8 * 60_000;
const TRANSPORTS = ['streamableHttp', 'sse'];
/** The sandbox's answer time while calls are in flight together. */
const LATENCY_MS = 1000;
/** How the client refers to an argument in a message: quoted, e.g. "from" (also inside JSON text). */
const namesArgument = (text, key) => new RegExp(`\\\\?["'\`]${key}\\\\?["'\`]`).test(text);
const ITEM_INDEX = /\(item \d+\)/;

/** The copies of the example on paths of their own. */
const COPIES = {
	header: { id: 'CpMcpE2eHeader01', path: 'chargepilot-header', webhookId: 'b2e1d4f3-0025-4a2b-8c01-0000000000f2', auth: 'headerAuth', label: 'Header Auth' },
	wrongSecret: { id: 'CpMcpE2eBadCred1', path: 'chargepilot-wrong-secret', webhookId: 'b2e1d4f3-0025-4a2b-8c01-0000000000f3', chargePilot: W.CREDENTIALS.wrongSecret, label: 'wrong ChargePilot secret' },
};

/** The trigger version n8n 2.x gives a new MCP Server Trigger; n8n 1.x knows up to 2. */
const NEWER_TRIGGER = { id: 'CpMcpE2eTrig21x1', path: 'chargepilot-v21', webhookId: 'b2e1d4f3-0025-4a2b-8c01-0000000000f4', typeVersion: 2.1 };

/** The MCP URL of an active MCP Server Trigger (typeVersion 2: one path for both transports). */
const mcpUrl = (server, workflow) => `${server.url}/mcp/${W.triggerOf(workflow).parameters.path}`;

/** The HTTP status an SDK connect() failed with (the SDK's StreamableHTTPError / SseError carry it as `code`). */
const httpStatusOf = (error) => (typeof error?.code === 'number' ? error.code : Number(/\b([45]\d\d)\b/.exec(String(error?.message))?.[1]));

/** Every examples/mcp-*.json must be run here: run.js leaves them out (an MCP client calls them). */
function checkMcpExamplesCovered() {
	const found = fs.readdirSync(EXAMPLES).filter((file) => /^mcp-.*\.json$/.test(file));
	assert.deepEqual(found, [W.EXAMPLE_FILE], `examples/mcp-*.json are run by this suite only; teach it ${found.filter((file) => file !== W.EXAMPLE_FILE).join(', ')}`);
}

/** Runs `fn` with the sandbox's record cleared first; returns its value and the requests it caused. */
async function recorded(sandbox, fn) {
	sandbox.clearRequests();
	const started = Date.now();
	const value = await fn();
	return { value, requests: [...sandbox.requests], ms: Date.now() - started };
}

/** A tools/call that resolves { result } or { error } (a JSON-RPC error the SDK throws). */
const settle = (promise) => promise.then((result) => ({ result }), (error) => ({ error }));

/** tools/list as declared: names, descriptions, one string property per $fromAI() key, all required. */
function checkToolList(listed, wanted) {
	assert.deepEqual(listed.map((tool) => tool.name).sort(), wanted.map((tool) => tool.name).sort(), 'the tool names');
	for (const tool of wanted) {
		const shown = listed.find((entry) => entry.name === tool.name);
		assert.equal(shown.description, tool.description, `${tool.name}: the description`);
		const schema = shown.inputSchema;
		assert.equal(schema.type, 'object', `${tool.name}: the input schema type`);
		const keys = Object.keys(tool.arguments).sort();
		assert.deepEqual(Object.keys(schema.properties ?? {}).sort(), keys, `${tool.name}: the arguments`);
		for (const key of keys) {
			assert.equal(schema.properties[key].type, tool.arguments[key].type, `${tool.name}.${key}: the type`);
			assert.equal(schema.properties[key].description, tool.arguments[key].description, `${tool.name}.${key}: the description`);
		}
		assert.deepEqual([...(schema.required ?? [])].sort(), keys, `${tool.name}: the required arguments`);
	}
}

/** The tool that takes arguments (the sessions tool), and one of its string arguments. */
function toolWithArguments(tools) {
	const tool = tools.find((entry) => entry.resource === 'chargingEvent' && entry.operation === 'getAll');
	assert.ok(tool, 'the example has no Charging Event → Get Many tool');
	return tool;
}

/**
 * The executions n8n saved for a workflow (public API), once the number has stopped changing (n8n
 * saves a tools/call's execution a moment after the client has its answer).
 */
async function executionCount(n8n, workflowId) {
	const count = async () => {
		const res = await n8n.api('GET', `/executions?workflowId=${workflowId}&limit=250`);
		assert.equal(res.status, 200, `GET /executions: HTTP ${res.status} ${res.text.slice(0, 200)}`);
		return res.json.data.length;
	};
	let last = await count();
	for (const until = Date.now() + 15_000; Date.now() < until; ) {
		await sleep(1000);
		const now = await count();
		if (now === last) return now;
		last = now;
	}
	return last;
}

async function mcpLine({ line, instance, sandbox, check, skip, startN8n, signIn }) {
	console.log(`  MCP client: @modelcontextprotocol/sdk ${SDK_VERSION} (Node ${process.version})`);
	checkMcpExamplesCovered();
	const example = W.readExample();
	const tools = W.expectedTools(example);
	const sessions = toolWithArguments(tools);
	const sites = tools.find((tool) => tool.resource === 'site' && tool.operation === 'getAll');
	for (const tool of tools) operationOf(tool).prepare?.(sandbox);
	const workflows = {
		bearer: W.exampleWorkflow(example),
		...Object.fromEntries(Object.entries(COPIES).map(([key, copy]) => [key, W.exampleWorkflow(example, { ...copy, name: `${example.name} (${copy.label})` })])),
	};
	// The MCP Server Trigger as n8n 2.x now adds it (typeVersion 2.1), in a workflow moved to 1.x.
	const newer = W.exampleWorkflow(example, { ...NEWER_TRIGGER, name: `${example.name} (MCP Server Trigger 2.1)` });
	await instance.importCredentials(W.credentials(sandbox));
	await instance.importWorkflows([...Object.values(workflows), ...(line === 1 ? [newer] : [])]);
	const server = await startN8n();
	const n8n = await signIn(server);

	await check(`n8n ${instance.version}: the example and its copies activate through the public API`, async () => {
		for (const workflow of Object.values(workflows)) {
			const res = await n8n.api('POST', `/workflows/${workflow.id}/activate`);
			assert.equal(res.status, 200, `${workflow.id}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
			assert.equal(res.json.active, true);
		}
	});

	const urls = Object.fromEntries(Object.entries(workflows).map(([key, workflow]) => [key, mcpUrl(server, workflow)]));
	const bearer = { authorization: `Bearer ${W.BEARER_TOKEN}` };
	/** The instructions each transport's client was given at initialize. */
	const instructions = {};
	/** How each tools/call the SDK clients sent to the example (as shipped) ended: 'result' | 'isError' | 'rpcError'. */
	const outcomes = [];
	const countCall = (_params, answer) => outcomes.push(answer.then((result) => (result.isError ? 'isError' : 'result'), () => 'rpcError'));
	const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'probe', version: '0' } } };

	// Registration follows activation: poll with a request that reaches no tool (no token).
	let probe;
	const registeredAfter = Date.now();
	for (const until = Date.now() + 60_000; ; await sleep(300)) {
		probe = await Promise.all(Object.values(urls).map((url) => postMessage(url, initialize)));
		if (probe.every((res) => res.status !== 404) || Date.now() > until) break;
	}
	await check(`the MCP endpoints ${Object.values(urls).map((url) => new URL(url).pathname).join(', ')} are registered: a request without a token is refused`, () => {
		for (const res of probe) assert.ok([401, 403].includes(res.status), `HTTP ${res.status} ${res.text.slice(0, 300)}`);
		return `registered ${Date.now() - registeredAfter} ms after activation; no token: HTTP ${probe[0].status} "${probe[0].text.slice(0, 80)}"`;
	});

	await check(`a client configured with the URL of n8n's first MCP Server Trigger (typeVersion 1: ${new URL(urls.bearer).pathname}/sse) gets 404 from this one (typeVersion 2 serves both transports at ${new URL(urls.bearer).pathname})`, async () => {
		const res = await fetch(`${urls.bearer}/sse`, { headers: { ...bearer, accept: 'text/event-stream' }, signal: AbortSignal.timeout(15_000) });
		const text = await res.text();
		assert.equal(res.status, 404, text.slice(0, 200));
		return `HTTP 404 "${text.slice(0, 100)}"`;
	});

	if (line === 1) {
		await check(`n8n ${instance.version}: a workflow saved by n8n 2.x, whose MCP Server Trigger has typeVersion 2.1 (unknown to 1.x), activates and serves the tools`, async () => {
			const res = await n8n.api('POST', `/workflows/${newer.id}/activate`);
			assert.equal(res.status, 200, `HTTP ${res.status} ${res.text.slice(0, 300)}`);
			let outcome;
			for (const until = Date.now() + 60_000; ; await sleep(300)) {
				outcome = await settle(connect(mcpUrl(server, newer), { headers: bearer }));
				if (outcome.result || httpStatusOf(outcome.error) !== 404 || Date.now() > until) break;
			}
			assert.ok(outcome.result, `connect: ${outcome.error?.message}`);
			try {
				checkToolList((await outcome.result.listTools()).tools, tools);
			} finally {
				await outcome.result.close();
			}
		});
	}

	for (const transport of TRANSPORTS) {
		const tag = `${transport}`;
		let session;
		await check(`${tag}: the SDK client connects to ${new URL(urls.bearer).pathname} with the bearer token; tools/list shows the example's tools with their names, descriptions and $fromAI() schemas as declared`, async () => {
			session = await connect(urls.bearer, { transport, headers: bearer, onCall: countCall });
			const listed = (await session.listTools()).tools;
			checkToolList(listed, tools);
			instructions[transport] = session.client.getInstructions();
			return listed.map((tool) => `${tool.name}: ${Object.keys(tool.inputSchema.properties ?? {}).join(', ') || 'no arguments'}; description ${tool.description.length} characters`).join('\n') + `\ntools/list: ${JSON.stringify(listed).length} characters`;
		});
		const declared = W.triggerOf(example).parameters.instructions;
		if (line === 2) {
			await check(`${tag}: the client is given the trigger's Instructions at initialize (for the model's system prompt)`, () => assert.equal(instructions[transport], declared));
		} else {
			await check(`not supported by n8n ${instance.version}: the trigger's Instructions (a 2.x parameter) do not reach the client (initialize has no instructions)`, () => {
				assert.ok(declared, 'the example has no Instructions');
				assert.equal(instructions[transport], undefined);
			});
		}
		if (!session) {
			for (const what of ['tools/call', 'bad arguments', 'errors', 'calls in flight', 'auth']) skip(`${tag}: ${what}`, 'the client did not connect');
			continue;
		}
		try {
			for (const tool of tools) {
				await check(`${tag}: tools/call ${tool.name} answers with the sandbox's data (isError unset); ${tool.operation === 'summarize' ? 'GET /sites once and each site\'s sessions in its own period' : 'one request'}, signed and verified`, async () => {
					const operation = operationOf(tool);
					const args = operation.args(sandbox);
					const { value: result, requests, ms } = await recorded(sandbox, () => session.callTool({ name: tool.name, arguments: args }));
					assert.notEqual(result.isError, true, `isError: ${resultText(result).slice(0, 300)}`);
					const detail = operation.verify(resultItems(result), sandbox, args, requests);
					return `${detail}: ${resultText(result).length} characters of text, ${ms} ms`;
				});
			}

			const keys = Object.keys(sessions.arguments);
			const good = operationOf(sessions).args(sandbox);

			await check(`${tag}: a window without sessions: a result that says so ({"results": 0, "message"}), not an empty text; one verified request`, async () => {
				const empty = { ...good, from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z' };
				const { value: result, requests } = await recorded(sandbox, () => session.callTool({ name: sessions.name, arguments: empty }));
				assert.equal(requests.length, 1, `${requests.length} requests`);
				assert.equal(requests[0].auth.ok, true, requests[0].auth.reason);
				assert.equal(requests[0].status, 200);
				assert.notEqual(result.isError, true, resultText(result).slice(0, 300));
				const items = resultItems(result);
				assert.equal(items?.length, 1, resultText(result).slice(0, 300));
				assert.equal(items[0].results, 0);
				assert.ok(typeof items[0].message === 'string' && items[0].message.length > 0, resultText(result).slice(0, 300));
				return `"${resultText(result)}"`;
			});
			const wrongType = { ...good, [keys[0]]: 42 };
			const missing = Object.fromEntries(Object.entries(good).slice(0, -1));
			for (const [what, args, key] of [
				[`a wrong type (${keys[0]}: 42)`, wrongType, keys[0]],
				[`a missing argument (no "${keys.at(-1)}")`, missing, keys.at(-1)],
			]) {
				await check(`${tag}: bad arguments, ${what}: a tool error the client sees as one (isError: true) naming the argument; nothing is sent`, async () => {
					const { value: result, requests } = await recorded(sandbox, () => session.callTool({ name: sessions.name, arguments: args }));
					assert.deepEqual(requests, [], 'requests sent');
					assert.equal(result.isError, true, `isError ${result.isError}: ${resultText(result).slice(0, 300)}`);
					assert.match(resultText(result), new RegExp(`\\b${key}\\b`));
					return `"${resultText(result).replace(/\n+/g, ' ')}"`;
				});
			}

			// A ChargePilot error: the node's own check of a date.
			const badDate = { ...good, from: 'next tuesday' };
			const dateCall = await recorded(sandbox, () => settle(session.callTool({ name: sessions.name, arguments: badDate })));
			const dateText = dateCall.value.result ? resultText(dateCall.value.result) : '';
			await check(`${tag}: an invalid date ("from": "next tuesday") is refused before anything is sent, with a hint`, () => {
				assert.equal(dateCall.value.error, undefined, `a JSON-RPC error instead of a tool result: ${dateCall.value.error?.message}`);
				assert.deepEqual(dateCall.requests, [], 'requests sent');
				assert.match(dateText, /next tuesday/);
				assert.match(dateText, /ISO 8601/);
				return `isError ${dateCall.value.result.isError ?? 'unset'}: "${dateText.slice(0, 300)}"`;
			});
			await check(`${tag}: the invalid date is a tool error for the client (isError: true)`, () => assert.equal(dateCall.value.result?.isError, true, `isError ${dateCall.value.result?.isError}: the client reads the error as data: ${dateText.slice(0, 200)}`));
			await check(`${tag}: its message names the argument ("from"), not "(item 0)"`, () => {
				assert.doesNotMatch(dateText, ITEM_INDEX);
				assert.ok(namesArgument(dateText, 'from'), `the argument "from" is not named: ${dateText.slice(0, 300)}`);
			});

			// ChargePilot's 404 for a site that does not exist.
			const unknown = { ...good, siteId: 'site-does-not-exist' };
			const unknownCall = await recorded(sandbox, () => settle(session.callTool({ name: sessions.name, arguments: unknown })));
			const unknownText = unknownCall.value.result ? resultText(unknownCall.value.result) : '';
			await check(`${tag}: an unknown site: one request, signed and verified, answered 404; the text says so`, () => {
				assert.equal(unknownCall.value.error, undefined, `a JSON-RPC error instead of a tool result: ${unknownCall.value.error?.message}`);
				assert.equal(unknownCall.requests.length, 1, `${unknownCall.requests.length} requests`);
				assert.equal(unknownCall.requests[0].auth.ok, true, unknownCall.requests[0].auth.reason);
				assert.equal(unknownCall.requests[0].status, 404);
				assert.match(unknownText, /404/);
				assert.match(unknownText, /site-does-not-exist/);
				return `isError ${unknownCall.value.result.isError ?? 'unset'}: "${unknownText.slice(0, 300)}"`;
			});
			await check(`${tag}: the unknown site is a tool error for the client (isError: true)`, () => assert.equal(unknownCall.value.result?.isError, true, `isError ${unknownCall.value.result?.isError}: ${unknownText.slice(0, 200)}`));

			await check(`${tag}: n8n's limit: a tools/call without "arguments" is refused by n8n with a JSON-RPC error (-32603 "Require a name and arguments for the tool call"), even for ${sites.name}, which takes none; nothing is sent`, async () => {
				const { value, requests } = await recorded(sandbox, () => settle(session.callTool({ name: sites.name })));
				assert.deepEqual(requests, [], 'requests sent');
				assert.ok(value.error, `answered: ${String(JSON.stringify(value.result)).slice(0, 200)}`);
				assert.equal(value.error.code, -32603);
				assert.match(value.error.message, /Require a name and arguments for the tool call/);
			});
			await check(`${tag}: n8n's limit: an unknown tool name is a JSON-RPC error ("Tool not found"), not a tool result`, async () => {
				const { value, requests } = await recorded(sandbox, () => settle(session.callTool({ name: 'no_such_tool', arguments: {} })));
				assert.deepEqual(requests, [], 'requests sent');
				assert.ok(value.error, `answered: ${String(JSON.stringify(value.result)).slice(0, 200)}`);
				assert.match(value.error.message, /Tool not found/);
			});

			await check(`${tag}: 6 calls in flight at once over two sessions run at the same time; each gets its own answer, one verified request each`, async () => {
				const other = await connect(urls.bearer, { transport, headers: bearer, name: 'chargepilot-mcp-e2e-2', onCall: countCall });
				try {
					const calls = Array.from({ length: 6 }, (_v, k) => {
						const tool = k === 5 ? sites : sessions;
						return { tool, args: operationOf(tool).args(sandbox, k), via: k % 2 ? other : session };
					});
					// Every answer of the sandbox takes a second: calls that run at the same time overlap there.
					sandbox.configure({ faults: { latencyMs: LATENCY_MS } });
					sandbox.clearRequests();
					const started = Date.now();
					let answers;
					try {
						answers = await Promise.all(calls.map((call) => call.via.callTool({ name: call.tool.name, arguments: call.args })));
					} finally {
						sandbox.configure({ faults: null });
					}
					const ms = Date.now() - started;
					const requests = [...sandbox.requests];
					assert.equal(requests.length, calls.length, `${requests.length} requests for ${calls.length} calls`);
					// The most requests the sandbox was answering at one moment.
					const overlap = Math.max(...requests.map((a) => requests.filter((b) => b.startedMs <= a.startedMs && a.startedMs < b.endedMs).length));
					assert.ok(overlap >= 2, `the calls ran one after the other (${ms} ms for ${calls.length})`);
					const details = calls.map((call, k) => {
						assert.notEqual(answers[k].isError, true, `call ${k}: ${resultText(answers[k]).slice(0, 200)}`);
						const operation = operationOf(call.tool);
						return operation.verify(resultItems(answers[k]), sandbox, call.args, requests.filter((request) => operation.isRequestOf(request, call.args)));
					});
					return `${ms} ms for all (the sandbox answers each after ${LATENCY_MS} ms); at most ${overlap} requests at the sandbox at once; ${details.join(', ')}`;
				} finally {
					await other.close();
				}
			});

			await check(`${tag}: a request of this session without the token, or with a wrong one, is refused (nothing reaches a tool)`, async () => {
				const message = { jsonrpc: '2.0', id: 99, method: 'tools/call', params: { name: sites.name, arguments: {} } };
				// Streamable HTTP names the session in a header; SSE in the URL it announced.
				const target = transport === 'sse' ? session.transport._endpoint.href : urls.bearer;
				const sessionId = transport === 'sse' ? undefined : session.transport.sessionId;
				const before = await executionCount(n8n, workflows.bearer.id);
				const { value: answers, requests } = await recorded(sandbox, () => Promise.all([{}, { authorization: 'Bearer wrong-token' }].map((headers) => postMessage(target, message, { headers, sessionId }))));
				assert.deepEqual(requests, [], 'requests sent');
				for (const res of answers) assert.ok([401, 403].includes(res.status), `HTTP ${res.status} ${res.text.slice(0, 200)}`);
				assert.equal(await executionCount(n8n, workflows.bearer.id), before, 'executions started');
				return answers.map((res) => `HTTP ${res.status} "${res.text.slice(0, 60)}"`).join(', ');
			});
		} finally {
			await session.close();
		}

		for (const [what, headers] of [
			['a wrong bearer token', { authorization: 'Bearer wrong-token' }],
			['no token', {}],
		]) {
			await check(`${tag}: ${what} is refused at connect (nothing reaches a tool: no request, no execution)`, async () => {
				const before = await executionCount(n8n, workflows.bearer.id);
				const { value: outcome, requests } = await recorded(sandbox, () => settle(connect(urls.bearer, { transport, headers })));
				if (outcome.result) await outcome.result.close();
				assert.ok(outcome.error, 'the client connected');
				assert.ok([401, 403].includes(httpStatusOf(outcome.error)), `refused with: ${outcome.error.message}`);
				assert.deepEqual(requests, [], 'requests sent');
				assert.equal(await executionCount(n8n, workflows.bearer.id), before, 'executions started');
				return `"${outcome.error.message}"`;
			});
		}

		await check(`${tag}: the copy with Header Auth (${W.HEADER.name}): the client with the header lists the tools and calls ${sites.name} (one verified request); a wrong or missing header is refused`, async () => {
			const withHeader = await connect(urls.header, { transport, headers: { [W.HEADER.name]: W.HEADER.value } });
			try {
				checkToolList((await withHeader.listTools()).tools, tools);
				const { value: result, requests } = await recorded(sandbox, () => withHeader.callTool({ name: sites.name, arguments: {} }));
				assert.notEqual(result.isError, true, resultText(result).slice(0, 300));
				operationOf(sites).verify(resultItems(result), sandbox, {}, requests);
			} finally {
				await withHeader.close();
			}
			const refused = [];
			for (const headers of [{ [W.HEADER.name]: 'wrong' }, {}]) {
				const outcome = await settle(connect(urls.header, { transport, headers }));
				if (outcome.result) await outcome.result.close();
				assert.ok(outcome.error, `connected with ${JSON.stringify(headers)}`);
				assert.ok([401, 403].includes(httpStatusOf(outcome.error)), outcome.error.message);
				refused.push(httpStatusOf(outcome.error));
			}
			return `wrong header: HTTP ${refused[0]}, none: HTTP ${refused[1]}`;
		});

		// ChargePilot's 401: the copy whose ChargePilot credential has a wrong secret.
		const refusedCall = await recorded(sandbox, async () => {
			const client = await connect(urls.wrongSecret, { transport, headers: bearer });
			try {
				return await settle(client.callTool({ name: sites.name, arguments: {} }));
			} finally {
				await client.close();
			}
		});
		const refusedText = refusedCall.value.result ? resultText(refusedCall.value.result) : '';
		await check(`${tag}: ChargePilot's 401 (a copy whose ChargePilot credential has a wrong secret): one request, refused by the sandbox's signature check; the text says so`, () => {
			assert.equal(refusedCall.value.error, undefined, `a JSON-RPC error instead of a tool result: ${refusedCall.value.error?.message}`);
			assert.equal(refusedCall.requests.length, 1, `${refusedCall.requests.length} requests`);
			assert.equal(refusedCall.requests[0].auth.ok, false);
			assert.equal(refusedCall.requests[0].status, 401);
			assert.match(refusedText, /401/);
			return `isError ${refusedCall.value.result.isError ?? 'unset'}: "${refusedText.slice(0, 300)}"`;
		});
		await check(`${tag}: ChargePilot's 401 is a tool error for the client (isError: true), without "(item 0)"`, () => {
			assert.equal(refusedCall.value.result?.isError, true, `isError ${refusedCall.value.result?.isError}: ${refusedText.slice(0, 200)}`);
			assert.doesNotMatch(refusedText, ITEM_INDEX);
		});
	}

	const ended = await Promise.all(outcomes);
	const tally = (kind) => ended.filter((outcome) => outcome === kind).length;
	const saved = await executionCount(n8n, workflows.bearer.id);
	const counts = `${saved} executions for ${ended.length} tools/call requests (${tally('result')} results, ${tally('isError')} tool errors, ${tally('rpcError')} JSON-RPC errors)`;
	if (line === 2) {
		await check(`n8n ${instance.version}: n8n saved one execution per tools/call sent to the example (also those ending in a tool error or a JSON-RPC error), none for a refused token`, () => {
			assert.equal(saved, ended.length, counts);
			return counts;
		});
	} else {
		await check(`not supported by n8n ${instance.version}: a tools/call that ends in a tool error (isError) or a JSON-RPC error leaves no execution in n8n's list (the client has its answer, but n8n 1.x ends that webhook call only after a result; docs/MCP.md); one execution per other call, none for a refused token`, () => {
			assert.ok(tally('isError') + tally('rpcError') > 0, `no failing call was made: ${counts}`);
			assert.equal(saved, tally('result'), counts);
			return counts;
		});
	}
	console.log(`  window asked for: ${WINDOW.from}..${WINDOW.to}`);
}

runSuite({
	name: 'mcp-server e2e',
	sandbox: { signedPath: 'full' },
	maxMsPerLine: MAX_MS_PER_LINE,
	needsFiles: ['dist/nodes/ChargePilot/ChargePilot.node.js', 'dist/nodes/ChargePilot/actions/common.descriptions.js'],
	line: mcpLine,
});
