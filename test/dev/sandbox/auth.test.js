'use strict';

/**
 * The sandbox's signature verifier and its key ring (dev/sandbox/auth.js), checked against an
 * independent signer and openssl vectors (./independent-client.js).
 */

const crypto = require('node:crypto');

const { startSandbox } = require('../../../dev/sandbox');
const { sign, OPENSSL_VECTORS, FIXED_SECONDS, fixedNow, send, authHeaders, signed } = require('./independent-client');

jest.setTimeout(30000);

describe('sandbox: signature verifier', () => {
	let sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ now: fixedNow, eventCount: 50 });
	});
	afterAll(() => sandbox.close());
	beforeEach(() => {
		sandbox.configure({ signedPath: 'full', skewSeconds: 300, now: fixedNow });
		sandbox.clearRequests();
	});

	test('the test signer reproduces the openssl vectors', () => {
		const hashed = crypto.createHash('sha256').update('sandbox-api-secret').digest('hex');
		expect(hashed).toBe(OPENSSL_VECTORS.hashedSecret);
		for (const { payload, signature } of Object.values(OPENSSL_VECTORS).filter((v) => v.payload)) {
			const [method, ...rest] = payload.split(':');
			// payload = METHOD:PATH:TIMESTAMP:BODY; the path itself has no ':' here
			const [signedPath, timestamp, ...bodyParts] = rest;
			expect(sign('sandbox-api-secret', method, signedPath, timestamp, bodyParts.join(':'))).toBe(signature);
		}
	});

	test('accepts the openssl vector for the full path', async () => {
		const res = await send(sandbox, {
			target: '/rest/v1/sites?from=2024-01-01',
			headers: {
				'x-api-key': 'sandbox-api-key',
				'x-req-timestamp': '1718000000',
				'x-signature': OPENSSL_VECTORS.full.signature,
			},
		});
		expect(res.status).toBe(200);
		expect(sandbox.lastRequest.auth).toEqual({ ok: true, variant: 'full', reason: null });
	});

	test('accepts the openssl vector for the relative path in relative mode only', async () => {
		const headers = {
			'x-api-key': 'sandbox-api-key',
			'x-req-timestamp': '1718000000',
			'x-signature': OPENSSL_VECTORS.relative.signature,
		};
		const rejected = await send(sandbox, { target: '/rest/v1/sites?from=2024-01-01', headers });
		expect(rejected.status).toBe(401);
		sandbox.configure({ signedPath: 'relative' });
		const accepted = await send(sandbox, { target: '/rest/v1/sites?from=2024-01-01', headers });
		expect(accepted.status).toBe(200);
		expect(sandbox.lastRequest.auth.variant).toBe('relative');
	});

	test('accepts the openssl vector with a UTF-8 JSON body', async () => {
		const body = '{"id_tag":"Müller-Flotte","energy_wh":12500}';
		const res = await send(sandbox, {
			method: 'POST',
			target: '/rest/v1/echo/fleet?note=M%C3%BCller',
			headers: {
				'x-api-key': 'sandbox-api-key',
				'x-req-timestamp': '1718000000',
				'x-signature': OPENSSL_VECTORS.unicodeBody.signature,
				'content-type': 'application/json',
				'content-length': Buffer.byteLength(body),
			},
			body,
		});
		expect(res.status).toBe(200);
		expect(res.json.body).toEqual({ id_tag: 'Müller-Flotte', energy_wh: 12500 });
		expect(res.json.query).toEqual({ note: 'Müller' });
	});

	test('missing headers are named', async () => {
		const none = await send(sandbox, { target: '/rest/v1/sites' });
		expect(none.status).toBe(401);
		expect(none.json).toEqual({
			statusCode: 401,
			message: 'Missing authentication headers: x-api-key, x-req-timestamp, x-signature',
			error: 'Unauthorized',
		});
		const headers = authHeaders(sandbox, { target: '/rest/v1/sites' });
		delete headers['x-signature'];
		const one = await send(sandbox, { target: '/rest/v1/sites', headers });
		expect(one.json.message).toBe('Missing authentication header: x-signature');
		const empty = await send(sandbox, {
			target: '/rest/v1/sites',
			headers: { ...authHeaders(sandbox, { target: '/rest/v1/sites' }), 'x-req-timestamp': '' },
		});
		expect(empty.json.message).toBe('Missing authentication header: x-req-timestamp');
	});

	test('unknown API keys are rejected', async () => {
		const res = await send(sandbox, {
			target: '/rest/v1/sites',
			headers: authHeaders(sandbox, { target: '/rest/v1/sites', apiKey: 'someone-else' }),
		});
		expect(res.status).toBe(401);
		expect(res.json.message).toBe('Unknown API key');
		expect(sandbox.lastRequest.auth).toEqual({ ok: false, variant: null, reason: 'Unknown API key' });
	});

	test.each([
		['abc', /decimal integer of Unix seconds/],
		['1718000000.5', /decimal integer of Unix seconds/],
		['-1718000000', /decimal integer of Unix seconds/],
		['1718000000000', /13 digits and looks like milliseconds/],
	])('timestamp %s is rejected as malformed', async (timestamp, message) => {
		const target = '/rest/v1/sites';
		const headers = authHeaders(sandbox, { target, timestamp });
		const res = await send(sandbox, { target, headers });
		expect(res.status).toBe(401);
		expect(res.json.message).toMatch(message);
	});

	test('the skew window is inclusive at +/- skewSeconds', async () => {
		const target = '/rest/v1/sites';
		for (const offset of [-300, 300, 0]) {
			const res = await send(sandbox, { target, headers: authHeaders(sandbox, { target, timestamp: FIXED_SECONDS + offset }) });
			expect(res.status).toBe(200);
		}
		for (const offset of [-301, 301]) {
			const res = await send(sandbox, { target, headers: authHeaders(sandbox, { target, timestamp: FIXED_SECONDS + offset }) });
			expect(res.status).toBe(401);
			expect(res.json.message).toContain('outside the allowed window of +/-300 seconds');
			expect(res.json.message).toContain(`server time is ${FIXED_SECONDS} = 2024-06-10T06:13:20Z`);
			expect(res.headers.date).toBe(new Date(fixedNow()).toUTCString());
		}
		sandbox.configure({ skewSeconds: 10 });
		const narrow = await send(sandbox, { target, headers: authHeaders(sandbox, { target, timestamp: FIXED_SECONDS - 11 }) });
		expect(narrow.status).toBe(401);
		expect(narrow.json.message).toMatch(/11 seconds behind the server/);
	});

	test('every response carries a Date header from the sandbox clock', async () => {
		const res = await send(sandbox, { target: '/rest/v1/ping' });
		expect(res.headers.date).toBe('Mon, 10 Jun 2024 06:13:20 GMT');
	});

	test('signatures must be 64 lowercase hex characters', async () => {
		const target = '/rest/v1/sites';
		const good = authHeaders(sandbox, { target });
		const short = await send(sandbox, { target, headers: { ...good, 'x-signature': good['x-signature'].slice(1) } });
		expect(short.json.message).toBe(
			'x-signature must be 64 lowercase hex characters (hex-encoded HMAC-SHA256), got 63 characters',
		);
		const upper = await send(sandbox, { target, headers: { ...good, 'x-signature': good['x-signature'].toUpperCase() } });
		expect(upper.status).toBe(401);
		expect(upper.json.message).toMatch(/uppercase/);
	});

	test('a mismatch names the signed-path variant the server checked', async () => {
		const target = '/rest/v1/sites?from=2024-01-01';
		const res = await send(sandbox, { target, headers: authHeaders(sandbox, { target, variant: 'relative' }) });
		expect(res.status).toBe(401);
		const message = 'Invalid signature (server checked the full path /rest/v1/sites?from=2024-01-01)';
		expect(res.json.message).toBe(message);
		expect(sandbox.lastRequest.auth).toEqual({ ok: false, variant: null, reason: message });

		sandbox.configure({ signedPath: 'relative' });
		const rel = await send(sandbox, { target, headers: authHeaders(sandbox, { target, variant: 'full' }) });
		expect(rel.json.message).toBe('Invalid signature (server checked the relative path /sites?from=2024-01-01)');
	});

	test("'either' accepts both variants and reports which one matched", async () => {
		sandbox.configure({ signedPath: 'either' });
		const target = '/rest/v1/sites/site-berlin-depot';
		const full = await send(sandbox, { target, headers: authHeaders(sandbox, { target, variant: 'full' }) });
		expect(full.status).toBe(200);
		expect(sandbox.lastRequest.auth.variant).toBe('full');
		const rel = await send(sandbox, { target, headers: authHeaders(sandbox, { target, variant: 'relative' }) });
		expect(rel.status).toBe(200);
		expect(sandbox.lastRequest.auth.variant).toBe('relative');
		const bad = await send(sandbox, { target, headers: authHeaders(sandbox, { target, secret: 'wrong' }) });
		expect(bad.json.message).toBe(
			'Invalid signature (server checked the full path /rest/v1/sites/site-berlin-depot ' +
				'and the relative path /sites/site-berlin-depot)',
		);
	});

	test('the raw request target is verified exactly as sent', async () => {
		const encoded = '/rest/v1/echo?q=a%20b&from=2026-01-01T00%3A00%3A00Z';
		const raw = '/rest/v1/echo?q=a%20b&from=2026-01-01T00:00:00Z';
		// Each form verifies when it is signed as sent ...
		for (const target of [encoded, raw]) {
			const res = await send(sandbox, { target, headers: authHeaders(sandbox, { target }) });
			expect(res.status).toBe(200);
			expect(res.json.target).toBe(target);
			expect(res.json.query).toEqual({ q: 'a b', from: '2026-01-01T00:00:00Z' });
			expect(sandbox.lastRequest.target).toBe(target);
		}
		// ... but not when the other form (or the decoded query) was signed.
		const crossed = await send(sandbox, { target: encoded, headers: authHeaders(sandbox, { target: raw }) });
		expect(crossed.status).toBe(401);
		const decoded = await send(sandbox, {
			target: encoded,
			headers: authHeaders(sandbox, { target: '/rest/v1/echo?q=a b&from=2026-01-01T00:00:00Z' }),
		});
		expect(decoded.status).toBe(401);
	});

	test('method, body and timestamp are all covered by the signature', async () => {
		const target = '/rest/v1/echo';
		const lower = await send(sandbox, {
			target,
			headers: { ...authHeaders(sandbox, { target, method: 'get' }) },
		});
		expect(lower.status).toBe(401);

		const headers = authHeaders(sandbox, { target, method: 'POST', body: '{"a":1}' });
		const tampered = await send(sandbox, {
			method: 'POST',
			target,
			headers: { ...headers, 'content-type': 'application/json' },
			body: '{"a":2}',
		});
		expect(tampered.status).toBe(401);

		const otherTs = authHeaders(sandbox, { target, timestamp: FIXED_SECONDS + 1 });
		const swapped = await send(sandbox, {
			target,
			headers: { ...otherTs, 'x-req-timestamp': String(FIXED_SECONDS) },
		});
		expect(swapped.status).toBe(401);
	});

	test('no response or record ever contains the secret or its hash', async () => {
		const target = '/rest/v1/sites';
		const attempts = [
			{},
			authHeaders(sandbox, { target, secret: 'wrong' }),
			authHeaders(sandbox, { target, timestamp: 1 }),
			{ ...authHeaders(sandbox, { target }), 'x-signature': 'zz' },
		];
		for (const headers of attempts) {
			const res = await send(sandbox, { target, headers });
			expect(res.status).toBe(401);
			expect(res.text).not.toContain('sandbox-api-secret');
			expect(res.text).not.toContain(OPENSSL_VECTORS.hashedSecret);
		}
		const recorded = JSON.stringify(sandbox.requests);
		expect(recorded).not.toContain('sandbox-api-secret');
		expect(recorded).not.toContain(OPENSSL_VECTORS.hashedSecret);
	});

	test('unknown routes are 404 even without auth, and the record still shows the auth result', async () => {
		const target = '/rest/v1/nothing-here';
		const res = await send(sandbox, { target, headers: authHeaders(sandbox, { target }) });
		expect(res.status).toBe(404);
		expect(sandbox.lastRequest.auth.ok).toBe(true);
	});
});

describe('sandbox: several keys', () => {
	test('each key verifies with its own secret and may be limited to some sites', async () => {
		const sandbox = await startSandbox({
			eventCount: 10,
			keys: [
				{ apiKey: 'fleet-a', apiSecret: 'secret-a' },
				{ apiKey: 'fleet-b', apiSecret: 'secret-b', sites: ['site-amsterdam-office'] },
			],
		});
		try {
			expect(sandbox.apiKey).toBe('fleet-a');
			const now = Math.floor(Date.now() / 1000);
			const target = '/rest/v1/sites';
			const a = await send(sandbox, { target, headers: authHeaders(sandbox, { target, timestamp: now }) });
			expect(a.json).toHaveLength(sandbox.sites.length);
			const bHeaders = authHeaders(sandbox, { target, timestamp: now, apiKey: 'fleet-b', secret: 'secret-b' });
			const b = await send(sandbox, { target, headers: bHeaders });
			expect(b.json.map((s) => s.id)).toEqual(['site-amsterdam-office']);
			const hidden = '/rest/v1/sites/site-berlin-depot';
			const h = await send(sandbox, {
				target: hidden,
				headers: authHeaders(sandbox, { target: hidden, timestamp: now, apiKey: 'fleet-b', secret: 'secret-b' }),
			});
			expect(h.status).toBe(404);
			const crossed = await send(sandbox, {
				target,
				headers: authHeaders(sandbox, { target, timestamp: now, apiKey: 'fleet-b', secret: 'secret-a' }),
			});
			expect(crossed.status).toBe(401);
		} finally {
			await sandbox.close();
		}
	});
});
