'use strict';

/**
 * MCP clients for the suite: the official MCP TypeScript SDK's Client (the pinned devDependency
 * @modelcontextprotocol/sdk) over Streamable HTTP or SSE, with the auth header an MCP client
 * configuration would give; plus the bare HTTP requests a client would send, for what the SDK
 * cannot be made to send wrongly (a token missing on one request of a session).
 */

const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { SSEClientTransport } = require('@modelcontextprotocol/sdk/client/sse.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');

const SDK_VERSION = require('../../../node_modules/@modelcontextprotocol/sdk/package.json').version;

/** How long one MCP request may take (the SDK's default is 60 s). */
const REQUEST_TIMEOUT_MS = 60_000;

const TRANSPORTS = {
	/** Streamable HTTP: every message is a POST to the server's URL (MCP 2025-03-26 and later). */
	streamableHttp: (url, headers) => new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }),
	/** HTTP+SSE (MCP 2024-11-05): a GET opens the event stream, which names the URL to POST to. */
	sse: (url, headers) => new SSEClientTransport(new URL(url), { requestInit: { headers } }),
};

/**
 * A connected SDK client (initialize done). `transport`: 'streamableHttp' | 'sse'; `headers`: sent
 * with every request (e.g. { authorization: 'Bearer …' }); `onCall(params, answer)` is told of each
 * tools/call (`answer`: the SDK's promise of its result). Rejects as the SDK does (e.g. an HTTP 401/403 from n8n's auth check).
 */
async function connect(url, { transport = 'streamableHttp', headers = {}, name = 'chargepilot-mcp-e2e', onCall = () => {} } = {}) {
	const client = new Client({ name, version: '1.0.0' });
	const connection = TRANSPORTS[transport](url, headers);
	await client.connect(connection, { timeout: REQUEST_TIMEOUT_MS });
	return {
		client,
		transport: connection,
		sessionId: connection.sessionId,
		listTools: () => client.listTools(undefined, { timeout: REQUEST_TIMEOUT_MS }),
		callTool(params) {
			const answer = client.callTool(params, undefined, { timeout: REQUEST_TIMEOUT_MS });
			onCall(params, answer);
			return answer;
		},
		async close() {
			// Streamable HTTP: DELETE ends the session on the server; SSE: closing the stream does.
			if (transport === 'streamableHttp') await connection.terminateSession().catch(() => {});
			await client.close().catch(() => {});
		},
	};
}

/** The text of a tools/call result's content (all text parts joined). */
const resultText = (result) =>
	(result?.content ?? [])
		.filter((part) => part.type === 'text')
		.map((part) => part.text)
		.join('\n');

/** The items a ChargePilot tool answered (the JSON array n8n puts in the text), or undefined when the text is not JSON. */
function resultItems(result) {
	try {
		return JSON.parse(resultText(result));
	} catch {
		return undefined;
	}
}

/** The Streamable HTTP request a client sends for one JSON-RPC message, as fetch resolves it: { status, text }. */
async function postMessage(url, message, { headers = {}, sessionId, timeoutMs = REQUEST_TIMEOUT_MS } = {}) {
	const res = await fetch(url, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			accept: 'application/json, text/event-stream',
			'mcp-protocol-version': '2025-03-26',
			...(sessionId ? { 'mcp-session-id': sessionId } : {}),
			...headers,
		},
		body: JSON.stringify(message),
		signal: AbortSignal.timeout(timeoutMs),
	});
	return { status: res.status, text: await res.text() };
}

module.exports = { SDK_VERSION, TRANSPORTS, connect, resultText, resultItems, postMessage };
