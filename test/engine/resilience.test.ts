/**
 * Faults: retries, backoff, Retry-After, timeouts, redirects, malformed answers. Every fault is
 * injected by the sandbox on loopback and bounded in count and time.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { runNode } from '../harness/engine';
import { sandboxCredentials, useSandbox } from '../harness/sandbox';

const sandbox = useSandbox();

const creds = () => sandboxCredentials(sandbox());
/** The 1,000-item runs: skipped under `npm run mutate` only (test/setup-mutation.js), where they would dominate every run. */
const bulkTest = process.env.CHARGEPILOT_TEST_BULK === 'skip' ? test.skip : test;
const fastRetry = { maxAttempts: 8, maxRetryWait: 0.02 };
const echo = (options: Record<string, unknown> = {}) => ({
	resource: 'api',
	operation: 'customRequest',
	method: 'GET',
	path: '=/echo/item/{{ $json.n }}',
	options,
});

bulkTest('1,000 items with 20% injected faults on GETs: 1,000 right answers, none lost or duplicated', async () => {
	sandbox().configure({ faults: { rates: { '429': 0.04, '502': 0.04, '503': 0.04, '504': 0.04, reset: 0.04 }, faultSeed: 7, retryAfter: 0 } });
	const items = Array.from({ length: 1000 }, (_v, n) => ({ n }));
	const { items: out, error } = await runNode({ parameters: echo({ ...fastRetry, concurrency: 8 }), credentials: creds(), items });
	expect(error).toBeUndefined();
	expect(out).toHaveLength(1000);
	out.forEach((item, index) => {
		expect(item.pairedItem).toEqual({ item: index });
		expect(item.json.path).toBe(`/rest/v1/echo/item/${index}`);
	});
	expect(sandbox().stats.faultsInjected).toBeGreaterThan(150);
	// Each item was answered exactly once with 200.
	const served = sandbox().requests.filter((r) => r.status === 200).map((r) => r.target);
	expect(served).toHaveLength(1000);
	expect(new Set(served).size).toBe(1000);
	// Every attempt was signed afresh and verified.
	expect(sandbox().requests.filter((r) => r.status === 401)).toHaveLength(0);
}, 120_000);

bulkTest('retries off + continue on fail: 1,000 outputs, failures as error items naming status and attempts', async () => {
	sandbox().configure({ faults: { rates: { '503': 0.1, '502': 0.1 }, faultSeed: 11 } });
	const items = Array.from({ length: 1000 }, (_v, n) => ({ n }));
	const { items: out, error } = await runNode({ parameters: echo({ maxAttempts: 1, concurrency: 8 }), credentials: creds(), items, continueOnFail: true });
	expect(error).toBeUndefined();
	expect(out).toHaveLength(1000);
	const failed = out.filter((item) => item.json.error);
	expect(failed.length).toBe(sandbox().stats.faultsInjected);
	expect(failed.length).toBeGreaterThan(100);
	for (const item of failed) {
		expect(item.json.error).toMatch(/ChargePilot answered 50[23] to GET \/echo\/item\/\d+: .*\(1 attempt\)/);
		expect(item.json.httpCode).toMatch(/^50[23]$/);
		expect(item.json.attempts).toBe(1);
	}
	out.forEach((item, index) => {
		expect(item.pairedItem).toEqual({ item: index });
		if (!item.json.error) expect(item.json.path).toBe(`/rest/v1/echo/item/${index}`);
	});
	expect(sandbox().requests).toHaveLength(1000);
}, 120_000);

test('429 honours Retry-After (seconds) and the wait is capped by Max Retry Wait', async () => {
	sandbox().failNext(1, { status: 429, retryAfter: 1 });
	const { items, error } = await runNode({ parameters: echo({ maxAttempts: 3, maxRetryWait: 5 }), credentials: creds(), items: [{ n: 1 }] });
	expect(error).toBeUndefined();
	expect(items[0].json.path).toBe('/rest/v1/echo/item/1');
	const [first, second] = sandbox().requests;
	expect(first.status).toBe(429);
	expect(second.status).toBe(200);
	expect(gapMs(sandbox().requests)).toBeGreaterThanOrEqual(950);

	sandbox().clearRequests();
	sandbox().failNext(1, { status: 429, retryAfter: 3600 });
	await runNode({ parameters: echo({ maxAttempts: 2, maxRetryWait: 0.2 }), credentials: creds(), items: [{ n: 2 }] });
	expect(sandbox().requests.map((r) => r.status)).toEqual([429, 200]);
	// The server's own clock between the two attempts: the cap (200 ms), not the hour asked for.
	const gap = gapMs(sandbox().requests);
	expect(gap).toBeGreaterThanOrEqual(190);
	expect(gap).toBeLessThan(3000);
});

/** Milliseconds between the starts of the first two recorded requests (the sandbox's monotonic clock). */
function gapMs(requests: Array<{ startedMs?: number }>): number {
	return Number(requests[1].startedMs) - Number(requests[0].startedMs);
}

test('Retry-After as an HTTP date is honoured (longer than any first backoff could be)', async () => {
	// Whole seconds: an HTTP date 3 s ahead means a wait of 2-3 s. The first backoff is at most 500 ms.
	sandbox().failNext(1, { status: 503, retryAfter: new Date(Date.now() + 3000).toUTCString() });
	const { error } = await runNode({ parameters: echo({ maxAttempts: 2, maxRetryWait: 10 }), credentials: creds(), items: [{ n: 3 }] });
	expect(error).toBeUndefined();
	expect(sandbox().requests.map((r) => r.status)).toEqual([503, 200]);
	expect(gapMs(sandbox().requests)).toBeGreaterThanOrEqual(1900);
});

test('each retry is signed afresh: a new timestamp when time has passed', async () => {
	sandbox().failNext(1, { status: 503, retryAfter: 1 });
	await runNode({ parameters: echo({ maxAttempts: 2, maxRetryWait: 2 }), credentials: creds(), items: [{ n: 4 }] });
	const [first, second] = sandbox().requests;
	expect(second.headers['x-req-timestamp']).not.toBe(first.headers['x-req-timestamp']);
	expect(second.headers['x-signature']).not.toBe(first.headers['x-signature']);
	expect(second.auth.ok).toBe(true);
});

describe('POST and PATCH are not repeated when the request may have arrived', () => {
	const post = (options: Record<string, unknown>) => ({ resource: 'api', operation: 'customRequest', method: 'POST', path: '/echo/order', body: '{"a":1}', options });

	test('503 on POST: no retry by default', async () => {
		sandbox().failNext(1, { status: 503 });
		const { error } = await runNode({ parameters: post({ maxAttempts: 4, maxRetryWait: 0.01 }), credentials: creds() });
		expect(error?.message).toMatch(/503.*\(1 attempt\)/);
		expect(sandbox().requests).toHaveLength(1);
	});

	test('connection reset on POST: no retry by default', async () => {
		sandbox().failNext(1, { reset: true });
		const { error } = await runNode({ parameters: post({ maxAttempts: 4, maxRetryWait: 0.01 }), credentials: creds() });
		expect(error?.message).toMatch(/connection was reset|socket hang up/);
		expect(sandbox().requests).toHaveLength(1);
	});

	test('429 on POST is retried (the server refused it)', async () => {
		sandbox().failNext(1, { status: 429 });
		const { error } = await runNode({ parameters: post({ maxAttempts: 4, maxRetryWait: 0.01 }), credentials: creds() });
		expect(error).toBeUndefined();
		expect(sandbox().requests.map((r) => r.status)).toEqual([429, 200]);
	});

	test('with "Retry POST and PATCH" on, a 503 POST is retried', async () => {
		sandbox().failNext(1, { status: 503 });
		const { error } = await runNode({ parameters: post({ maxAttempts: 4, maxRetryWait: 0.01, retryNonIdempotent: true }), credentials: creds() });
		expect(error).toBeUndefined();
		expect(sandbox().requests.map((r) => r.status)).toEqual([503, 200]);
	});
});

test('a timeout gives a clear error with the timeout and the attempts', async () => {
	sandbox().failNext(2, { delayMs: 1500 });
	const { error } = await runNode({ parameters: echo({ timeout: 300, maxAttempts: 2, maxRetryWait: 0.01 }), credentials: creds(), items: [{ n: 5 }] });
	expect(error?.message).toMatch(/no answer within the timeout \(timeout 300 ms\) \(after 2 attempts\)/);
	expect(error?.description).toMatch(/Raise the Timeout/);
});

test('malformed JSON is retried for GET and reported clearly when it persists', async () => {
	sandbox().failNext(1, { malformed: true });
	const ok = await runNode({ parameters: echo({ maxAttempts: 2, maxRetryWait: 0.01 }), credentials: creds(), items: [{ n: 6 }] });
	expect(ok.error).toBeUndefined();
	expect(ok.items[0].json.path).toBe('/rest/v1/echo/item/6');
	sandbox().failNext(2, { malformed: true });
	const bad = await runNode({ parameters: echo({ maxAttempts: 2, maxRetryWait: 0.01 }), credentials: creds(), items: [{ n: 7 }] });
	expect(bad.error?.message).toMatch(/not valid JSON \(after 2 attempts\)/);
});

test('a connection refused is retried, then reported with a hint about the base URL', async () => {
	const closed = http.createServer();
	await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
	const { port } = closed.address() as AddressInfo;
	await new Promise<void>((resolve) => closed.close(() => resolve()));
	const { error } = await runNode({
		parameters: { resource: 'api', operation: 'ping', options: { maxAttempts: 2, maxRetryWait: 0.01 } },
		credentials: { ...creds(), baseUrl: `http://127.0.0.1:${port}/rest/v1` },
	});
	expect(error?.message).toMatch(/nothing is listening at the base URL \(after 2 attempts\)/);
	expect(error?.description).toMatch(/Region or Base URL/);
});

test('a redirect is not followed: the signed headers never reach the other address', async () => {
	const seenByOther: string[] = [];
	const other = http.createServer((req, res) => {
		seenByOther.push(`${req.method} ${req.url} ${req.headers['x-api-key'] ?? ''}`);
		res.end('{}');
	});
	await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
	const otherPort = (other.address() as AddressInfo).port;
	const redirector = http.createServer((_req, res) => {
		res.writeHead(302, { location: `http://127.0.0.1:${otherPort}/steal` });
		res.end();
	});
	await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
	const port = (redirector.address() as AddressInfo).port;
	try {
		const { error } = await runNode({
			parameters: { resource: 'site', operation: 'getAll', returnAll: true },
			credentials: { ...creds(), baseUrl: `http://127.0.0.1:${port}/rest/v1` },
		});
		expect(error?.message).toMatch(/302/);
		expect(error?.description).toMatch(/redirected to http:\/\/127\.0\.0\.1:\d+\/steal.*never followed/);
		expect(seenByOther).toEqual([]);
	} finally {
		await Promise.all([other, redirector].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
	}
});
