/**
 * Signed requests through n8n's real HTTP layer (n8n-core 2.x → @n8n/backend-network → axios) to
 * the sandbox, whose independent verifier decides. What the sandbox echoes back shows that the
 * bytes that arrived are the ones the user meant.
 */
import 'n8n-core'; // installs n8n's global axios defaults, as in a running n8n
import { OutboundHttp } from '@n8n/backend-network';
import { Container } from '@n8n/di';
import type { IDataObject, IHttpRequestOptions, IRequestOptions } from 'n8n-workflow';

import { ChargePilotApi } from '../../credentials/ChargePilotApi.credentials';
import { sandboxCredentials, startSandbox, type Sandbox } from '../harness/sandbox';

const credential = new ChargePilotApi();
let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ signedPath: 'full' });
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => sandbox.clearRequests());

async function send(options: IHttpRequestOptions, signedPath: 'full' | 'relative' = 'full') {
	const signed = await credential.authenticate(sandboxCredentials(sandbox, { signedPath }), options);
	return (await Container.get(OutboundHttp)
		.requests()
		.request({ ...signed, returnFullResponse: true, ignoreHttpStatusErrors: true, json: true })) as {
		statusCode: number;
		body: Record<string, unknown>;
	};
}

const PATHS: Array<[string, string]> = [
	['plain', '/echo/sites'],
	['space and unicode in segments', '/echo/Müller Flotte/⚡ladepunkt'],
	['reserved characters in a segment', "/echo/a+b&c=d:e@f!$'()*,;"],
	['percent-encoded slash kept as sent', '/echo/x%2Fy/%7Ez'],
];

const QUERIES: Array<[string, IDataObject]> = [
	['none', {}],
	['ISO dates with colons', { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00+01:00' }],
	['reserved characters', { q: 'a&b=c+d/e?f#g', 'k ey': 'v al', plus: '+', slash: '/' }],
	['unicode and arrays', { name: 'Müller ⚡ 東京', tag: ['a', 'b b'], empty: '' }],
];

const BODIES: Array<[string, unknown]> = [
	['nested JSON', { site: { id: 'site-1', limits: [16, 32.5, null] }, flag: true, note: 'x' }],
	['unicode JSON', { name: 'Müller-Flotte ⚡', emoji: '🚌', cjk: '充電' }],
	['array JSON', [1, 'two', { three: 3 }]],
	['JSON with spaces inside strings', { text: '  leading and trailing  ', newline: 'a\nb' }],
];

describe.each(['full', 'relative'] as const)('signed path variant "%s"', (variant) => {
	beforeAll(() => sandbox.configure({ signedPath: variant }));

	test.each(PATHS)('GET path: %s', async (_name, path) => {
		const response = await send({ method: 'GET', url: path }, variant);
		expect(response.statusCode).toBe(200);
		expect(sandbox.requests[0].auth).toEqual({ ok: true, variant, reason: null });
		expect(decodeURIComponent(String(response.body.path))).toBe(
			decodeURIComponent(`/rest/v1${new URL(`http://x${path}`).pathname}`),
		);
	});

	test.each(QUERIES)('GET query: %s', async (_name, qs) => {
		const response = await send({ method: 'GET', url: '/echo/q', qs }, variant);
		expect(response.statusCode).toBe(200);
		expect(sandbox.requests[0].auth.ok).toBe(true);
		const expected: Record<string, unknown> = {};
		for (const [key, value] of Object.entries(qs)) expected[key] = value;
		expect(response.body.query).toEqual(expected);
	});

	test.each(['POST', 'PUT', 'PATCH', 'DELETE'] as const)('%s with every body kind', async (method) => {
		for (const [name, body] of BODIES) {
			sandbox.clearRequests();
			const response = await send({ method, url: '/echo/body', qs: { kind: name }, body: body as IHttpRequestOptions['body'] }, variant);
			expect({ name, status: response.statusCode }).toEqual({ name, status: 200 });
			expect(sandbox.requests[0].auth.ok).toBe(true);
			expect(response.body.method).toBe(method);
			expect(response.body.body).toEqual(body);
			expect(sandbox.requests[0].bodyText).toBe(JSON.stringify(body));
		}
	});

	test('GET with a body object sends no body', async () => {
		const response = await send({ method: 'GET', url: '/echo/nobody', body: { ignored: true } }, variant);
		expect(response.statusCode).toBe(200);
		expect(sandbox.requests[0].body.length).toBe(0);
		expect(sandbox.requests[0].auth.ok).toBe(true);
	});

	test('the other variant is rejected with 401 naming the variant the server checked', async () => {
		const other = variant === 'full' ? 'relative' : 'full';
		const response = await send({ method: 'GET', url: '/sites' }, other);
		expect(response.statusCode).toBe(401);
		expect(sandbox.requests[0].auth.ok).toBe(false);
		expect(String(response.body.message)).toMatch(/signature/i);
	});
});

describe('legacy request shape (n8n HTTP Request node with this credential)', () => {
	beforeAll(() => sandbox.configure({ signedPath: 'full' }));

	test('uri + qs + JSON body arrive signed and intact', async () => {
		const signed = (await credential.authenticate(sandboxCredentials(sandbox), {
			method: 'POST',
			uri: `${sandbox.baseUrl}/echo/legacy?x=1`,
			qs: { from: '2026-01-01T00:00:00Z', who: 'Müller & Söhne' },
			body: { a: 'ü', list: [1, 2] },
			json: true,
			resolveWithFullResponse: true,
		} as unknown as IHttpRequestOptions)) as unknown as IRequestOptions;
		const response = (await Container.get(OutboundHttp).requests().requestLegacy(signed)) as {
			statusCode: number;
			body: Record<string, unknown>;
		};
		expect(response.statusCode).toBe(200);
		expect(sandbox.requests[0].auth.ok).toBe(true);
		expect(response.body.query).toEqual({ x: '1', from: '2026-01-01T00:00:00Z', who: 'Müller & Söhne' });
		expect(response.body.body).toEqual({ a: 'ü', list: [1, 2] });
	});
});

describe('what the verifier sees', () => {
	test('headers: key, whole-second timestamp near now, lowercase hex signature; no secret', async () => {
		await send({ method: 'POST', url: '/echo/h', body: { a: 1 } });
		const { headers, bodyText } = sandbox.requests[0];
		expect(headers['x-api-key']).toBe(sandbox.apiKey);
		expect(headers['x-req-timestamp']).toMatch(/^\d{10}$/);
		expect(Math.abs(Number(headers['x-req-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
		expect(headers['x-signature']).toMatch(/^[0-9a-f]{64}$/);
		expect(headers['content-type']).toBe('application/json');
		expect(JSON.stringify(headers) + bodyText).not.toContain(sandbox.apiSecret);
	});

	test('a wrong secret is rejected', async () => {
		const signed = await credential.authenticate(sandboxCredentials(sandbox, { apiSecret: 'wrong' }), { url: '/sites' });
		const response = (await Container.get(OutboundHttp)
			.requests()
			.request({ ...signed, returnFullResponse: true, ignoreHttpStatusErrors: true, json: true })) as { statusCode: number };
		expect(response.statusCode).toBe(401);
	});
});
