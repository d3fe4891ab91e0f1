'use strict';

/**
 * The scripted OpenAI-compatible model (dev/sandbox/model): its routes, the script it plays in both
 * OpenAI APIs (JSON and streamed), the tool it picks from the offered list, and what it records.
 */

const { startModelServer, toolWithArguments, pickTool, readConversation } = require('../../../dev/sandbox/model');

jest.setTimeout(30000);

const KEY = 'sk-scripted-test';
const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

/** Tools as n8n offers them in Chat Completions. */
const CHAT_TOOLS = [
	{ type: 'function', function: { name: 'ChargePilot_Sites', description: 'Lists the EV charging sites', parameters: { type: 'object', properties: {} } } },
	{
		type: 'function',
		function: {
			name: 'ChargePilot_Events',
			description: 'Lists charging sessions of one site',
			parameters: { type: 'object', properties: { siteId: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } }, required: ['siteId', 'from', 'to'] },
		},
	},
];
/** The same tools as the Responses API offers them. */
const RESPONSES_TOOLS = CHAT_TOOLS.map((tool) => ({ type: 'function', ...tool.function }));

const SCRIPT = {
	steps: [
		{ tool: toolWithArguments([]), args: {} },
		{ tool: toolWithArguments(['siteId', 'from', 'to']), args: (tool) => ({ siteId: 'site-berlin-depot', from: '2026-01-01T00:00:00Z', to: `${tool.name}-to` }) },
	],
};

let model;
beforeEach(async () => {
	model = await startModelServer({ apiKey: KEY, scripts: { report: SCRIPT } });
});
afterEach(async () => {
	await model.close();
});

async function post(path, body, headers = auth) {
	const res = await fetch(`${model.origin}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
	return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The `data:` payloads of a server-sent event stream. */
function sseData(text) {
	return text
		.split('\n\n')
		.map((block) => block.split('\n').find((line) => line.startsWith('data: ')))
		.filter(Boolean)
		.map((line) => line.slice(6));
}

describe('scripted model server', () => {
	test('listens on loopback only and serves the scripts as models, with the key only', async () => {
		await expect(startModelServer({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
		expect(model.baseUrl).toBe(`http://127.0.0.1:${model.port}/v1`);
		const denied = await fetch(`${model.baseUrl}/models`);
		expect(denied.status).toBe(401);
		const models = await (await fetch(`${model.baseUrl}/models`, { headers: auth })).json();
		expect(models.data.map((entry) => entry.id)).toEqual(['report']);
		expect(model.requests.map((record) => [record.path, record.status, record.authorized])).toEqual([
			['/v1/models', 401, false],
			['/v1/models', 200, true],
		]);
	});

	test('Chat Completions: picks the tool by its arguments, sends JSON arguments, then quotes every tool result', async () => {
		const user = { role: 'user', content: 'Report on my sites' };
		const first = JSON.parse((await post('/v1/chat/completions', { model: 'report', messages: [user], tools: CHAT_TOOLS })).text);
		expect(first.choices[0].finish_reason).toBe('tool_calls');
		const [call1] = first.choices[0].message.tool_calls;
		expect(call1).toMatchObject({ type: 'function', function: { name: 'ChargePilot_Sites', arguments: '{}' } });

		const afterSites = [user, first.choices[0].message, { role: 'tool', tool_call_id: call1.id, content: '[{"id":"site-berlin-depot"}]' }];
		const second = JSON.parse((await post('/v1/chat/completions', { model: 'report', messages: afterSites, tools: CHAT_TOOLS })).text);
		const [call2] = second.choices[0].message.tool_calls;
		expect(call2.function.name).toBe('ChargePilot_Events');
		expect(JSON.parse(call2.function.arguments)).toEqual({ siteId: 'site-berlin-depot', from: '2026-01-01T00:00:00Z', to: 'ChargePilot_Events-to' });

		const afterEvents = [...afterSites, second.choices[0].message, { role: 'tool', tool_call_id: call2.id, content: [{ type: 'text', text: '[{"transaction_id":7}]' }] }];
		const final = JSON.parse((await post('/v1/chat/completions', { model: 'report', messages: afterEvents, tools: CHAT_TOOLS })).text);
		expect(final.choices[0]).toMatchObject({ finish_reason: 'stop', message: { role: 'assistant' } });
		expect(final.choices[0].message.content).toBe('TOOL RESULT ChargePilot_Sites: [{"id":"site-berlin-depot"}]\nTOOL RESULT ChargePilot_Events: [{"transaction_id":7}]');

		const records = model.requestsFor('report');
		expect(records).toHaveLength(3);
		expect(records[0].tools).toEqual(CHAT_TOOLS.map((tool) => tool.function));
		expect(records[2].toolResults).toEqual([
			{ callId: call1.id, name: 'ChargePilot_Sites', content: '[{"id":"site-berlin-depot"}]' },
			{ callId: call2.id, name: 'ChargePilot_Events', content: '[{"transaction_id":7}]' },
		]);
		expect(records[2].toolCalls.map((call) => call.name)).toEqual(['ChargePilot_Sites', 'ChargePilot_Events']);
		expect(records.map((record) => record.reply.kind)).toEqual(['tools', 'tools', 'text']);
	});

	test('Chat Completions streamed: role, the tool call with its arguments in pieces, finish reason, usage, [DONE]', async () => {
		const res = await post('/v1/chat/completions', { model: 'report', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }], tools: CHAT_TOOLS });
		expect(res.headers.get('content-type')).toBe('text/event-stream');
		const data = sseData(res.text);
		expect(data.at(-1)).toBe('[DONE]');
		const chunks = data.slice(0, -1).map((line) => JSON.parse(line));
		expect(chunks[0].choices[0].delta).toMatchObject({ role: 'assistant', tool_calls: [{ index: 0, function: { name: 'ChargePilot_Sites' } }] });
		const args = chunks.flatMap((chunk) => chunk.choices[0]?.delta?.tool_calls ?? []).map((call) => call.function.arguments).join('');
		expect(args).toBe('{}');
		expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason).filter(Boolean)).toEqual(['tool_calls']);
		expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: 18 } });
		expect(model.requests.at(-1)).toMatchObject({ api: 'chat', stream: true, status: 200 });

		const words = 'A final answer long enough to be streamed in several pieces: site-berlin-depot charged 1,234 Wh.';
		model.setScript('text', { steps: [], final: () => words });
		const text = await post('/v1/chat/completions', { model: 'text', stream: true, messages: [{ role: 'user', content: 'x' }] });
		const deltas = sseData(text.text)
			.slice(0, -1)
			.map((line) => JSON.parse(line).choices[0].delta.content ?? '');
		expect(deltas.filter(Boolean).length).toBeGreaterThan(1);
		expect(deltas.join('')).toBe(words);
	});

	test('Responses API, JSON and streamed: function calls, their outputs read back, the final text', async () => {
		const input = [{ role: 'user', content: 'Report' }];
		const first = JSON.parse((await post('/v1/responses', { model: 'report', input, tools: RESPONSES_TOOLS })).text);
		expect(first.output).toEqual([expect.objectContaining({ type: 'function_call', name: 'ChargePilot_Sites', arguments: '{}' })]);
		const callId = first.output[0].call_id;

		const next = [...input, first.output[0], { type: 'function_call_output', call_id: callId, output: '[{"id":"site-a"}]' }];
		const stream = await post('/v1/responses', { model: 'report', stream: true, input: next, tools: RESPONSES_TOOLS });
		const events = sseData(stream.text).map((line) => JSON.parse(line));
		expect(events[0].type).toBe('response.created');
		expect(events.at(-1).type).toBe('response.completed');
		const call = events.at(-1).response.output[0];
		expect(call).toMatchObject({ type: 'function_call', name: 'ChargePilot_Events' });
		const streamedArgs = events.filter((event) => event.type === 'response.function_call_arguments.delta').map((event) => event.delta).join('');
		expect(JSON.parse(streamedArgs)).toMatchObject({ siteId: 'site-berlin-depot' });
		expect(events.map((event) => event.sequence_number)).toEqual(events.map((_event, index) => index));

		const last = [...next, call, { type: 'function_call_output', call_id: call.call_id, output: '[]' }];
		const final = await post('/v1/responses', { model: 'report', stream: true, input: last, tools: RESPONSES_TOOLS });
		const finalEvents = sseData(final.text).map((line) => JSON.parse(line));
		const streamedText = finalEvents.filter((event) => event.type === 'response.output_text.delta').map((event) => event.delta).join('');
		expect(streamedText).toBe('TOOL RESULT ChargePilot_Sites: [{"id":"site-a"}]\nTOOL RESULT ChargePilot_Events: []');
		expect(model.requestsFor('report').at(-1).toolResults.map((result) => result.name)).toEqual(['ChargePilot_Sites', 'ChargePilot_Events']);
	});

	test('a step with several calls answers them in one turn', async () => {
		model.setScript('both', {
			steps: [{ calls: [{ tool: 'sites' }, { tool: /sessions/, args: { siteId: 's', from: 'a', to: 'b' } }] }],
			final: 'Done. ',
		});
		const first = JSON.parse((await post('/v1/chat/completions', { model: 'both', messages: [{ role: 'user', content: 'x' }], tools: CHAT_TOOLS })).text);
		const calls = first.choices[0].message.tool_calls;
		expect(calls.map((call) => call.function.name)).toEqual(['ChargePilot_Sites', 'ChargePilot_Events']);
		const messages = [{ role: 'user', content: 'x' }, first.choices[0].message, ...calls.map((call, index) => ({ role: 'tool', tool_call_id: call.id, content: `r${index}` }))];
		const final = JSON.parse((await post('/v1/chat/completions', { model: 'both', messages, tools: CHAT_TOOLS })).text);
		expect(final.choices[0].message.content).toBe('Done. TOOL RESULT ChargePilot_Sites: r0\nTOOL RESULT ChargePilot_Events: r1');
	});

	test('a step no offered tool fits is answered with a SCRIPT ERROR text naming the offered tools, and recorded', async () => {
		model.setScript('wrong', { steps: [{ tool: toolWithArguments(['path']), args: { path: '/sites' } }] });
		const res = JSON.parse((await post('/v1/chat/completions', { model: 'wrong', messages: [{ role: 'user', content: 'x' }], tools: CHAT_TOOLS })).text);
		expect(res.choices[0].message.content).toMatch(/^SCRIPT ERROR: step 1 wants the tool with arguments \[path\], but the tools offered are: ChargePilot_Sites, ChargePilot_Events$/);
		expect(model.requests.at(-1).scriptError).toMatch(/SCRIPT ERROR/);
	});

	test('unknown models, routes and bodies are refused and recorded', async () => {
		expect((await post('/v1/chat/completions', { model: 'nobody', messages: [] })).status).toBe(404);
		expect((await post('/v1/embeddings', { model: 'report' })).status).toBe(404);
		const bad = await fetch(`${model.baseUrl}/chat/completions`, { method: 'POST', headers: auth, body: '{oops' });
		expect(bad.status).toBe(400);
		expect(model.requests.map((record) => record.status)).toEqual([404, 404, 400]);
		model.clearRequests();
		expect(model.requests).toHaveLength(0);
	});

	test('a default script answers any model; close() is idempotent and refuses new connections', async () => {
		const open = await startModelServer({ defaultScript: { steps: [], final: () => 'hello' } });
		const res = await fetch(`${open.baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
		expect((await res.json()).choices[0].message.content).toBe('hello');
		await open.close();
		await open.close();
		await expect(fetch(`${open.baseUrl}/models`)).rejects.toThrow();
	});
});

describe('script: reading the conversation and picking tools', () => {
	const tools = CHAT_TOOLS.map((tool) => tool.function);

	test('matchers: exact name, substring of the name, of the description, RegExp, arguments', () => {
		expect(pickTool(tools, 'ChargePilot_Events')?.name).toBe('ChargePilot_Events');
		expect(pickTool(tools, 'sites')?.name).toBe('ChargePilot_Sites');
		expect(pickTool(tools, 'charging sessions')?.name).toBe('ChargePilot_Events');
		expect(pickTool(tools, /EV charging sites/)?.name).toBe('ChargePilot_Sites');
		expect(pickTool(tools, toolWithArguments(['to', 'from', 'siteId']))?.name).toBe('ChargePilot_Events');
		expect(pickTool(tools, toolWithArguments([], /nothing like this/))).toBeUndefined();
		expect(pickTool(tools, 'nothing')).toBeUndefined();
	});

	test("parallel calls replayed one by one, each followed by its output, are still one turn (their IDs carry the turn)", () => {
		const body = {
			input: [
				{ role: 'user', content: 'x' },
				{ type: 'function_call', call_id: 'call_t1_aa', name: 'A', arguments: '{}' },
				{ type: 'function_call_output', call_id: 'call_t1_aa', output: 'ra' },
				{ type: 'function_call', call_id: 'call_t2_bb', name: 'B', arguments: '{}' },
				{ type: 'function_call_output', call_id: 'call_t2_bb', output: 'rb' },
				{ type: 'function_call', call_id: 'call_t2_cc', name: 'B', arguments: '{}' },
				{ type: 'function_call_output', call_id: 'call_t2_cc', output: 'rc' },
			],
		};
		expect(readConversation('responses', body).toolTurns).toBe(2);
		// IDs from elsewhere: counted by the shape (here: three turns).
		const foreign = JSON.parse(JSON.stringify(body).replace(/call_t\d_/g, 'call_'));
		expect(readConversation('responses', foreign).toolTurns).toBe(3);
	});

	test('tool turns count assistant turns, not calls (parallel calls are one turn)', () => {
		const body = {
			input: [
				{ role: 'user', content: 'x' },
				{ type: 'function_call', call_id: 'a', name: 'A', arguments: '{"k":1}' },
				{ type: 'function_call', call_id: 'b', name: 'B', arguments: 'not json' },
				{ type: 'function_call_output', call_id: 'a', output: 'ra' },
				{ type: 'function_call_output', call_id: 'b', output: 'rb' },
			],
		};
		const conversation = readConversation('responses', body);
		expect(conversation.toolTurns).toBe(1);
		expect(conversation.toolCalls).toEqual([
			{ id: 'a', name: 'A', args: { k: 1 } },
			{ id: 'b', name: 'B', args: 'not json' },
		]);
		expect(conversation.toolResults.map((result) => `${result.name}=${result.content}`)).toEqual(['A=ra', 'B=rb']);
	});
});
