'use strict';

/**
 * A client for one running n8n's HTTP side, on the global fetch: its readiness, the internal REST
 * API the editor uses (owner set-up, login cookie, /rest/...), the public API with an API key
 * (/api/v1/...), and any other path (webhooks). fetch refuses the Fetch standard's "bad ports"
 * (e.g. 6000, 6665-6669, 10080): run n8n on another.
 */

const { parseFlatted } = require('./run-data');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Execution states after which nothing more happens. */
const FINAL_STATES = ['success', 'error', 'crashed', 'canceled'];

/** The Fetch standard's "bad ports": fetch refuses to connect to them. */
const BAD_PORTS = new Set([
	1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135,
	137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719,
	1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** Errors of a connection that was reset or closed under a request (Node's and undici's codes). */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** The scopes of a public-API key that can see and switch workflows and read executions. */
const WORKFLOW_SCOPES = ['workflow:read', 'workflow:list', 'workflow:activate', 'workflow:deactivate', 'execution:read', 'execution:list'];

/**
 * True when an execution has ended (success, error, crashed, canceled) and its run data is there:
 * a node's result, or the error that stopped the run before any. n8n 1.x can show an execution as
 * ended a moment before it has saved the run data, which then still reads as empty.
 */
function hasEnded(execution) {
	if (!execution || !FINAL_STATES.includes(execution.status) || !execution.stoppedAt) return false;
	const resultData = execution.data?.resultData;
	return Boolean(resultData?.error) || Object.keys(resultData?.runData ?? {}).length > 0;
}

/**
 * Calls read() (an execution with its data, from the REST or the public API, or null) until
 * hasEnded(); returns that execution. Throws after timeoutMs, naming `what` and the last status.
 */
async function waitUntilEnded(read, { what = 'the execution', timeoutMs = 60_000, intervalMs = 250 } = {}) {
	let execution = null;
	for (const until = Date.now() + timeoutMs; ; await sleep(intervalMs)) {
		execution = await read();
		if (hasEnded(execution)) return execution;
		if (Date.now() > until) {
			const state = execution ? `status ${execution.status}${execution.stoppedAt ? ', no run data yet' : ''}` : 'status unknown';
			throw new Error(`${what} had not ended after ${timeoutMs / 1000} s (${state})`);
		}
	}
}

class N8nClient {
	/** @param {string} url  n8n's address, e.g. http://127.0.0.1:5678 */
	constructor(url, { timeoutMs = 30_000 } = {}) {
		this.url = url.replace(/\/+$/, '');
		this.timeoutMs = timeoutMs;
		/** The `n8n-auth` cookie after setupOwner() or login(). */
		this.cookie = null;
		/** The public-API key after createApiKey(). */
		this.apiKey = null;
	}

	/**
	 * One request. `body`: a string or Buffer is sent as it is (with the Content-Type the headers
	 * give, none otherwise), anything else as JSON. Resolves { status, headers, text, json, cookie,
	 * ms } for any HTTP status (`json` undefined when the body is not JSON, `cookie` the n8n-auth
	 * cookie n8n set, if any); rejects when n8n does not answer within `timeoutMs`.
	 *
	 * n8n answers 503 "Database is not ready!" before any route runs while its database check fails
	 * (1.x early after start; 2.x whenever a ping, every 2 s, takes longer than 5 s, as it can on a
	 * busy machine, until the next one passes). Such a request did nothing, so it is sent again
	 * every `notReadyRetryEveryMs`, for up to `notReadyWaitMs`.
	 */
	async request(method, urlPath, options = {}) {
		const { notReadyWaitMs = 60_000, notReadyRetryEveryMs = 500 } = options;
		for (const until = Date.now() + notReadyWaitMs; ; await sleep(notReadyRetryEveryMs)) {
			const res = await this.requestResettable(method, urlPath, options);
			if (!(res.status === 503 && res.json?.message === 'Database is not ready!') || Date.now() > until) return res;
		}
	}

	/**
	 * One request; a GET or HEAD whose connection is reset is sent once more (a kept-alive
	 * connection n8n closed meanwhile, or n8n 1.x resetting requests while busy); nothing else is
	 * repeated.
	 */
	async requestResettable(method, urlPath, options) {
		try {
			return await this.requestOnce(method, urlPath, options);
		} catch (error) {
			if (!['GET', 'HEAD'].includes(method) || !RESET_CODES.has(error.code)) throw error;
			await sleep(250);
			return await this.requestOnce(method, urlPath, options);
		}
	}

	/** One request, sent once (see request()). */
	async requestOnce(method, urlPath, { body, headers = {}, cookie, timeoutMs = this.timeoutMs } = {}) {
		const all = { accept: 'application/json', ...headers };
		if (cookie) all.cookie = cookie;
		let payload;
		if (body !== undefined) {
			const raw = typeof body === 'string' || Buffer.isBuffer(body);
			// Bytes, so that fetch adds no Content-Type of its own.
			payload = Buffer.isBuffer(body) ? body : Buffer.from(raw ? body : JSON.stringify(body));
			if (!raw && !Object.keys(all).some((name) => name.toLowerCase() === 'content-type')) all['content-type'] = 'application/json';
		}
		const started = Date.now();
		let res;
		let text;
		try {
			res = await fetch(`${this.url}${urlPath}`, { method, headers: all, body: payload, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
			text = await res.text();
		} catch (error) {
			if (error.name === 'TimeoutError') throw new Error(`${method} ${urlPath}: no answer within ${timeoutMs} ms`);
			const cause = error.cause || error;
			const why = cause.message === 'bad port' ? 'a port that fetch refuses (a "bad port" of the Fetch standard); use another' : cause.code || cause.message;
			const wrapped = new Error(`${method} ${this.url}${urlPath}: ${why}`);
			wrapped.code = cause.code;
			throw wrapped;
		}
		let json;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = undefined;
		}
		const auth = res.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.find((c) => c.startsWith('n8n-auth='));
		return { status: res.status, headers: Object.fromEntries(res.headers), text, json, cookie: auth, ms: Date.now() - started };
	}

	/** GET /healthz/readiness: its status, or null when nothing answers. */
	async readiness() {
		try {
			return (await this.request('GET', '/healthz/readiness', { timeoutMs: 2000 })).status;
		} catch {
			return null;
		}
	}

	/** Whether this n8n still asks for an owner account (a new instance). */
	async needsOwnerSetup() {
		const settings = await this.request('GET', '/rest/settings');
		return Boolean(settings.json?.data?.userManagement?.showSetupOnFirstLoad);
	}

	/**
	 * POST /rest/owner/setup ({ email, firstName, lastName, password }) and keep the cookie. n8n 1.x
	 * reports ready a moment before its REST routes are mounted: retried while it answers 404 (its
	 * 503 "Database is not ready!" is retried by request() for every call).
	 */
	async setupOwner(owner, { waitMs = 90_000 } = {}) {
		let res;
		for (const until = Date.now() + waitMs; ; await sleep(500)) {
			res = await this.request('POST', '/rest/owner/setup', { body: owner });
			if (res.status !== 404 || Date.now() > until) break;
		}
		if (res.status !== 200 || !res.cookie) throw new Error(`owner setup: HTTP ${res.status} ${res.text.slice(0, 300)}`);
		this.cookie = res.cookie;
		return res;
	}

	/** POST /rest/login; keeps and returns the cookie, or null when n8n refused. */
	async login(email, password) {
		const res = await this.request('POST', '/rest/login', { body: { emailOrLdapLoginId: email, password } });
		if (res.status !== 200 || !res.cookie) return null;
		this.cookie = res.cookie;
		return this.cookie;
	}

	/** A request to the internal REST API (/rest + urlPath) with the login cookie. */
	rest(method, urlPath, body, options = {}) {
		return this.request(method, `/rest${urlPath}`, { ...options, body, cookie: this.cookie });
	}

	/**
	 * GET /rest/executions/{id} with its data readable: { id, status, finished, stoppedAt,
	 * workflowId, mode, data } (`data`: the run's IRunExecutionData, nodeResult({ data }, name) reads
	 * a node's items), or null when n8n does not know it.
	 */
	async execution(id) {
		const res = await this.rest('GET', `/executions/${id}`);
		const execution = res.json?.data;
		if (res.status !== 200 || !execution || !execution.id) return null;
		return { ...execution, data: typeof execution.data === 'string' ? parseFlatted(execution.data) : execution.data };
	}

	/** Waits until an execution has ended with its run data (see hasEnded()); returns it (see execution()). */
	async waitForExecution(id, { timeoutMs = 60_000, intervalMs = 250 } = {}) {
		return await waitUntilEnded(() => this.execution(id), { what: `execution ${id}`, timeoutMs, intervalMs });
	}

	/** Creates a public-API key (needs the owner's cookie) and keeps it. */
	async createApiKey({ label = 'dev', scopes = WORKFLOW_SCOPES, expiresAt = null } = {}) {
		const res = await this.rest('POST', '/api-keys', { label, expiresAt, scopes });
		if (res.status !== 200) throw new Error(`api key: HTTP ${res.status} ${res.text.slice(0, 300)}`);
		this.apiKey = res.json.data.rawApiKey ?? res.json.data.apiKey;
		return this.apiKey;
	}

	/** A request to the public API (/api/v1 + urlPath) with the API key. */
	api(method, urlPath, body, options = {}) {
		return this.request(method, `/api/v1${urlPath}`, { ...options, body, headers: { ...options.headers, 'x-n8n-api-key': this.apiKey } });
	}
}

module.exports = { N8nClient, WORKFLOW_SCOPES, BAD_PORTS, hasEnded, waitUntilEnded };
