'use strict';

/**
 * The OpenAI wire formats the scripted model answers in: Chat Completions (JSON, or server-sent
 * chunks when `stream: true`, with the usage chunk when `stream_options.include_usage`) and the
 * Responses API (JSON, or server-sent events), each for a text answer or one or more tool calls.
 * Only what n8n's OpenAI Chat Model node (through @langchain/openai) reads is filled in.
 */

const crypto = require('node:crypto');

const id = (prefix) => `${prefix}${crypto.randomBytes(8).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);
const USAGE = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 };

/** A non-streamed chat completion. */
function chatCompletion(model, answer) {
	const message =
		answer.kind === 'tools'
			? {
					role: 'assistant',
					content: null,
					tool_calls: answer.calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args) } })),
				}
			: { role: 'assistant', content: answer.text };
	return {
		id: id('chatcmpl-'),
		object: 'chat.completion',
		created: now(),
		model,
		choices: [{ index: 0, message, logprobs: null, finish_reason: answer.kind === 'tools' ? 'tool_calls' : 'stop' }],
		usage: USAGE,
	};
}

/** The chunks of a streamed chat completion (each sent as `data: <json>`, then `data: [DONE]`). */
function chatChunks(model, answer, includeUsage) {
	const base = { id: id('chatcmpl-'), object: 'chat.completion.chunk', created: now(), model };
	const chunk = (delta, finishReason = null) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
	const chunks = [];
	if (answer.kind === 'tools') {
		answer.calls.forEach((call, index) => {
			const args = JSON.stringify(call.args);
			const first = { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
			chunks.push(chunk(index === 0 ? { role: 'assistant', content: null, tool_calls: [first] } : { tool_calls: [first] }));
			// The arguments in two pieces, as models stream them.
			const middle = Math.ceil(args.length / 2);
			for (const piece of [args.slice(0, middle), args.slice(middle)]) if (piece) chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
		});
		chunks.push(chunk({}, 'tool_calls'));
	} else {
		chunks.push(chunk({ role: 'assistant', content: '' }));
		for (const piece of answer.text.match(/[\s\S]{1,40}/g) ?? []) chunks.push(chunk({ content: piece }));
		chunks.push(chunk({}, 'stop'));
	}
	if (includeUsage) chunks.push({ ...base, choices: [], usage: USAGE });
	return chunks;
}

function responseOutput(answer) {
	if (answer.kind === 'tools') {
		return answer.calls.map((call) => ({ type: 'function_call', id: `fc_${call.id}`, call_id: call.id, name: call.name, arguments: JSON.stringify(call.args), status: 'completed' }));
	}
	return [{ type: 'message', id: id('msg_'), role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: answer.text, annotations: [] }] }];
}

/** A non-streamed Responses API answer. */
function response(model, answer) {
	return {
		id: id('resp_'),
		object: 'response',
		created_at: now(),
		status: 'completed',
		model,
		output: responseOutput(answer),
		usage: { input_tokens: 11, output_tokens: 7, total_tokens: 18 },
	};
}

/** The events of a streamed Responses API answer (each sent as `event: <type>` + `data: <json>`). */
function responseEvents(model, answer) {
	const done = response(model, answer);
	const events = [{ type: 'response.created', response: { ...done, status: 'in_progress', output: [] } }];
	done.output.forEach((item, outputIndex) => {
		if (item.type === 'function_call') {
			events.push({ type: 'response.output_item.added', output_index: outputIndex, item: { ...item, arguments: '', status: 'in_progress' } });
			events.push({ type: 'response.function_call_arguments.delta', output_index: outputIndex, item_id: item.id, delta: item.arguments });
			events.push({ type: 'response.function_call_arguments.done', output_index: outputIndex, item_id: item.id, arguments: item.arguments });
		} else {
			const text = item.content[0].text;
			events.push({ type: 'response.output_item.added', output_index: outputIndex, item: { ...item, content: [], status: 'in_progress' } });
			events.push({ type: 'response.content_part.added', output_index: outputIndex, item_id: item.id, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
			for (const piece of text.match(/[\s\S]{1,40}/g) ?? []) {
				events.push({ type: 'response.output_text.delta', output_index: outputIndex, item_id: item.id, content_index: 0, delta: piece });
			}
			events.push({ type: 'response.output_text.done', output_index: outputIndex, item_id: item.id, content_index: 0, text });
			events.push({ type: 'response.content_part.done', output_index: outputIndex, item_id: item.id, content_index: 0, part: item.content[0] });
		}
		events.push({ type: 'response.output_item.done', output_index: outputIndex, item });
	});
	events.push({ type: 'response.completed', response: done });
	return events.map((event, index) => ({ ...event, sequence_number: index }));
}

/** The model list of GET /v1/models. */
function modelList(ids) {
	return { object: 'list', data: ids.map((modelId) => ({ id: modelId, object: 'model', created: 1700000000, owned_by: 'scripted' })) };
}

/** An OpenAI-style error body. */
function errorBody(message, type = 'invalid_request_error') {
	return { error: { message, type, param: null, code: null } };
}

module.exports = { chatCompletion, chatChunks, response, responseEvents, modelList, errorBody };
