'use strict';

/**
 * The sandbox's fault injection (dev/sandbox/faults.js).
 */

const { startSandbox } = require('../../../dev/sandbox');
const { fixedNow, send, signed } = require('./independent-client');

jest.setTimeout(30000);

describe('sandbox: faults', () => {
	let sandbox;
	beforeEach(async () => {
		sandbox = await startSandbox({ now: fixedNow, eventCount: 10 });
	});
	afterEach(() => sandbox.close());

	test('failNext reset drops the connection without a response', async () => {
		sandbox.failNext(1, { reset: true });
		await expect(signed(sandbox, '/rest/v1/sites')).rejects.toMatchObject({ code: 'ECONNRESET' });
		expect(sandbox.lastRequest).toMatchObject({ status: 0, target: '/rest/v1/sites' });
		expect((await signed(sandbox, '/rest/v1/sites')).status).toBe(200);
	});

	test('failNext 429 with Retry-After, ping is not consumed', async () => {
		sandbox.failNext(2, { status: 429, retryAfter: 7 });
		expect((await send(sandbox, { target: '/rest/v1/ping' })).status).toBe(200);
		for (let i = 0; i < 2; i++) {
			const res = await signed(sandbox, '/rest/v1/sites');
			expect(res.status).toBe(429);
			expect(res.headers['retry-after']).toBe('7');
			expect(res.json).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
		}
		expect((await signed(sandbox, '/rest/v1/sites')).status).toBe(200);
		expect(sandbox.requests.map((r) => r.status)).toEqual([200, 429, 429, 200]);
		expect(sandbox.stats).toEqual({ requests: 4, faultsInjected: 2, byStatus: { 200: 2, 429: 2 } });
	});

	test('failNext malformed sends 200 with a body that is not JSON; includePing applies to ping', async () => {
		sandbox.failNext(1, { malformed: true, includePing: true });
		const res = await send(sandbox, { target: '/rest/v1/ping' });
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
		expect(() => JSON.parse(res.text)).toThrow();
		expect(sandbox.pendingFaults).toBe(0);
	});

	test('failNext defaults to 503 and uses the configured retryAfter date', async () => {
		const date = 'Wed, 21 Oct 2026 07:28:00 GMT';
		sandbox.configure({ faults: { retryAfter: date } });
		sandbox.failNext();
		const res = await signed(sandbox, '/rest/v1/sites');
		expect(res.status).toBe(503);
		expect(res.headers['retry-after']).toBe(date);
	});

	test('random faults are reproducible with faultSeed and stop after maxFaults', async () => {
		const run = async (faults, n) => {
			sandbox.configure({ faults });
			const statuses = [];
			for (let i = 0; i < n; i++) statuses.push((await signed(sandbox, '/rest/v1/sites')).status);
			return statuses;
		};
		const faults = { rates: { 503: 0.3, 502: 0.2 }, faultSeed: 7 };
		const first = await run(faults, 30);
		const second = await run(faults, 30);
		expect(second).toEqual(first);
		expect(first.filter((s) => s !== 200).length).toBeGreaterThan(3);
		const limited = await run({ rates: { 503: 1 }, maxFaults: 2 }, 5);
		expect(limited).toEqual([503, 503, 200, 200, 200]);
		expect((await send(sandbox, { target: '/rest/v1/ping' })).status).toBe(200);
	});

	test('latency and slow bodies delay but do not corrupt responses', async () => {
		sandbox.configure({ faults: { latencyMs: 150 } });
		let started = Date.now();
		expect((await signed(sandbox, '/rest/v1/sites')).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		sandbox.configure({ faults: { slowBodyMs: 200 } });
		started = Date.now();
		const slow = await signed(sandbox, '/rest/v1/sites');
		expect(Date.now() - started).toBeGreaterThanOrEqual(180);
		expect(slow.json).toEqual(sandbox.sites);
	});

	test('fault options are validated', () => {
		expect(() => sandbox.configure({ faults: { rates: { 503: 0.7, 429: 0.7 } } })).toThrow(/at most 1/);
		expect(() => sandbox.configure({ faults: { latencyMs: 10 * 60 * 1000 } })).toThrow(RangeError);
		expect(() => sandbox.failNext(1, { status: 200 })).toThrow(/between 400 and 599/);
		expect(() => sandbox.failNext(1, { reset: true, status: 503 })).toThrow(/only one/);
	});
});
