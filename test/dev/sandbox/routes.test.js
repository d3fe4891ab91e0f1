'use strict';

/**
 * Routing, ping, 404s and the echo route of the sandbox (dev/sandbox/routes.js).
 */

const { startSandbox } = require('../../../dev/sandbox');
const { fixedNow, send, signed, eventsTarget, WHOLE_RANGE } = require('./independent-client');

jest.setTimeout(30000);

describe('sandbox: routing and ping', () => {
	let sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ now: fixedNow });
	});
	afterAll(() => sandbox.close());

	test('exposes origin, baseUrl, port and credentials', () => {
		expect(sandbox.origin).toBe(`http://127.0.0.1:${sandbox.port}`);
		expect(sandbox.baseUrl).toBe(`${sandbox.origin}/rest/v1`);
		expect(sandbox.apiKey).toBe('sandbox-api-key');
		expect(sandbox.apiSecret).toBe('sandbox-api-secret');
	});

	test('GET /ping needs no auth and is recorded', async () => {
		sandbox.clearRequests();
		const res = await fetch(`${sandbox.baseUrl}/ping`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(await res.json()).toEqual({ result: 'ChargePilot Rest API is available' });
		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.requests[0]).toMatchObject({
			method: 'GET',
			target: '/rest/v1/ping',
			status: 200,
			auth: { ok: true, variant: null, reason: null },
		});
	});

	test('paths outside /rest/v1 are 404 JSON', async () => {
		const res = await send(sandbox, { target: '/sites' });
		expect(res.status).toBe(404);
		expect(res.json).toEqual({ statusCode: 404, message: 'Cannot GET /sites', error: 'Not Found' });
	});

	test('non-GET methods on documented resources are 404 in NestJS style', async () => {
		const res = await signed(sandbox, '/rest/v1/sites', { method: 'POST', body: '{}' });
		expect(res.status).toBe(404);
		expect(res.json).toEqual({ statusCode: 404, message: 'Cannot POST /rest/v1/sites', error: 'Not Found' });
		const del = await signed(sandbox, '/rest/v1/sites/site-berlin-depot', { method: 'DELETE' });
		expect(del.json.message).toBe('Cannot DELETE /rest/v1/sites/site-berlin-depot');
	});

	test('unknown sites are 404 on both site routes', async () => {
		const site = await signed(sandbox, '/rest/v1/sites/site-nowhere');
		expect(site.status).toBe(404);
		expect(site.json).toEqual({ statusCode: 404, message: 'Site site-nowhere not found', error: 'Not Found' });
		const events = await signed(sandbox, eventsTarget('site-nowhere', WHOLE_RANGE));
		expect(events.status).toBe(404);
		expect(events.json.message).toBe('Site site-nowhere not found');
	});
});

describe('sandbox: echo', () => {
	let sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ now: fixedNow, eventCount: 10 });
	});
	afterAll(() => sandbox.close());

	test.each(['POST', 'PUT', 'PATCH', 'DELETE'])('%s with a unicode JSON body', async (method) => {
		const body = JSON.stringify({ name: 'Müller-Flotte ⚡', emoji: '🚌', n: 1 });
		const res = await signed(sandbox, '/rest/v1/echo/things/1?x=1&x=2', { method, body });
		expect(res.status).toBe(200);
		expect(res.json).toEqual({
			method,
			target: '/rest/v1/echo/things/1?x=1&x=2',
			path: '/rest/v1/echo/things/1',
			query: { x: ['1', '2'] },
			body: { name: 'Müller-Flotte ⚡', emoji: '🚌', n: 1 },
			contentType: 'application/json',
			bodyBytes: Buffer.byteLength(body),
		});
		expect(sandbox.lastRequest.bodyText).toBe(body);
		expect(sandbox.lastRequest.body.equals(Buffer.from(body))).toBe(true);
	});

	test('non-JSON bodies are echoed as text, empty bodies as null', async () => {
		const text = await signed(sandbox, '/rest/v1/echo', { method: 'POST', body: 'a=1&b=ü', contentType: 'text/plain' });
		expect(text.json).toMatchObject({ body: 'a=1&b=ü', contentType: 'text/plain' });
		const empty = await signed(sandbox, '/rest/v1/echo', { method: 'DELETE' });
		expect(empty.json).toMatchObject({ method: 'DELETE', body: null, contentType: null, bodyBytes: 0 });
	});

	test('invalid JSON with a JSON content type is a 400', async () => {
		const res = await signed(sandbox, '/rest/v1/echo', { method: 'POST', body: '{"a":' });
		expect(res.status).toBe(400);
		expect(res.json.message).toMatch(/^Invalid JSON body/);
	});

	test('echo requires a signature', async () => {
		const res = await send(sandbox, { method: 'POST', target: '/rest/v1/echo', body: '{}' });
		expect(res.status).toBe(401);
	});
});
