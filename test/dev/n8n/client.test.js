'use strict';

/**
 * The n8n REST client (dev/n8n/client.js) against a small stand-in for n8n's HTTP side: bodies as
 * n8n receives them, the owner set-up retried while the REST routes are not mounted yet (1.x), a
 * request sent again while n8n's database is not ready, the login cookie on /rest, the API key on
 * /api/v1, readiness and time limits.
 */

const http = require('node:http');

const flatted = require('flatted');

const { N8nClient, hasEnded, waitUntilEnded } = require('../../../dev/n8n/client');
const { nodeResult, parseFlatted } = require('../../../dev/n8n/run-data');
const { freePort } = require('../../../dev/ports');

let server;
let url;
let seen;
let setupCalls;
let notReadyCalls;
let executionPolls;

/** An execution's data as n8n stores it (flatted by n8n's own library, the reference here). */
const RUN_DATA = { resultData: { runData: { Sites: [{ data: { main: [[{ json: { id: 'site-a', name: 'Müller' } }, { json: { id: 'site-b', name: 'site-a' } }]] } }] }, lastNodeExecuted: 'Sites' } };
let resets = {};

beforeAll(async () => {
	server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			seen.push({ method: req.method, url: req.url, headers: req.headers, body });
			const json = (status, value, headers = {}) => {
				res.writeHead(status, { 'content-type': 'application/json', ...headers });
				res.end(JSON.stringify(value));
			};
			if (req.url === '/healthz/readiness') return json(200, { status: 'ok' });
			if (req.url === '/rest/owner/setup') {
				setupCalls++;
				if (setupCalls < 3) return json(404, { message: 'not mounted yet' });
				return json(200, { data: {} }, { 'set-cookie': ['n8n-auth=abc123; Path=/; HttpOnly', 'other=1; Path=/'] });
			}
			if (req.url === '/rest/login') {
				const { password } = JSON.parse(body);
				return password === 'right' ? json(200, {}, { 'set-cookie': 'n8n-auth=fromlogin; Path=/' }) : json(401, { message: 'Wrong username or password' });
			}
			if (req.url === '/rest/api-keys') {
				if (req.headers.cookie !== 'n8n-auth=abc123') return json(401, { message: 'Unauthorized' });
				return json(200, { data: { rawApiKey: 'key-1' } });
			}
			if (req.url.startsWith('/api/v1/')) {
				if (req.headers['x-n8n-api-key'] !== 'key-1') return json(401, { message: 'bad key' });
				return json(200, { data: [{ id: 'w1' }] });
			}
			if (req.url === '/slow') return setTimeout(() => json(200, {}), 2000).unref();
			if (req.url === '/rest/db-blip') {
				notReadyCalls++;
				return notReadyCalls < 3 ? json(503, { code: 503, message: 'Database is not ready!' }) : json(200, { data: 'done' });
			}
			if (req.url === '/rest/down') return json(503, { code: 503, message: 'Service down' });
			if (req.url.startsWith('/rest/executions/')) {
				const id = req.url.split('/').pop();
				executionPolls++;
				if (id === '404') return json(404, { message: 'Not found' });
				const status = executionPolls < 3 ? 'running' : 'success';
				// Like n8n 1.x: the first poll that reads "success" still has the run data of the start.
				const data = executionPolls < 4 ? { resultData: { runData: {} } } : RUN_DATA;
				return json(200, { data: { id, status, stoppedAt: status === 'success' ? '2026-11-29T12:00:00.000Z' : null, data: flatted.stringify(data) } });
			}
			if (req.url.startsWith('/reset-once')) {
				resets[req.url] = (resets[req.url] ?? 0) + 1;
				if (resets[req.url] === 1) return req.socket.destroy();
				return json(200, { attempt: resets[req.url] });
			}
			res.writeHead(200, { 'content-type': 'text/plain' });
			return res.end('not json');
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${server.address().port}`;
});
afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
	seen = [];
	setupCalls = 0;
	notReadyCalls = 0;
	executionPolls = 0;
});

test('bodies: objects as JSON, strings and Buffers as they are (no Content-Type of its own)', async () => {
	const client = new N8nClient(url);
	await client.request('POST', '/hook', { body: [{ a: 'ü' }] });
	await client.request('POST', '/hook', { body: '{oops', headers: { 'content-type': 'application/json' } });
	await client.request('POST', '/hook', { body: '"x"' });
	await client.request('POST', '/hook', { body: '' });
	const text = await client.request('GET', '/hook', { headers: { 'user-agent': 'ChargePilot-Push-e2e' } });
	expect(seen.map((r) => [r.headers['content-type'], r.body])).toEqual([
		['application/json', '[{"a":"ü"}]'],
		['application/json', '{oops'],
		[undefined, '"x"'],
		[undefined, ''],
		[undefined, ''],
	]);
	expect(seen[3].headers['content-length']).toBe('0');
	expect(seen[4].headers['user-agent']).toBe('ChargePilot-Push-e2e');
	expect(text).toMatchObject({ status: 200, text: 'not json', json: undefined, cookie: undefined });
	expect(text.headers['content-type']).toBe('text/plain');
	expect(typeof text.ms).toBe('number');
});

test('owner set-up (retried while 404), cookie on /rest, API key on /api/v1', async () => {
	const client = new N8nClient(`${url}/`);
	await client.setupOwner({ email: 'o@example.com', firstName: 'A', lastName: 'B', password: 'P4ssword' });
	expect(setupCalls).toBe(3);
	expect(client.cookie).toBe('n8n-auth=abc123');
	expect(await client.createApiKey({ label: 'test' })).toBe('key-1');
	expect(JSON.parse(seen.at(-1).body)).toMatchObject({ label: 'test', expiresAt: null, scopes: expect.arrayContaining(['workflow:activate', 'execution:read']) });
	const list = await client.api('GET', '/workflows');
	expect(list.status).toBe(200);
	expect(list.json.data).toEqual([{ id: 'w1' }]);
	expect(await client.login('o@example.com', 'wrong')).toBeNull();
	expect(client.cookie).toBe('n8n-auth=abc123');
	expect(await client.login('o@example.com', 'right')).toBe('n8n-auth=fromlogin');
});

test('n8n\'s 503 "Database is not ready!" (answered before any route runs) is sent again; any other 503 is returned', async () => {
	const client = new N8nClient(url);
	const res = await client.request('POST', '/rest/db-blip', { body: { name: 'n8n-nodes-x' }, notReadyRetryEveryMs: 10 });
	expect([res.status, res.json]).toEqual([200, { data: 'done' }]);
	expect(seen.map((r) => [r.method, r.url, r.body])).toEqual(Array(3).fill(['POST', '/rest/db-blip', '{"name":"n8n-nodes-x"}']));
	notReadyCalls = 0;
	const short = await client.request('GET', '/rest/db-blip', { notReadyWaitMs: 0 });
	expect(short.status).toBe(503);
	expect((await client.request('GET', '/rest/down')).status).toBe(503);
	expect(seen.filter((r) => r.url === '/rest/down')).toHaveLength(1);
});

test('a refused owner set-up throws with the status', async () => {
	const client = new N8nClient(url);
	await expect(client.setupOwner({}, { waitMs: 0 })).rejects.toThrow(/owner setup: HTTP 404/);
});

test('readiness, time limits and nothing listening', async () => {
	const client = new N8nClient(url);
	expect(await client.readiness()).toBe(200);
	await expect(client.request('GET', '/slow', { timeoutMs: 200 })).rejects.toThrow('GET /slow: no answer within 200 ms');
	const nobody = new N8nClient(`http://127.0.0.1:${await freePort()}`);
	expect(await nobody.readiness()).toBeNull();
	await expect(nobody.request('GET', '/x')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
	await expect(new N8nClient('http://127.0.0.1:6000').request('GET', '/x')).rejects.toThrow(/a port that fetch refuses/);
});

test("parseFlatted reads what n8n's flatted library wrote: shared strings, nesting, cycles", () => {
	const shared = { name: 'ChargePilot', tags: ['a', 'b', 'a'] };
	const value = { one: shared, two: shared, list: [1, 'x', null, true, { deep: ['x', 'ü ⚡'] }], text: '0', empty: '' };
	value.self = value;
	const parsed = parseFlatted(flatted.stringify(value));
	expect(parsed.one).toEqual({ name: 'ChargePilot', tags: ['a', 'b', 'a'] });
	expect(parsed.two).toBe(parsed.one);
	expect(parsed.list).toEqual([1, 'x', null, true, { deep: ['x', 'ü ⚡'] }]);
	expect(parsed.text).toBe('0');
	expect(parsed.empty).toBe('');
	expect(parsed.self).toBe(parsed);
	expect(parseFlatted(flatted.stringify('only a string'))).toBe('only a string');
});

test('execution(): the data unflattened; waitForExecution() until it has ended and its run data is there; null when unknown', async () => {
	const client = new N8nClient(url);
	const execution = await client.waitForExecution('7', { intervalMs: 10 });
	expect(executionPolls).toBe(4);
	expect(execution).toMatchObject({ id: '7', status: 'success' });
	expect(execution.data).toEqual(RUN_DATA);
	expect(nodeResult(execution, 'Sites').items).toEqual([{ id: 'site-a', name: 'Müller' }, { id: 'site-b', name: 'site-a' }]);
	expect(await client.execution('404')).toBeNull();
	await expect(client.waitForExecution('404', { timeoutMs: 50, intervalMs: 10 })).rejects.toThrow(/execution 404 had not ended/);
});

test('a reset connection: a GET is sent once more, a POST is not', async () => {
	resets = {};
	const client = new N8nClient(url);
	const get = await client.request('GET', '/reset-once/get');
	expect(get.json).toEqual({ attempt: 2 });
	await expect(client.request('POST', '/reset-once/post', { body: {} })).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) });
	expect(resets).toEqual({ '/reset-once/get': 2, '/reset-once/post': 1 });
});

test('hasEnded(): a final state, stoppedAt, and run data (a node ran, or the run failed before any)', () => {
	const ended = { status: 'success', stoppedAt: '2026-11-29T12:00:00.000Z', data: RUN_DATA };
	expect(hasEnded(ended)).toBe(true);
	for (const status of ['error', 'crashed', 'canceled']) expect(hasEnded({ ...ended, status })).toBe(true);
	for (const status of ['new', 'running', 'waiting', 'unknown']) expect(hasEnded({ ...ended, status })).toBe(false);
	expect(hasEnded({ ...ended, stoppedAt: null })).toBe(false);
	expect(hasEnded({ ...ended, data: { resultData: { runData: {} } } })).toBe(false);
	expect(hasEnded({ ...ended, data: {} })).toBe(false);
	expect(hasEnded({ ...ended, status: 'error', data: { resultData: { runData: {}, error: { message: 'bad' } } } })).toBe(true);
	expect(hasEnded(null)).toBe(false);
});

test('waitUntilEnded(): names what it waited for and why it gave up', async () => {
	let reads = 0;
	const read = async () => (++reads, { status: 'success', stoppedAt: 'x', data: { resultData: { runData: {} } } });
	await expect(waitUntilEnded(read, { what: 'execution 9', timeoutMs: 30, intervalMs: 5 })).rejects.toThrow('execution 9 had not ended after 0.03 s (status success, no run data yet)');
	expect(reads).toBeGreaterThan(1);
	await expect(waitUntilEnded(async () => null, { timeoutMs: 10, intervalMs: 5 })).rejects.toThrow('the execution had not ended after 0.01 s (status unknown)');
});
