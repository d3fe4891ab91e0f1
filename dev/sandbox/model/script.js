'use strict';

/**
 * How the scripted model answers: it reads the conversation n8n sends (the tools offered, the tool
 * calls made so far and their results) and plays the next step of its script, the way a real model
 * would: a tool call picked from the offered tools, with JSON arguments, or, when every step is
 * done, a final text (by default one line per tool result: `TOOL RESULT <tool>: <what it returned>`).
 *
 * A script:
 *   {
 *     steps: [
 *       { tool: <matcher>, args: {...} | (tool, ctx) => ({...}) },          // one call in a turn
 *       { calls: [{ tool, args }, { tool, args }] },                         // parallel calls
 *     ],
 *     final: (ctx) => 'text' | 'a prefix for the default text',          // optional
 *   }
 * A matcher is a tool name (exact, else a case-insensitive substring of the name, else of the
 * description), a RegExp (over name and description), or a function (tools) => tool | name (see
 * toolWithArguments). A step whose matcher fits no offered tool is answered with a text starting
 * "SCRIPT ERROR" that names the offered tools, and the request record says so.
 *
 * The decision is stateless: the number of tool-call turns in the conversation is the index of the
 * next step, so one script serves any number of runs. The calls' IDs carry their turn
 * (`call_t<turn>_<random>`), because n8n does not always replay parallel calls as one turn (AI Agent
 * 3.x with the Responses API interleaves each call with its output); calls with other IDs are
 * counted by the shape of the conversation.
 */

const crypto = require('node:crypto');

/** A call's ID: its turn (1, 2, ...) and a random part. */
const TURN_ID = /^call_t(\d+)_[0-9a-f]+$/;
const callId = (turn) => `call_t${turn}_${crypto.randomBytes(8).toString('hex')}`;

/** A tool offered in either API, as { name, description, parameters }. */
function normaliseTool(tool) {
	const fn = tool && tool.type === 'function' && tool.function ? tool.function : tool;
	return { name: fn?.name, description: fn?.description ?? '', parameters: fn?.parameters };
}

/** The text of a tool result as the model reads it (string content or content parts). */
function contentText(content) {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : (part.text ?? JSON.stringify(part)))).join('');
	return content === undefined || content === null ? '' : JSON.stringify(content);
}

/**
 * What n8n sent, for both APIs: `api` ('chat' for /chat/completions, 'responses' for /responses),
 * the offered `tools`, `toolTurns` (assistant turns with tool calls so far), `toolCalls` ({ id,
 * name, args } in order) and `toolResults` ({ callId, name, content } in order).
 */
function readConversation(api, body) {
	const tools = (Array.isArray(body.tools) ? body.tools : []).map(normaliseTool).filter((tool) => tool.name);
	const toolCalls = [];
	const toolResults = [];
	let toolTurns = 0; // by the conversation's shape
	const names = {};
	const parse = (text) => {
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	};
	if (api === 'chat') {
		for (const message of Array.isArray(body.messages) ? body.messages : []) {
			if (message.role === 'assistant' && Array.isArray(message.tool_calls) && message.tool_calls.length) {
				toolTurns++;
				for (const call of message.tool_calls) {
					names[call.id] = call.function?.name;
					toolCalls.push({ id: call.id, name: call.function?.name, args: parse(call.function?.arguments) });
				}
			}
			if (message.role === 'tool') toolResults.push({ callId: message.tool_call_id, name: names[message.tool_call_id], content: contentText(message.content) });
		}
	} else {
		let inTurn = false;
		for (const entry of Array.isArray(body.input) ? body.input : []) {
			if (entry.type === 'function_call') {
				if (!inTurn) toolTurns++;
				inTurn = true;
				names[entry.call_id] = entry.name;
				toolCalls.push({ id: entry.call_id, name: entry.name, args: parse(entry.arguments) });
				continue;
			}
			inTurn = false;
			if (entry.type === 'function_call_output') toolResults.push({ callId: entry.call_id, name: names[entry.call_id], content: contentText(entry.output) });
		}
	}
	const turns = toolCalls.map((call) => TURN_ID.exec(String(call.id))?.[1]);
	if (turns.length && turns.every(Boolean)) toolTurns = new Set(turns).size;
	return { api, tools, toolTurns, toolCalls, toolResults };
}

/** The offered tool a matcher picks, or undefined. */
function pickTool(tools, matcher) {
	if (typeof matcher === 'function') {
		const picked = matcher(tools);
		return typeof picked === 'string' ? tools.find((tool) => tool.name === picked) : picked;
	}
	if (matcher instanceof RegExp) return tools.find((tool) => matcher.test(tool.name) || matcher.test(tool.description));
	if (typeof matcher === 'string' && matcher) {
		const wanted = matcher.toLowerCase();
		return (
			tools.find((tool) => tool.name.toLowerCase() === wanted) ??
			tools.find((tool) => tool.name.toLowerCase().includes(wanted)) ??
			tools.find((tool) => tool.description.toLowerCase().includes(wanted))
		);
	}
	return undefined;
}

/** The argument names of a tool's JSON schema. */
function argumentNames(tool) {
	return Object.keys(tool?.parameters?.properties ?? {});
}

/**
 * A matcher for the tool whose arguments are exactly `names` (any order), as a model chooses the
 * tool whose schema fits what it wants to pass; `[]` picks a tool without arguments. `describes`
 * (a RegExp over the description) narrows it down further.
 */
function toolWithArguments(names, describes) {
	const wanted = [...names].sort().join(',');
	const matcher = (tools) => tools.find((tool) => argumentNames(tool).sort().join(',') === wanted && (!describes || describes.test(tool.description)));
	matcher.toString = () => `the tool with arguments [${names.join(', ')}]${describes ? ` described by ${describes}` : ''}`;
	return matcher;
}

/** The default final text: one line per tool result. */
function quoteResults(ctx) {
	if (!ctx.toolResults.length) return 'NO TOOL RESULT';
	return ctx.toolResults.map((result) => `TOOL RESULT ${result.name}: ${result.content}`).join('\n');
}

/**
 * The answer to one request: { kind: 'tools', calls: [{ id, name, args }] } or { kind: 'text',
 * text, scriptError? }, and the conversation it was read from (`conversation`).
 */
function decide(script, api, body) {
	const conversation = readConversation(api, body);
	const ctx = { ...conversation, body };
	const steps = script.steps ?? [];
	if (conversation.toolTurns < steps.length) {
		const step = steps[conversation.toolTurns];
		const wanted = step.calls ?? [step];
		const calls = [];
		for (const { tool: matcher, args } of wanted) {
			const tool = pickTool(conversation.tools, matcher);
			if (!tool) {
				const offered = conversation.tools.map((t) => t.name).join(', ') || 'none';
				const text = `SCRIPT ERROR: step ${conversation.toolTurns + 1} wants ${String(matcher)}, but the tools offered are: ${offered}`;
				return { answer: { kind: 'text', text, scriptError: text }, conversation };
			}
			calls.push({ id: callId(conversation.toolTurns + 1), name: tool.name, args: typeof args === 'function' ? args(tool, ctx) : (args ?? {}) });
		}
		return { answer: { kind: 'tools', calls }, conversation };
	}
	let text;
	if (typeof script.final === 'function') text = script.final(ctx);
	else if (typeof script.final === 'string') text = `${script.final}${quoteResults(ctx)}`;
	else text = quoteResults(ctx);
	return { answer: { kind: 'text', text }, conversation };
}

module.exports = { readConversation, pickTool, toolWithArguments, argumentNames, quoteResults, decide, normaliseTool };
