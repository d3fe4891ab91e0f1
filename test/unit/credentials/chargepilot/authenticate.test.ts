import { createHash, createHmac } from 'node:crypto';

import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { ChargePilotApi } from '../../../../credentials/ChargePilotApi.credentials';
import { signRequestOptions } from '../../../../credentials/chargepilot/authenticate';

/** An independent re-computation of the spec, to check headers without trusting our signer. */
function expectedSignature(secret: string, payload: string): string {
	const key = createHash('sha256').update(secret).digest('hex');
	return createHmac('sha256', key).update(payload).digest('hex');
}

const BASE = 'http://127.0.0.1:8787/rest/v1';
const creds = { region: 'custom', baseUrl: BASE, apiKey: 'key-1', apiSecret: 'secret-1', signedPath: 'full' };
const NOW = 1_718_000_000_000;

type Legacy = IHttpRequestOptions & { uri?: string; form?: unknown; formData?: unknown; followRedirect?: boolean };

function sign(options: Partial<Legacy>, credentials: ICredentialDataDecryptedObject = creds): Legacy {
	return signRequestOptions(credentials, options as IHttpRequestOptions, NOW) as Legacy;
}

function headers(options: Legacy): Record<string, string> {
	return options.headers as Record<string, string>;
}

describe('authenticate fixes the bytes for every request shape n8n hands it', () => {
	test('programmatic node: url + baseURL + qs + object body', () => {
		const abort = new AbortController().signal;
		const out = sign({ method: 'POST', baseURL: BASE, url: '/items', qs: { a: 'x y', b: ['1', '2'], c: null, d: undefined }, body: { z: 1, é: 'ü' }, json: true, abortSignal: abort, timeout: 1234 });
		expect(out.url).toBe('http://127.0.0.1:8787/rest/v1/items?a=x%20y&b=1&b=2&c=');
		expect(out.baseURL).toBeUndefined();
		expect(out.qs).toBeUndefined();
		expect(Buffer.isBuffer(out.body)).toBe(true);
		expect((out.body as Buffer).toString('utf8')).toBe('{"z":1,"é":"ü"}');
		expect(headers(out)['Content-Type']).toBe('application/json');
		// Everything else the caller set survives.
		// The caller's signal still cancels the request (the returned one combines it with the timeout).
		expect(out.abortSignal === abort || out.abortSignal instanceof AbortSignal).toBe(true);
		expect(out.timeout).toBe(1234);
		expect(out.json).toBe(true);
		expect(headers(out)['x-signature']).toBe(
			expectedSignature('secret-1', 'POST:/rest/v1/items?a=x%20y&b=1&b=2&c=:1718000000:{"z":1,"é":"ü"}'),
		);
	});

	test('a relative url without baseURL resolves against the credential base URL', () => {
		const out = sign({ url: '/sites' });
		expect(out.url).toBe(`${BASE}/sites`);
		expect(out.method).toBe('GET');
		expect(headers(out)['x-signature']).toBe(expectedSignature('secret-1', 'GET:/rest/v1/sites:1718000000:'));
	});

	test('POST with {} sends and signs no body', () => {
		const out = sign({ method: 'POST', url: '/echo', body: {}, headers: { 'content-type': 'application/json' } });
		expect(out.body).toBeUndefined();
		expect(Object.keys(headers(out)).map((h) => h.toLowerCase())).not.toContain('content-type');
		expect(headers(out)['x-signature']).toBe(expectedSignature('secret-1', 'POST:/rest/v1/echo:1718000000:'));
	});

	test('a string body is sent byte for byte (no trim) with an explicit Content-Type', () => {
		const out = sign({ method: 'PATCH', url: '/echo', body: '  {"a": 1}\n' });
		expect((out.body as Buffer).toString('utf8')).toBe('  {"a": 1}\n');
		expect(headers(out)['Content-Type']).toBe('application/json');
		expect(headers(out)['x-signature']).toBe(expectedSignature('secret-1', 'PATCH:/rest/v1/echo:1718000000:  {"a": 1}\n'));
	});

	test('a Buffer body is kept and a caller Content-Type is respected', () => {
		const out = sign({ method: 'PUT', url: '/echo', body: Buffer.from('raw'), headers: { 'Content-Type': 'text/plain' } });
		expect((out.body as Buffer).toString()).toBe('raw');
		expect(headers(out)['Content-Type']).toBe('text/plain');
	});

	test('GET drops a body and signs an empty one', () => {
		const out = sign({ method: 'GET', url: '/sites', body: { a: 1 } });
		expect(out.body).toBeUndefined();
		expect(headers(out)['x-signature']).toBe(expectedSignature('secret-1', 'GET:/rest/v1/sites:1718000000:'));
	});

	test('legacy uri shape (HTTP Request node): uri keeps its query, qs is folded, redirects are off', () => {
		const out = sign({ method: 'GET', uri: `${BASE}/sites?x=1`, qs: { y: 'a:b' }, json: true, qsStringifyOptions: { arrayFormat: 'repeat' } } as Partial<Legacy>);
		expect(out.uri).toBe(`${BASE}/sites?x=1&y=a%3Ab`);
		expect(out.url).toBeUndefined();
		expect(out.qs).toBeUndefined();
		expect(out.followRedirect).toBe(false);
		expect(headers(out)['x-signature']).toBe(expectedSignature('secret-1', 'GET:/rest/v1/sites?x=1&y=a%3Ab:1718000000:'));
	});

	test('legacy form body is sent URL-encoded and signed as sent', () => {
		const out = sign({ method: 'POST', uri: `${BASE}/echo`, form: { a: 'x y' } } as Partial<Legacy>);
		expect((out.body as Buffer).toString()).toBe('a=x%20y');
		expect(headers(out)['Content-Type']).toBe('application/x-www-form-urlencoded');
		expect(out.form).toBeUndefined();
	});

	test('a second call on its own output (n8n retries after 401) signs the same bytes afresh', () => {
		const first = sign({ method: 'POST', baseURL: BASE, url: '/echo', qs: { q: '1' }, body: { a: 1 } });
		const second = signRequestOptions(creds, first, NOW + 5000) as Legacy;
		expect(second.url).toBe(first.url);
		expect((second.body as Buffer).toString()).toBe('{"a":1}');
		const names = Object.keys(headers(second)).map((h) => h.toLowerCase());
		expect(names.filter((h) => h === 'x-signature')).toHaveLength(1);
		expect(headers(second)['x-req-timestamp']).toBe('1718000005');
		expect(headers(second)['x-signature']).toBe(expectedSignature('secret-1', 'POST:/rest/v1/echo?q=1:1718000005:{"a":1}'));
	});

	test('signature headers set by the caller in another case are replaced, not duplicated', () => {
		const out = sign({ url: '/sites', headers: { 'X-Signature': 'forged', 'X-Api-Key': 'other' } });
		expect(headers(out)['X-Signature']).toBeUndefined();
		expect(headers(out)['X-Api-Key']).toBeUndefined();
		expect(headers(out)['x-api-key']).toBe('key-1');
	});

	test('relative variant strips the base path only', () => {
		const out = sign({ url: '/sites?from=2024-01-01' }, { ...creds, signedPath: 'relative' });
		expect(headers(out)['x-signature']).toBe(expectedSignature('secret-1', 'GET:/sites?from=2024-01-01:1718000000:'));
	});

	test('regions map to the documented base URLs', () => {
		expect(sign({ url: '/sites' }, { ...creds, region: 'us' }).url).toBe('https://chargepilot-api.tmhusa.energy/rest/v1/sites');
		expect(sign({ url: '/sites' }, { ...creds, region: 'eu' }).url).toBe('https://chargepilot-api.tmh.energy/rest/v1/sites');
	});

	test('never sends the secret or its hash', () => {
		const secret = 'canary-secret-7f3a';
		const hashed = createHash('sha256').update(secret).digest('hex');
		const out = sign({ method: 'POST', url: '/echo', body: { a: 1 } }, { ...creds, apiSecret: secret });
		const serialised = JSON.stringify({ ...out, body: (out.body as Buffer).toString() });
		expect(serialised).not.toContain(secret);
		expect(serialised).not.toContain(hashed);
	});
});

describe('authenticate refuses what it cannot sign correctly', () => {
	test.each([
		['empty API key', { apiKey: '  ' }, /API Key is empty/],
		['empty API secret', { apiSecret: '' }, /API Secret is empty/],
		['line break in the key', { apiKey: 'a\nb' }, /line break/],
		['custom base URL that is not http(s)', { baseUrl: 'ftp://example.com/rest/v1' }, /must start with http/],
		['custom base URL that is empty', { baseUrl: '' }, /Base URL is empty/],
		['custom base URL that is not a URL', { baseUrl: 'notaurl' }, /not a valid URL/],
		['custom base URL with a space', { baseUrl: 'http://127.0.0.1/rest v1' }, /space, line break or control character/],
		['custom base URL with a query', { baseUrl: 'http://127.0.0.1/rest/v1?x=1' }, /must not contain/],
	])('%s', (_name, override, message) => {
		expect(() => sign({ url: '/sites' }, { ...creds, ...override })).toThrow(message);
	});

	test('a request to another host is not signed', () => {
		expect(() => sign({ url: 'http://evil.example/steal' })).toThrow(/only signs requests to http:\/\/127\.0\.0\.1:8787/);
	});

	test('multipart form-data is refused', () => {
		expect(() => sign({ method: 'POST', uri: `${BASE}/echo`, formData: { a: 1 } } as Partial<Legacy>)).toThrow(/multipart/);
	});
});

describe('credential type', () => {
	const type = new ChargePilotApi();
	test('exposes the contract field names', () => {
		expect(type.name).toBe('chargePilotApi');
		expect(type.properties.map((p) => p.name)).toEqual(['region', 'baseUrl', 'apiKey', 'apiSecret', 'signedPath']);
		const secret = type.properties.find((p) => p.name === 'apiSecret');
		expect(secret?.typeOptions?.password).toBe(true);
		expect(type.properties.find((p) => p.name === 'signedPath')?.default).toBe('auto');
		expect(type.properties.find((p) => p.name === 'signedPath')?.options?.map((o) => (o as { value: string }).value)).toEqual(['auto', 'full', 'relative']);
	});

	test('test request is an authenticated GET /sites', async () => {
		expect(type.test?.request.url).toBe('/sites');
		const out = await type.authenticate({ ...creds }, { url: '/sites' });
		expect((out.headers as Record<string, string>)['x-signature']).toMatch(/^[0-9a-f]{64}$/);
	});
});
