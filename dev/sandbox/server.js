'use strict';

/**
 * The HTTP layer of the sandbox: reads each request, records it, verifies the
 * signature, applies faults, dispatches to a route and writes the response.
 * Also owns the server lifecycle (listen, timers, sockets, close).
 */

const http = require('node:http');

const { verifyRequest } = require('./auth');
const { MAX_DELAY_MS, MAX_ENDLESS_BYTES, MALFORMED_BODY } = require('./faults');
const { JSON_CONTENT_TYPE, errorBody, errorResult, splitTarget, readBody } = require('./http-util');
const { matchRoute } = require('./routes');

const EMPTY = Buffer.alloc(0);
/** Number of pieces a body is cut into when faults.slowBodyMs is set. */
const SLOW_BODY_PIECES = 8;
/** Longest a trickled body may take (faults.trickleMs). */
const MAX_TRICKLE_MS = 60000;

/**
 * @typedef {object} SandboxState shared with index.js
 * @property {object} options live options (signedPath, skewSeconds, now, ...)
 * @property {Map} keyring from auth.createKeyring()
 * @property {object} data from data.createDataSet()
 * @property {import('./faults').FaultInjector} faults
 * @property {object[]} requests recorded requests (mutated in place)
 * @property {{requests: number, faultsInjected: number, byStatus: Record<string, number>}} stats
 */

/**
 * Creates the HTTP server for a sandbox state.
 * @param {SandboxState} state
 */
function createSandboxServer(state) {
	const sockets = new Set();
	const timers = new Set();
	let closed = false;
	let closing = null;

	/** setTimeout that close() can cancel. */
	function later(ms, fn) {
		const timer = setTimeout(() => {
			timers.delete(timer);
			fn();
		}, ms);
		timers.add(timer);
	}

	const sleep = (ms) => new Promise((resolve) => later(ms, resolve));

	// -----------------------------------------------------------------------
	// Recording
	// -----------------------------------------------------------------------

	function record(req) {
		const entry = {
			method: req.method,
			target: req.url,
			headers: { ...req.headers },
			rawHeaders: req.rawHeaders.slice(),
			body: EMPTY,
			bodyText: '',
			auth: null,
			status: null,
			receivedAt: Date.now(),
			// Monotonic milliseconds, for tests of how many requests were in flight at once.
			startedMs: performance.now(),
			endedMs: null,
		};
		state.requests.push(entry);
		const limit = state.options.recordLimit;
		if (state.requests.length > limit) state.requests.splice(0, state.requests.length - limit);
		state.stats.requests++;
		return entry;
	}

	/** Stores the final status (0 = no response) and notifies onRequest. */
	function complete(entry, status) {
		entry.status = status;
		entry.endedMs = performance.now();
		state.stats.byStatus[status] = (state.stats.byStatus[status] || 0) + 1;
		if (typeof state.options.onRequest === 'function') {
			try {
				state.options.onRequest(entry);
			} catch {
				// A logging hook must never break the server.
			}
		}
	}

	// -----------------------------------------------------------------------
	// Writing responses
	// -----------------------------------------------------------------------

	function baseHeaders(extra) {
		return {
			'content-type': JSON_CONTENT_TYPE,
			// The Date header follows the sandbox clock (the `now` option) so
			// clients can compare it with their own clock after a 401.
			date: new Date(state.options.now()).toUTCString(),
			'cache-control': 'no-store',
			...extra,
		};
	}

	/**
	 * Writes a complete response; with faults.slowBodyMs the body trickles out
	 * in pieces over that time.
	 */
	function send(req, res, entry, status, payload, extraHeaders) {
		if (res.headersSent || res.destroyed) return;
		const body = Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload), 'utf8');
		complete(entry, status);
		res.writeHead(status, baseHeaders({ 'content-length': String(body.length), ...extraHeaders }));
		const slowMs = state.faults.slowBodyMs;
		const trickleMs = state.faults.trickleMs;
		if (req.method === 'HEAD' || body.length === 0) {
			res.end();
		} else if (trickleMs > 0) {
			// One byte every trickleMs (a server that never goes idle long enough for an idle timeout),
			// at most MAX_TRICKLE_MS in all.
			const interval = Math.min(trickleMs, MAX_TRICKLE_MS / body.length);
			let offset = 0;
			const writeByte = () => {
				if (res.destroyed || closed) return;
				res.write(body.subarray(offset, offset + 1));
				offset += 1;
				if (offset >= body.length) res.end();
				else later(interval, writeByte);
			};
			writeByte();
		} else if (slowMs > 0 && body.length > 1) {
			const pieces = Math.min(SLOW_BODY_PIECES, body.length);
			const size = Math.ceil(body.length / pieces);
			const interval = slowMs / (pieces - 1);
			let offset = 0;
			const writePiece = () => {
				if (res.destroyed || closed) return;
				res.write(body.subarray(offset, offset + size));
				offset += size;
				if (offset >= body.length) res.end();
				else later(interval, writePiece);
			};
			writePiece();
		} else {
			res.end(body);
		}
	}

	function sendResult(req, res, entry, result) {
		send(req, res, entry, result.status, result.body, result.headers);
	}

	/** Plays an injected fault: reset, malformed 200, or an error status. */
	function applyFault(req, res, entry, fault) {
		state.stats.faultsInjected++;
		if (fault.kind === 'reset') {
			complete(entry, 0);
			const { socket } = req;
			if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
			else socket.destroy();
			return;
		}
		if (fault.kind === 'malformed') {
			send(req, res, entry, 200, Buffer.from(MALFORMED_BODY, 'utf8'));
			return;
		}
		if (fault.kind === 'endless') {
			sendEndless(req, res, entry);
			return;
		}
		const headers = fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : undefined;
		let message = `${http.STATUS_CODES[fault.status] || 'Error'} (sandbox fault injection)`;
		if (fault.bodyBytes) message += ' '.padEnd(Math.max(0, fault.bodyBytes - message.length - 60), 'x');
		send(req, res, entry, fault.status, errorBody(fault.status, message), headers);
	}

	/**
	 * A 200 whose charging_events list never ends: event after event, written as fast as the client
	 * reads (chunked, no Content-Length), until the client goes away, MAX_ENDLESS_BYTES were sent or
	 * MAX_DELAY_MS passed. For tests of a client's ceiling on an answer's size.
	 */
	function sendEndless(req, res, entry) {
		complete(entry, 200);
		res.writeHead(200, baseHeaders({}));
		const started = Date.now();
		const event = JSON.stringify({ transaction_id: 0, start_time: '2026-01-01T00:00:00Z', stop_time: '2026-01-01T01:00:00Z', duration: 3600, energy_wh: 1000, note: 'x'.repeat(400) });
		const chunk = Buffer.from(`${Array.from({ length: 128 }, () => event).join(',')},`, 'utf8');
		let sent = 0;
		res.write('{"charging_events":[');
		const pump = () => {
			while (!res.destroyed && !closed) {
				if (sent >= MAX_ENDLESS_BYTES || Date.now() - started >= MAX_DELAY_MS) {
					res.end('{}],"count":1,"truncated":false}');
					return;
				}
				sent += chunk.length;
				entry.endlessBytes = sent;
				if (!res.write(chunk)) {
					res.once('drain', pump);
					return;
				}
			}
		};
		pump();
	}

	// -----------------------------------------------------------------------
	// Request pipeline
	// -----------------------------------------------------------------------

	async function handle(req, res, entry) {
		const { target, pathname, search } = splitTarget(req.url);

		const read = await readBody(req, state.options.maxBodyBytes);
		entry.body = read.body;
		entry.bodyText = read.body.toString('utf8');
		if (read.aborted) {
			entry.auth = { ok: false, variant: null, reason: 'not checked (client aborted the request)' };
			complete(entry, 0);
			return;
		}
		if (read.tooLarge) {
			entry.auth = { ok: false, variant: null, reason: 'not checked (body too large)' };
			const limit = state.options.maxBodyBytes;
			send(req, res, entry, 413, errorBody(413, `Request body larger than ${limit} bytes`), { connection: 'close' });
			return;
		}

		// 1. Route (unknown routes are 404 before auth, as in NestJS).
		const match = matchRoute(req.method, pathname);
		const isPing = Boolean(match.route && match.route.public);

		// 2. Authentication. It is evaluated for unknown routes too, so the
		//    record shows whether the signature would have been accepted.
		let verification;
		if (isPing) {
			verification = { ok: true, variant: null, reason: null, keyEntry: null };
		} else {
			verification = verifyRequest({
				method: req.method,
				target,
				headers: req.headers,
				body: read.body,
				keyring: state.keyring,
				signedPath: state.options.signedPath,
				skewSeconds: state.options.skewSeconds,
				nowMs: state.options.now(),
			});
		}
		entry.auth = { ok: verification.ok, variant: verification.variant, reason: verification.reason };

		// 3. Faults and latency.
		const fault = state.faults.pick({ isPing });
		const delay = state.faults.latencyMs + (fault ? fault.delayMs : 0);
		if (delay > 0) await sleep(delay);
		if (closed || res.destroyed) return;
		if (fault) {
			applyFault(req, res, entry, fault);
			return;
		}

		// 4. Dispatch.
		let result;
		if (!match.route) {
			result = match.notFound;
		} else if (!verification.ok) {
			result = errorResult(401, verification.reason);
		} else {
			result = match.route.handle({
				app: state,
				method: req.method,
				target,
				pathname,
				searchParams: new URLSearchParams(search),
				headers: req.headers,
				body: read.body,
				params: match.params,
				keyEntry: verification.keyEntry,
			});
		}
		sendResult(req, res, entry, result);
	}

	const server = http.createServer((req, res) => {
		const entry = record(req);
		handle(req, res, entry).catch((error) => {
			// Last resort: never leave a request hanging on a sandbox bug.
			try {
				send(req, res, entry, 500, errorBody(500, `Internal sandbox error: ${error.message}`));
			} catch {
				res.destroy();
			}
		});
	});

	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	server.on('clientError', (error, socket) => {
		if (socket.writable && error.code !== 'ECONNRESET') {
			socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
		} else {
			socket.destroy();
		}
	});

	return {
		server,

		/** Starts listening; resolves with the bound address. */
		listen(host, port) {
			return new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(port, host, () => {
					server.off('error', reject);
					resolve(server.address());
				});
			});
		},

		/** Stops the server and drops every connection, idle keep-alive ones included. */
		close() {
			if (closing) return closing;
			closed = true;
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			closing = new Promise((resolve) => {
				server.close(() => resolve());
				if (typeof server.closeAllConnections === 'function') server.closeAllConnections();
				for (const socket of sockets) socket.destroy();
			});
			return closing;
		},
	};
}

module.exports = { createSandboxServer };
