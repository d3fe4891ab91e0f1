'use strict';

/**
 * Tests of the ChargePilot API sandbox (test/sandbox/) on its own.
 *
 * The signer below is written here, independently of the sandbox verifier,
 * and one vector of each kind was computed with openssl (see OPENSSL_VECTORS)
 * so that neither side only agrees with itself.
 */

const crypto = require('node:crypto');
const http = require('node:http');
const path = require('node:path');
const { spawn } = require('node:child_process');

const { startSandbox } = require('./sandbox');

jest.setTimeout(30000);

// ---------------------------------------------------------------------------
// Independent signer and HTTP client
// ---------------------------------------------------------------------------

/** hex(HMAC-SHA256(key = hex(SHA-256(secret)) as text, METHOD:PATH:TIMESTAMP:BODY)) */
function sign(secret, method, signedPath, timestamp, body = '') {
	const hashedSecret = crypto.createHash('sha256').update(secret, 'utf8').digest('hex');
	return crypto
		.createHmac('sha256', hashedSecret)
		.update(`${method}:${signedPath}:${timestamp}:${body}`, 'utf8')
		.digest('hex');
}

/**
 * Vectors computed with openssl on the development machine:
 *   hk=$(printf '%s' 'sandbox-api-secret' | sha256sum | cut -d' ' -f1)
 *   printf '%s' "$payload" | openssl dgst -sha256 -hmac "$hk"
 */
const OPENSSL_VECTORS = {
	hashedSecret: '27872975ad027588623e39b734dcaa27a6628e95c1efab25bcfb1e4e2327535f',
	full: {
		payload: 'GET:/rest/v1/sites?from=2024-01-01:1718000000:',
		signature: 'bdc228dcac19993e133f4cf201e23e407a3d2124bf5a6cb8d10805360a8c45a2',
	},
	relative: {
		payload: 'GET:/sites?from=2024-01-01:1718000000:',
		signature: '8dd732062648ba44ce95ad890fe1fc306d38c70ded7dc9be84090517c9cc2a9e',
	},
	unicodeBody: {
		payload: 'POST:/rest/v1/echo/fleet?note=M%C3%BCller:1718000000:{"id_tag":"Müller-Flotte","energy_wh":12500}',
		signature: 'ac91b9a062776d00996f16e996101729d0c6931a902e1d7acc69b5e00c4e76c7',
	},
};

const FIXED_SECONDS = 1718000000;
/** A fixed clock, a little after the full second. */
const fixedNow = () => FIXED_SECONDS * 1000 + 250;

/**
 * Sends one request with node:http so the request target goes out exactly as
 * given. Resolves { status, headers, text, json }.
 */
function send(sandbox, { method = 'GET', target, headers = {}, body, agent = false }) {
	return new Promise((resolve, reject) => {
		const req = http.request(
			{ host: '127.0.0.1', port: sandbox.port, method, path: target, headers, agent },
			(res) => {
				const chunks = [];
				res.on('data', (chunk) => chunks.push(chunk));
				res.on('error', reject);
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json;
					try {
						json = JSON.parse(text);
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode, headers: res.headers, text, json });
				});
			},
		);
		req.on('error', reject);
		if (body !== undefined) req.write(body);
		req.end();
	});
}

/** Builds the three auth headers for a request. */
function authHeaders(sandbox, { method = 'GET', target, body = '', timestamp, variant = 'full', apiKey, secret }) {
	const ts = String(timestamp === undefined ? FIXED_SECONDS : timestamp);
	const signedPath = variant === 'relative' ? target.replace(/^\/rest\/v1/, '') : target;
	return {
		'x-api-key': apiKey || sandbox.apiKey,
		'x-req-timestamp': ts,
		'x-signature': sign(secret || sandbox.apiSecret, method, signedPath, ts, body),
	};
}

/** A correctly signed request (options override parts of the signing). */
function signed(sandbox, target, options = {}) {
	const { method = 'GET', body, contentType, extraHeaders = {}, ...signing } = options;
	const headers = { ...authHeaders(sandbox, { method, target, body: body || '', ...signing }), ...extraHeaders };
	if (body !== undefined) {
		headers['content-type'] = contentType || 'application/json';
		headers['content-length'] = Buffer.byteLength(body);
	}
	return send(sandbox, { method, target, headers, body });
}

function eventsTarget(siteId, query) {
	return `/rest/v1/charging-events/site/${siteId}?${query}`;
}

const WHOLE_RANGE = 'from=2026-01-01T00:00:00Z&to=2026-07-01T00:00:00Z';

// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------

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
			expect(a.json).toHaveLength(4);
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

// ---------------------------------------------------------------------------

describe('sandbox: sites', () => {
	let sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ now: fixedNow, eventCount: 100 });
	});
	afterAll(() => sandbox.close());

	/** Walks a fuse tree depth-first. */
	function* nodes(tree) {
		for (const node of tree) {
			yield node;
			yield* nodes(node.children);
		}
	}

	test('GET /sites returns the four seeded sites as a bare array', async () => {
		const res = await signed(sandbox, '/rest/v1/sites');
		expect(res.status).toBe(200);
		expect(Array.isArray(res.json)).toBe(true);
		expect(res.json.map((s) => s.id)).toEqual([
			'site-berlin-depot',
			'site-amsterdam-office',
			'site-brooklyn-fleet-yard',
			'site-los-angeles-showroom',
		]);
		expect(res.json.map((s) => s.timezone)).toEqual([
			'Europe/Berlin',
			'Europe/Amsterdam',
			'America/New_York',
			'America/Los_Angeles',
		]);
		expect(res.json).toEqual(sandbox.sites);
	});

	test('sites have a local controller and a nested fuse tree', async () => {
		const res = await signed(sandbox, '/rest/v1/sites/site-berlin-depot');
		const site = res.json;
		expect(Object.keys(site.local_controller).sort()).toEqual(['device_id', 'id', 'name', 'serial_no']);
		expect(site.fuse_tree).toHaveLength(1);
		expect(site.fuse_tree[0].type).toBe('fuse');
		const all = [...nodes(site.fuse_tree)];
		for (const node of all) {
			expect(typeof node.parameters.depth).toBe('string');
			expect(Object.keys(node.parameters).sort()).toEqual(
				[
					'additional_comments',
					'connectors',
					'depth',
					'fallback',
					'fallback_status',
					'firmware_version',
					'fuse_id',
					'inbound_limit',
					'limit',
					'meter',
					'name',
					'order',
					'outbound_limit',
					'pending_fallback_value',
				].sort(),
			);
		}
		expect(new Set(all.map((n) => n.type))).toEqual(new Set(['fuse', 'charging_station', 'connector_group']));
		const station = all.find((n) => n.type === 'charging_station');
		expect(station.parameters.connectors[0]).toEqual({
			id: expect.any(String),
			connector_id: expect.any(Number),
			type: expect.stringMatching(/^(Type2|CCS)$/),
			max_current: expect.any(Number),
		});
		const stationCounts = sandbox.sites.map(
			(s) => [...nodes(s.fuse_tree)].filter((n) => n.type === 'charging_station').length,
		);
		expect(new Set(stationCounts).size).toBe(4);
	});

	test("listEnvelope 'object' wraps the list", async () => {
		sandbox.configure({ listEnvelope: 'object' });
		try {
			const res = await signed(sandbox, '/rest/v1/sites');
			expect(res.json).toEqual({ sites: sandbox.sites, count: 4 });
		} finally {
			sandbox.configure({ listEnvelope: 'array' });
		}
	});

	test('the same seed gives the same data, another seed different data', async () => {
		const again = await startSandbox({ eventCount: 100 });
		const other = await startSandbox({ eventCount: 100, seed: 7 });
		try {
			expect(again.sites).toEqual(sandbox.sites);
			expect(again.getEvents('site-berlin-depot')).toEqual(sandbox.getEvents('site-berlin-depot'));
			expect(other.sites).not.toEqual(sandbox.sites);
		} finally {
			await Promise.all([again.close(), other.close()]);
		}
	});
});

// ---------------------------------------------------------------------------

describe('sandbox: charging events', () => {
	let sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ now: fixedNow });
	});
	afterAll(() => sandbox.close());
	afterEach(() => sandbox.configure({ truncateAbove: null, truncated: false }));

	const get = (query, site = 'site-berlin-depot') => signed(sandbox, eventsTarget(site, query));

	test('seeded events have the documented shape', () => {
		const events = sandbox.getEvents('site-berlin-depot');
		expect(events).toHaveLength(6000);
		const first = events[0];
		expect(first).toEqual({
			transaction_id: expect.any(Number),
			occurrence_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
			start_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
			stop_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
			duration: expect.any(Number),
			transaction_data: expect.objectContaining({
				charger_id: first.charger_id,
				connector_id: first.connector_id,
				id_tag: first.id_tag,
				meter_start: expect.any(Number),
				meter_stop: expect.any(Number),
			}),
			energy_wh: expect.any(Number),
			charger_id: expect.any(String),
			connector_id: expect.any(Number),
			id_tag: expect.any(String),
			initial_soc: first.transaction_data.connector_type === 'CCS' ? expect.any(Number) : null,
			end_soc: first.transaction_data.connector_type === 'CCS' ? expect.any(Number) : null,
		});
		const inconsistent = events.filter((event) => {
			const start = Date.parse(event.start_time);
			const stop = Date.parse(event.stop_time);
			return !(stop > start) || event.duration !== (stop - start) / 1000 || event.occurrence_time < event.stop_time;
		});
		expect(inconsistent).toEqual([]);
		expect(events[0].start_time >= '2026-01-01T00:00:00Z').toBe(true);
		expect(events[events.length - 1].start_time < '2026-07-01T00:00:00Z').toBe(true);
		expect(events.some((e) => e.id_tag.includes('Müller-Flotte'))).toBe(true);
		expect(events.some((e) => e.initial_soc === null)).toBe(true);
		expect(sandbox.countEvents('site-amsterdam-office')).toBeGreaterThan(100);
	});

	test('paging with take/skip returns every event once, in default order, with ties by transaction_id', async () => {
		const collected = [];
		let skip = 0;
		let count;
		do {
			const res = await get(`${WHOLE_RANGE}&take=1000&skip=${skip}`);
			expect(res.status).toBe(200);
			expect(res.json.truncated).toBe(false);
			expect(res.json.dto_presence).toBe(true);
			count = res.json.count;
			collected.push(...res.json.charging_events);
			skip += res.json.charging_events.length;
		} while (skip < count);
		expect(count).toBe(6000);
		expect(collected).toEqual(sandbox.getEvents('site-berlin-depot'));
		expect(new Set(collected.map((e) => e.transaction_id)).size).toBe(6000);
		let ties = 0;
		for (let i = 1; i < collected.length; i++) {
			const [a, b] = [collected[i - 1], collected[i]];
			expect(a.start_time <= b.start_time).toBe(true);
			if (a.start_time === b.start_time) {
				ties++;
				expect(a.transaction_id).toBeLessThan(b.transaction_id);
			}
		}
		expect(ties).toBeGreaterThan(0);
	});

	test('take defaults to 100 and skip beyond count gives an empty page', async () => {
		const first = await get(WHOLE_RANGE);
		expect(first.json.charging_events).toHaveLength(100);
		const beyond = await get(`${WHOLE_RANGE}&skip=6000`);
		expect(beyond.json).toMatchObject({ charging_events: [], count: 6000 });
	});

	test('the window includes from and excludes to (on start_time)', async () => {
		const events = sandbox.getEvents('site-berlin-depot');
		const a = events[100].start_time;
		const b = events[200].start_time;
		const res = await get(`from=${a}&to=${b}&take=1000`);
		const expected = events.filter((e) => e.start_time >= a && e.start_time < b);
		expect(res.json.count).toBe(expected.length);
		expect(res.json.charging_events).toEqual(expected);
		expect(res.json.charging_events[0].start_time).toBe(a);
		// Offsets are honoured: the same window written in +01:00.
		const shifted = (iso) => new Date(Date.parse(iso) + 3600000).toISOString().replace('.000Z', '%2B01:00');
		const withOffset = await get(`from=${shifted(a)}&to=${shifted(b)}&take=1000`);
		expect(withOffset.json.count).toBe(expected.length);
		const empty = await get(`from=${a}&to=${a}`);
		expect(empty.json.count).toBe(0);
	});

	test('sorting is stable across pages with transaction_id as tie-breaker', async () => {
		const window = 'from=2026-02-01T00:00:00Z&to=2026-02-08T00:00:00Z';
		const all = (await get(`${window}&take=1000&sort_field=energy_wh&sort_order=desc`)).json.charging_events;
		const expected = sandbox
			.getEvents('site-berlin-depot')
			.filter((e) => e.start_time >= '2026-02-01T00:00:00Z' && e.start_time < '2026-02-08T00:00:00Z')
			.sort((x, y) => y.energy_wh - x.energy_wh || x.transaction_id - y.transaction_id);
		expect(all).toEqual(expected);
		const paged = [];
		for (let skip = 0; skip < all.length; skip += 7) {
			paged.push(...(await get(`${window}&take=7&skip=${skip}&sort_field=energy_wh&sort_order=desc`)).json.charging_events);
		}
		expect(paged).toEqual(all);

		const byStartDesc = (await get(`${window}&take=1000&sort_order=desc`)).json.charging_events;
		for (let i = 1; i < byStartDesc.length; i++) {
			const [x, y] = [byStartDesc[i - 1], byStartDesc[i]];
			expect(x.start_time >= y.start_time).toBe(true);
			if (x.start_time === y.start_time) expect(x.transaction_id).toBeLessThan(y.transaction_id);
		}
		for (const field of ['transaction_id', 'occurrence_time', 'stop_time', 'duration']) {
			const res = await get(`${window}&take=5&sort_field=${field}`);
			expect(res.status).toBe(200);
		}
	});

	test('search_text matches case-insensitively, including non-ASCII id tags', async () => {
		const events = sandbox.getEvents('site-berlin-depot');
		const expected = events.filter((e) => e.id_tag.toLowerCase().includes('müller'));
		expect(expected.length).toBeGreaterThan(0);
		for (const term of ['m%C3%BCller', 'M%C3%9CLLER']) {
			const res = await get(`${WHOLE_RANGE}&take=1000&search_text=${term}`);
			expect(res.json.count).toBe(expected.length);
			expect(res.json.charging_events.every((e) => /müller/i.test(e.id_tag))).toBe(true);
		}
		const byCharger = await get(`${WHOLE_RANGE}&search_text=ber-dc-01`);
		expect(byCharger.json.count).toBe(events.filter((e) => e.charger_id.startsWith('BER-DC-01')).length);
	});

	test.each([
		['to=2026-02-01T00:00:00Z', /^from is required/],
		['from=2026-01-01T00:00:00Z', /^to is required/],
		['from=yesterday&to=2026-02-01T00:00:00Z', /^from must be a valid ISO 8601 date-time/],
		['from=2026-02-30T00:00:00Z&to=2026-03-01T00:00:00Z', /^from must be a valid ISO 8601/],
		['from=2026-01-01T00:00:00+01:00&to=2026-02-01T00:00:00Z', /send the offset as %2B/],
		[`${WHOLE_RANGE}&search_text=${'x'.repeat(101)}`, /^search_text must be shorter than or equal to 100/],
		[`${WHOLE_RANGE}&sort_field=cost`, /^sort_field must be one of the following values: transaction_id, occurrence_time, start_time, stop_time, duration, energy_wh$/],
		[`${WHOLE_RANGE}&sort_order=up`, /^sort_order must be one of the following values: asc, desc$/],
		[`${WHOLE_RANGE}&take=0`, /^take must be an integer between 1 and 1000/],
		[`${WHOLE_RANGE}&take=1001`, /^take must be an integer between 1 and 1000/],
		[`${WHOLE_RANGE}&take=2.5`, /^take must be an integer/],
		[`${WHOLE_RANGE}&skip=-1`, /^skip must be an integer >= 0/],
		[`${WHOLE_RANGE}&skip=abc`, /^skip must be an integer >= 0/],
	])('400 for %s', async (query, message) => {
		const res = await get(query);
		expect(res.status).toBe(400);
		expect(res.json.statusCode).toBe(400);
		expect(res.json.error).toBe('Bad Request');
		expect(res.json.message).toEqual([expect.stringMatching(message)]);
	});

	test('400 when to is before from; unknown parameters are ignored; 100-char search is fine', async () => {
		const res = await get('from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z');
		expect(res.status).toBe(400);
		expect(res.json).toEqual({ statusCode: 400, message: 'to must not be earlier than from', error: 'Bad Request' });
		expect((await get(`${WHOLE_RANGE}&page=3&foo=bar`)).status).toBe(200);
		expect((await get(`${WHOLE_RANGE}&search_text=${'x'.repeat(100)}`)).json.count).toBe(0);
		const both = await get('take=0');
		expect(both.json.message).toHaveLength(3);
	});

	test('truncateAbove caps count and serves only that many; truncated forces the flag', async () => {
		sandbox.configure({ truncateAbove: 500 });
		const page = await get(`${WHOLE_RANGE}&take=100&skip=450`);
		expect(page.json.count).toBe(500);
		expect(page.json.truncated).toBe(true);
		expect(page.json.charging_events).toHaveLength(50);
		expect(page.json.charging_events[49]).toEqual(sandbox.getEvents('site-berlin-depot')[499]);
		const small = await get('from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z');
		expect(small.json.truncated).toBe(false);
		sandbox.configure({ truncateAbove: null, truncated: true });
		const forced = await get('from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z');
		expect(forced.json.truncated).toBe(true);
		expect(forced.json.count).toBe(small.json.count);
	});

	test('addEvents appends later events with new, increasing transaction ids', async () => {
		const site = 'site-los-angeles-showroom';
		const before = sandbox.getEvents(site);
		const last = before[before.length - 1];
		const maxId = Math.max(...sandbox.sites.flatMap((s) => sandbox.getEvents(s.id).map((e) => e.transaction_id)));
		const added = sandbox.addEvents(site, 3);
		expect(added).toHaveLength(3);
		expect(added[0].transaction_id).toBe(maxId + 1);
		expect(added[0].start_time > last.start_time).toBe(true);
		const custom = sandbox.addEvents(site, [{ id_tag: 'Zoë Test', energy_wh: 4242 }]);
		expect(custom[0]).toMatchObject({ id_tag: 'Zoë Test', energy_wh: 4242, transaction_id: maxId + 4 });
		expect(sandbox.getEvents(site)).toHaveLength(before.length + 4);
		const res = await get(`from=${last.start_time}&to=2027-01-01T00:00:00Z&search_text=zo%C3%AB`, site);
		expect(res.json.charging_events).toEqual(custom);
		expect(res.json.dto_presence).toBe(false);
		expect(() => sandbox.addEvents(site, [{ cost: 1 }])).toThrow(/unsupported field cost/);
		expect(() => sandbox.addEvents('site-nowhere', 1)).toThrow(/Unknown sandbox site/);
	});

	// How fast they are generated is for a benchmark, not a test (shared machines are noisy).
	test('100,000 events are generated and paged to the end, sorted by another field', async () => {
		const big = await startSandbox({ eventCount: 100000 });
		try {
			expect(big.countEvents('site-berlin-depot')).toBe(100000);
			const res = await signed(big, eventsTarget('site-berlin-depot', `${WHOLE_RANGE}&take=1000&skip=99500&sort_field=duration`), {
				timestamp: Math.floor(Date.now() / 1000),
			});
			expect(res.json.count).toBe(100000);
			expect(res.json.charging_events).toHaveLength(500);
		} finally {
			await big.close();
		}
	});
});

// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------

describe('sandbox: lifecycle', () => {
	test('refuses non-loopback hosts and unknown options', async () => {
		await expect(startSandbox({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
		await expect(startSandbox({ host: '192.168.1.10' })).rejects.toThrow(/loopback/);
		await expect(startSandbox({ signedpath: 'full' })).rejects.toThrow(/unknown option signedpath/);
		await expect(startSandbox({ signedPath: 'both' })).rejects.toThrow(/signedPath/);
	});

	test('records method, raw target, headers, body and status', async () => {
		const sandbox = await startSandbox({ now: fixedNow, eventCount: 10 });
		try {
			const body = '{"x":"ü"}';
			await signed(sandbox, '/rest/v1/echo?a=%3A', { method: 'PUT', body, extraHeaders: { 'X-Custom': 'Yes' } });
			const entry = sandbox.lastRequest;
			expect(entry).toMatchObject({
				method: 'PUT',
				target: '/rest/v1/echo?a=%3A',
				bodyText: body,
				status: 200,
				auth: { ok: true, variant: 'full', reason: null },
			});
			expect(entry.headers['x-custom']).toBe('Yes');
			expect(entry.rawHeaders).toContain('X-Custom');
			expect(Buffer.isBuffer(entry.body)).toBe(true);
			expect(typeof entry.receivedAt).toBe('number');
			sandbox.clearRequests();
			expect(sandbox.requests).toHaveLength(0);
		} finally {
			await sandbox.close();
		}
	});

	test('close() ends idle keep-alive sockets promptly', async () => {
		const sandbox = await startSandbox({ eventCount: 10 });
		const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 60000 });
		try {
			const res = await send(sandbox, { target: '/rest/v1/ping', agent });
			expect(res.status).toBe(200);
			const sockets = Object.values(agent.freeSockets).flat();
			expect(sockets).toHaveLength(1);
			const socketClosed = new Promise((resolve) => sockets[0].once('close', resolve));
			const started = Date.now();
			await sandbox.close();
			await socketClosed;
			expect(Date.now() - started).toBeLessThan(4000);
			await sandbox.close(); // idempotent
			await expect(send(sandbox, { target: '/rest/v1/ping' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
		} finally {
			agent.destroy();
		}
	});

	test('close() also ends a response that is still delayed', async () => {
		const sandbox = await startSandbox({ eventCount: 10, faults: { latencyMs: 5000 } });
		const pending = send(sandbox, { target: '/rest/v1/ping' });
		await new Promise((resolve) => setTimeout(resolve, 100));
		const started = Date.now();
		await sandbox.close();
		await expect(pending).rejects.toBeDefined();
		expect(Date.now() - started).toBeLessThan(4000);
	});
});

describe('sandbox: CLI', () => {
	test('--json prints one line, serves requests and exits cleanly on SIGTERM', async () => {
		const child = spawn(
			process.execPath,
			[path.join(__dirname, 'sandbox', 'cli.js'), '--port', '0', '--json', '--quiet', '--events', '100', '--max-seconds', '25'],
			{ stdio: ['ignore', 'pipe', 'pipe'] },
		);
		try {
			const line = await new Promise((resolve, reject) => {
				let out = '';
				child.stdout.on('data', (chunk) => {
					out += chunk;
					if (out.includes('\n')) resolve(out.split('\n')[0]);
				});
				child.once('exit', (code) => reject(new Error(`cli exited early with ${code}`)));
			});
			const info = JSON.parse(line);
			expect(Object.keys(info).sort()).toEqual(['apiKey', 'apiSecret', 'baseUrl', 'port']);
			expect(info.baseUrl).toBe(`http://127.0.0.1:${info.port}/rest/v1`);
			const ping = await fetch(`${info.baseUrl}/ping`);
			expect(ping.status).toBe(200);
			const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
		} finally {
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	});
});

describe('pushSessions (the Push-API side)', () => {
	test('POSTs the latest sessions as Push-API objects with the subscription key, loopback only', async () => {
		const http = require('node:http');
		const received = [];
		const server = http.createServer((req, res) => {
			let body = '';
			req.on('data', (chunk) => (body += chunk));
			req.on('end', () => {
				received.push({ key: req.headers['ocp-apim-subscription-key'], type: req.headers['content-type'], body: JSON.parse(body) });
				res.end('{"received":2}');
			});
		});
		await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
		const sandbox = await startSandbox({ eventCount: 20 });
		try {
			const result = await sandbox.pushSessions(`http://127.0.0.1:${server.address().port}/hook`, 'push-key-1', { count: 2 });
			expect(result).toEqual({ status: 200, body: '{"received":2}' });
			const last = sandbox.getEvents(sandbox.mainSiteId).slice(-2);
			expect(received).toHaveLength(1);
			expect(received[0].key).toBe('push-key-1');
			expect(received[0].type).toBe('application/json');
			expect(received[0].body.map((session) => session.TransactionID)).toEqual(last.map((event) => event.transaction_id));
			expect(Object.keys(received[0].body[0]).sort()).toEqual(['ChargerID', 'ConnectorID', 'EndAt', 'EndSoC', 'EnergyDelivered', 'Id', 'InitialSoC', 'StartAt', 'TransactionID']);
			expect(received[0].body[0].EnergyDelivered).toBe(last[0].energy_wh);
			await expect(sandbox.pushSessions('http://10.1.2.3/hook', 'k')).rejects.toThrow(/loopback/);
		} finally {
			await sandbox.close();
			await new Promise((resolve) => server.close(resolve));
		}
	});
});
