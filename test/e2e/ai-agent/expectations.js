'use strict';

/**
 * What an AI Agent case must show, read from what the scripted model received (tools offered, tool
 * results) and what the sandbox received (signed requests): never from the tool node's own output,
 * which looks fine even when the model got nothing (README "Use with AI agents").
 */

const assert = require('node:assert/strict');
const path = require('node:path');

const { DIST } = require('../../../dev/paths');
const { MISSING_SITE, TOOL_TYPE } = require('./cases');

/** n8n's tool name for a node name (n8n-workflow nodeNameToToolName). */
const toolName = (nodeName) => nodeName.replace(/[^a-zA-Z0-9_-]+/g, '_').slice(0, 64);
const count = (n) => n.toLocaleString('en-US');

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

/** What the model must be offered for each ChargePilot tool of a case's workflow. */
function expectedTools(workflow, customDescription) {
	return workflow.nodes
		.filter((node) => node.type === TOOL_TYPE)
		.map((node) => {
			const { resource, operation } = node.parameters;
			return {
				name: toolName(node.name),
				description: node.parameters.toolDescription ?? (customDescription && resource === 'chargingEvent' ? customDescription : defaultToolDescription(resource, operation)),
				arguments: fromAiArguments(node.parameters),
			};
		});
}

/** The sandbox's answer to a charging-events query, as the tool's Limit (20) and the example's sort (newest first) shape it. */
function expectedSessions(sandbox, { siteId, from, to }) {
	if (siteId === MISSING_SITE) return undefined;
	const [start, end] = [Date.parse(from), Date.parse(to)];
	const inWindow = sandbox.getEvents(siteId).filter((event) => Date.parse(event.start_time) >= start && Date.parse(event.start_time) < end);
	inWindow.sort((a, b) => Date.parse(b.start_time) - Date.parse(a.start_time) || a.transaction_id - b.transaction_id);
	return { inWindow: inWindow.length, newest: inWindow.slice(0, 20).map((event) => event.transaction_id) };
}

/** Pairs each scripted call with the result the model got for it (by the call's arguments). */
function resultsByCall(c, last) {
	const calls = c.turns.flat();
	const byId = new Map((last?.toolCalls ?? []).map((call) => [call.id, call]));
	return calls.map((call) => {
		const result = (last?.toolResults ?? []).find((entry) => {
			const made = byId.get(entry.callId);
			return made && Object.keys(call.args).every((key) => made.args?.[key] === call.args[key]) && Object.keys(call.args).length === Object.keys(made.args ?? {}).filter((key) => key !== 'id').length;
		});
		return { call, result };
	});
}

const parse = (text) => {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
};

/** Prints what the model was shown: each tool's name, description and argument schema. */
function printOffered(first) {
	console.log('  what the model is shown (first request):');
	for (const tool of first.tools) {
		console.log(`    ${tool.name}: "${tool.description}"`);
		console.log(`      arguments: ${JSON.stringify(tool.parameters)}`);
	}
	const bytes = count(JSON.stringify(first.tools).length);
	console.log(`    (the ${first.tools.length} tool definitions take ${bytes} characters of the request)`);
}

/** Prints how much each tool result put into the model's context. */
function printSizes(c, pairs) {
	const parts = pairs.map(({ call, result }) => {
		if (!result) return `${call.label}: none`;
		const parsed = parse(result.content);
		return `${call.label} ${count(result.content.length)} characters${Array.isArray(parsed) ? ` (${parsed.length} item${parsed.length === 1 ? '' : 's'})` : ''}`;
	});
	console.log(`  [${c.key}] the model received: ${parts.join('; ')}`);
}

/**
 * The checks of one case. `records`: the model server's requests of the case; `requests`: the
 * sandbox's; `run`: the execution (status, data.resultData); `answer`: the final text the user got
 * (the agent's output, the webhook's or the chat's answer); `workflow`: the case's workflow;
 * `version`: the running n8n's version, for the labels.
 */
async function checkCase({ check, c, version, records, requests, sandbox, run, answer, workflow, printShown }) {
	const tag = `n8n ${version} ${c.key}`;
	const resultData = run?.data?.resultData ?? {};

	if (c.expect === 'refused') {
		await check(`${tag}: ${c.title}: the execution fails before any model call, with n8n's reason`, () => {
			assert.equal(run?.status, 'error', `status ${run?.status}`);
			assert.match(JSON.stringify(resultData.error ?? resultData.runData?.['AI Agent']?.[0]?.error ?? {}), /not supported in 2\.2 version of the Agent node/);
			assert.equal(records.length, 0, `${records.length} model requests`);
		});
		return;
	}

	const first = records[0];
	const last = records.at(-1);
	if (c.expect === 'emptyToolResult') {
		await check(`${tag}: ${c.title}: the tool ran (signed, verified), but the model got "" (n8n ran the agent before the tool)`, () => {
			assert.equal(run?.status, 'success', `status ${run?.status}: ${JSON.stringify(resultData.error ?? {}).slice(0, 400)}`);
			assert.deepEqual(
				last?.toolResults?.map((result) => result.content),
				['""'],
				`tool results: ${JSON.stringify(last?.toolResults)}`,
			);
			assert.deepEqual(
				requests.map((request) => [request.target, request.status, request.auth.ok]),
				[['/rest/v1/sites', 200, true]],
			);
		});
		return;
	}

	if (c.expect === 'toolNotRun') {
		await check(`${tag}: ${c.title}: the tool never runs (nothing reaches the sandbox) and the model gets ""`, () => {
			assert.equal(run?.status, 'success', `status ${run?.status}: ${JSON.stringify(resultData.error ?? {}).slice(0, 400)}`);
			assert.deepEqual(
				last?.toolResults?.map((result) => result.content),
				['""'],
				`tool results: ${JSON.stringify(last?.toolResults)}`,
			);
			assert.deepEqual(requests, []);
		});
		return;
	}

	await check(`${tag}: ${c.title}: the execution succeeds`, () => {
		assert.equal(run?.status, 'success', `status ${run?.status}: ${JSON.stringify(resultData.error ?? {}).slice(0, 600)}`);
		assert.ok(records.length > 0, 'the model was never called');
		for (const record of records) {
			assert.equal(record.authorized, true, 'n8n did not send the OpenAI credential');
			assert.equal(record.scriptError, undefined, record.scriptError);
		}
	});
	if (!first) return;
	if (printShown) printOffered(first);

	const wanted = expectedTools(workflow, c.customDescription);
	await check(`${tag}: the model is offered each tool with its name, its Description and an argument schema from $fromAI()`, () => {
		assert.deepEqual(first.tools.map((tool) => tool.name).sort(), wanted.map((tool) => tool.name).sort());
		const wrong = wanted
			.map((tool) => ({ tool, sent: first.tools.find((entry) => entry.name === tool.name).description }))
			.filter(({ tool, sent }) => sent !== tool.description)
			.map(({ tool, sent }) => `${tool.name}: the model was told "${sent}" instead of "${tool.description}"`);
		assert.deepEqual(wrong, [], 'the descriptions sent to the model');
		for (const tool of wanted) {
			const offered = first.tools.find((entry) => entry.name === tool.name);
			const schema = offered.parameters;
			assert.equal(schema?.type, 'object', `${tool.name}: schema ${JSON.stringify(schema)}`);
			assert.deepEqual(Object.keys(schema.properties ?? {}).sort(), Object.keys(tool.arguments).sort(), `${tool.name}: arguments`);
			for (const [key, argument] of Object.entries(tool.arguments)) {
				assert.equal(schema.properties[key].type, argument.type, `${tool.name}.${key} type`);
				assert.equal(schema.properties[key].description, argument.description, `${tool.name}.${key} description`);
			}
			assert.deepEqual([...(schema.required ?? [])].sort(), Object.keys(tool.arguments).sort(), `${tool.name}: required arguments`);
		}
	});

	const calls = c.turns.flat();
	await check(`${tag}: every tool call reached the sandbox signed and verified (${calls.length} calls in ${c.turns.length} turns, 2 of them at once)`, () => {
		assert.equal(records.length, c.turns.length + 1, `model requests: ${records.length}`);
		assert.equal(requests.length, calls.length, `sandbox requests: ${requests.map((request) => request.target).join(', ')}`);
		for (const request of requests) assert.equal(request.auth.ok, true, `${request.target}: ${request.auth.reason}`);
		for (const call of calls) {
			const match = requests.find((request) => {
				if (call.target) return request.target === call.target;
				const url = new URL(request.target, 'http://sandbox.invalid');
				const q = url.searchParams;
				return (
					url.pathname === `/rest/v1/charging-events/site/${call.events.siteId}` &&
					q.get('from') === call.events.from &&
					q.get('to') === call.events.to &&
					q.get('take') === '20' &&
					q.get('sort_field') === 'start_time' &&
					q.get('sort_order') === 'desc'
				);
			});
			assert.ok(match, `${call.label}: no such request; the sandbox got ${requests.map((request) => request.target).join(', ')}`);
			assert.equal(match.status, call.status, `${call.label}: status`);
		}
	});

	const pairs = resultsByCall(c, last);
	printSizes(c, pairs);
	await check(`${tag}: the model received each tool's answer: the sites, at most 20 sessions (newest first), an explicit "no results", the API's answer`, () => {
		for (const { call, result } of pairs) {
			assert.ok(result, `${call.label}: no tool result reached the model`);
			if (call.status !== 200) continue;
			const json = parse(result.content);
			assert.ok(json !== undefined, `${call.label}: not JSON: ${result.content.slice(0, 200)}`);
			if (call.label === 'sites') {
				assert.deepEqual(
					json.map((site) => site.id),
					sandbox.sites.map((site) => site.id),
				);
				// Simplified: what the tool's description promises, not the fuse trees.
				for (const site of json) {
					assert.deepEqual(Object.keys(site).sort(), ['chargingPointCount', 'chargingStationCount', 'controller', 'controllerId', 'controllerSerialNo', 'id', 'name', 'timezone']);
				}
			} else if (call.events) {
				const expected = expectedSessions(sandbox, call.events);
				if (expected.inWindow === 0) {
					assert.deepEqual(json, [{ results: 0, message: json[0]?.message }]);
					assert.match(json[0].message, /returned nothing/);
				} else {
					assert.deepEqual(
						json.map((event) => event.transaction_id),
						expected.newest,
						`${call.label}: ${expected.inWindow} sessions in the window`,
					);
				}
			} else {
				const site = Array.isArray(json) ? json[0] : json;
				assert.equal(site.id, 'site-amsterdam-office');
			}
		}
		const berlin = pairs.find(({ call }) => call.events?.siteId === 'site-berlin-depot');
		assert.equal(parse(berlin.result.content).length, 20, 'the tool Limit (20) applies when the workflow does not set one');
	});

	await check(`${tag}: a site that does not exist comes back to the model as a readable error with a hint, and the run goes on`, () => {
		const missing = pairs.find(({ call }) => call.status === 404);
		if (printShown) console.log(`  what the model reads for a site that does not exist: ${missing.result?.content}`);
		const json = parse(missing.result.content);
		assert.equal(json?.length, 1, missing.result.content);
		assert.match(json[0].error, new RegExp(`ChargePilot answered 404 to GET /charging-events/site/${MISSING_SITE}`));
		assert.equal(json[0].httpCode, '404');
		assert.match(json[0].description, /site IDs come from Site → Get Many/);
	});

	await check(`${tag}: the final answer holds the sandbox's data (sites, sessions)`, () => {
		assert.equal(typeof answer, 'string', `answer: ${JSON.stringify(answer)?.slice(0, 300)}`);
		assert.equal(answer, last.reply.text, 'the answer is the model\'s final text');
		const berlin = expectedSessions(sandbox, { siteId: 'site-berlin-depot', from: c.turns[1][0].args.from, to: c.turns[1][0].args.to });
		assert.ok(answer.includes('"id":"site-los-angeles-showroom"'), 'the sites');
		assert.ok(answer.includes(`"transaction_id":${berlin.newest[0]}`), 'the newest session');
	});
}

/** The final text in an execution: the AI Agent's output. */
function agentOutput(run) {
	const task = run?.data?.resultData?.runData?.['AI Agent']?.at(-1);
	return task?.data?.main?.[0]?.[0]?.json?.output;
}

module.exports = { checkCase, agentOutput, toolName };
