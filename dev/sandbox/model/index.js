'use strict';

/**
 * A scripted, OpenAI-compatible chat model for tests of n8n's AI Agent with the ChargePilot tools:
 * the "OpenAI Chat Model" node pointed at it (credential Base URL = `server.baseUrl`) gets answers
 * from a script instead of a real model, and every request n8n sent is recorded, so a test can
 * check what the model was shown (tool names, descriptions, argument schemas) and what the tools
 * gave back. Plain Node built-ins, loopback only.
 *
 *   const { startModelServer } = require('./dev/sandbox/model');
 *   const model = await startModelServer({ apiKey: 'sk-test' });
 *   model.setScript('report', { steps: [{ tool: toolWithArguments([]), args: {} }] });
 *   // ... n8n runs an agent whose model name is "report" ...
 *   model.requestsFor('report')[0].tools        // [{ name, description, parameters }]
 *   model.requestsFor('report').at(-1).toolResults  // [{ callId, name, content }]
 *   await model.close();
 *
 * Routes (any prefix before /v1 works too):
 *   GET  /v1/models             the scripts' names (what n8n's model picker lists)
 *   POST /v1/chat/completions   Chat Completions, JSON or streamed (stream: true)
 *   POST /v1/responses          the Responses API (OpenAI Chat Model 1.3's default), JSON or streamed
 * Anything else answers 404 (recorded). With `apiKey`, a request without `Authorization: Bearer
 * <apiKey>` answers 401 (recorded), so a test knows n8n sent the credential.
 *
 * The script is chosen by the request's `model`, so one credential serves many tests: a workflow's
 * model name picks its script. Scripts: see script.js.
 */

const http = require('node:http');
const net = require('node:net');

const openai = require('./openai');
const { decide } = require('./script');

const MAX_BODY_BYTES = 16 * 1024 * 1024;

function isLoopback(host) {
	if (host === 'localhost') return true;
	if (net.isIPv4(host)) return host.startsWith('127.');
	return host === '::1';
}

function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) chunks.push(chunk);
		});
		req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/**
 * Starts the server. Options: `host` (loopback, default 127.0.0.1), `port` (default 0: a free one),
 * `apiKey` (required as Bearer token when given), `scripts` ({ [model]: script }), `defaultScript`
 * (for models without a script; default: none, such a request answers 404 model_not_found).
 */
async function startModelServer({ host = '127.0.0.1', port = 0, apiKey, scripts = {}, defaultScript } = {}) {
	if (!isLoopback(host)) throw new TypeError(`the model server listens on loopback only, not ${host}`);
	const state = { scripts: new Map(Object.entries(scripts)), requests: [] };

	async function handle(req, res) {
		const url = new URL(req.url, 'http://model.invalid');
		const text = await readBody(req);
		const record = {
			n: state.requests.length + 1,
			at: new Date().toISOString(),
			method: req.method,
			path: url.pathname,
			api: undefined,
			model: undefined,
			stream: false,
			authorized: Boolean(apiKey) && req.headers.authorization === `Bearer ${apiKey}`,
			status: 0,
		};
		state.requests.push(record);
		const send = (status, json) => {
			record.status = status;
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(json));
		};
		if (text === null) return send(413, openai.errorBody(`request body over ${MAX_BODY_BYTES} bytes`));
		let body = {};
		if (text) {
			try {
				body = JSON.parse(text);
			} catch {
				return send(400, openai.errorBody('the body is not JSON'));
			}
		}
		record.body = body;
		record.bytes = Buffer.byteLength(text ?? '');
		if (apiKey && !record.authorized) return send(401, openai.errorBody('missing or wrong API key (Authorization: Bearer ...)', 'invalid_api_key'));

		if (req.method === 'GET' && url.pathname.endsWith('/v1/models')) {
			record.api = 'models';
			return send(200, openai.modelList([...state.scripts.keys()]));
		}
		const api = req.method === 'POST' && url.pathname.endsWith('/v1/chat/completions') ? 'chat' : req.method === 'POST' && url.pathname.endsWith('/v1/responses') ? 'responses' : undefined;
		if (!api) return send(404, openai.errorBody(`scripted model server: no route ${req.method} ${url.pathname}`));
		record.api = api;
		record.model = body.model;
		record.stream = body.stream === true;
		const script = state.scripts.get(body.model) ?? defaultScript;
		if (!script) return send(404, openai.errorBody(`no script for the model "${body.model}"`, 'model_not_found'));

		let decision;
		try {
			decision = decide(script, api, body);
		} catch (error) {
			record.scriptError = `the script threw: ${error.stack || error}`;
			return send(500, openai.errorBody(record.scriptError, 'server_error'));
		}
		const { answer, conversation } = decision;
		record.tools = conversation.tools;
		record.toolCalls = conversation.toolCalls;
		record.toolResults = conversation.toolResults;
		record.reply = answer;
		if (answer.scriptError) record.scriptError = answer.scriptError;

		if (!record.stream) return send(200, api === 'chat' ? openai.chatCompletion(body.model, answer) : openai.response(body.model, answer));
		record.status = 200;
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
		if (api === 'chat') {
			for (const chunk of openai.chatChunks(body.model, answer, body.stream_options?.include_usage)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
			res.end('data: [DONE]\n\n');
		} else {
			for (const event of openai.responseEvents(body.model, answer)) res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
			res.end();
		}
	}

	const server = http.createServer((req, res) => {
		handle(req, res).catch((error) => {
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify(openai.errorBody(String(error), 'server_error')));
		});
	});
	const sockets = new Set();
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, resolve);
	});
	const address = server.address();
	const origin = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
	let closing;

	return {
		host,
		port: address.port,
		origin,
		/** What the OpenAI credential's Base URL is set to. */
		baseUrl: `${origin}/v1`,
		/** Every request in arrival order (see the record fields above). */
		requests: state.requests,
		/** Sets (or replaces) the script of a model name. */
		setScript(model, script) {
			state.scripts.set(model, script);
		},
		/** The chat requests (Chat Completions and Responses) of one model name. */
		requestsFor(model) {
			return state.requests.filter((record) => record.model === model && (record.api === 'chat' || record.api === 'responses'));
		},
		clearRequests() {
			state.requests.length = 0;
		},
		/** Closes the server and every socket. Idempotent. */
		close() {
			closing ??= new Promise((resolve) => {
				server.close(() => resolve());
				for (const socket of sockets) socket.destroy();
			});
			return closing;
		},
	};
}

module.exports = { startModelServer, ...require('./script') };
