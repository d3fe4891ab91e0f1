/** Ping and Custom Request in n8n's real engine, against the sandbox(). */
import { runNode } from '../harness/engine';
import { sandboxCredentials, useSandbox } from '../harness/sandbox';

const sandbox = useSandbox({ signedPath: 'full' }, { signedPath: 'full' });

const creds = () => sandboxCredentials(sandbox());

describe('Ping', () => {
	test('returns the API answer and the latency, one item per input item, paired', async () => {
		const { items, error } = await runNode({ parameters: { resource: 'api', operation: 'ping' }, credentials: creds(), items: [{}, {}] });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(2);
		items.forEach((item, index) => {
			expect(item.json.result).toBe('ChargePilot Rest API is available');
			expect(typeof item.json.latencyMs).toBe('number');
			expect(item.pairedItem).toEqual({ item: index });
		});
		expect(sandbox().requests.map((r) => `${r.method} ${r.target}`)).toEqual(['GET /rest/v1/ping', 'GET /rest/v1/ping']);
	});

	test('operation alone (no resource) defaults to the API resource', async () => {
		const { items, error } = await runNode({ parameters: { operation: 'ping' }, credentials: creds() });
		expect(error).toBeUndefined();
		expect(items[0].json.result).toBe('ChargePilot Rest API is available');
	});
});

describe('Custom Request', () => {
	const base = { resource: 'api', operation: 'customRequest' };

	test('GET with key/value query: signed, verified, JSON out', async () => {
		const { items, error } = await runNode({
			parameters: {
				...base,
				method: 'GET',
				path: '/echo/sites',
				sendQuery: true,
				specifyQuery: 'keypair',
				queryParameters: { parameters: [{ name: 'from', value: '2026-01-01T00:00:00Z' }, { name: 'q', value: 'a&b c+d' }, { name: 'q', value: 'ü' }] },
			},
			credentials: creds(),
		});
		expect(error).toBeUndefined();
		expect(sandbox().requests[0].auth.ok).toBe(true);
		expect(items[0].json.query).toEqual({ from: '2026-01-01T00:00:00Z', q: ['a&b c+d', 'ü'] });
	});

	test('POST with a unicode JSON body and JSON query, extra header, full response', async () => {
		const { items, error } = await runNode({
			parameters: {
				...base,
				method: 'POST',
				path: 'echo/create',
				sendQuery: true,
				specifyQuery: 'json',
				jsonQuery: '{"dry_run": true, "ids": [1, 2]}',
				body: '{ "name": "Müller-Flotte ⚡", "limits": { "max": 32 } }',
				options: { fullResponse: true, headers: { header: [{ name: 'X-Request-Id', value: 'abc-123' }] } },
			},
			credentials: creds(),
		});
		expect(error).toBeUndefined();
		const received = sandbox().requests[0];
		expect(received.auth.ok).toBe(true);
		expect(received.bodyText).toBe('{"name":"Müller-Flotte ⚡","limits":{"max":32}}');
		expect(received.headers['x-request-id']).toBe('abc-123');
		expect(received.target).toBe('/rest/v1/echo/create?dry_run=true&ids=1&ids=2');
		expect(items[0].json.statusCode).toBe(200);
		expect((items[0].json.body as Record<string, unknown>).body).toEqual({ name: 'Müller-Flotte ⚡', limits: { max: 32 } });
	});

	test('Split Into Items turns a top-level array into one item per element, all paired to the input', async () => {
		const { items, error } = await runNode({
			parameters: { ...base, method: 'GET', path: '/sites', options: { splitArray: true } },
			credentials: creds(),
		});
		expect(error).toBeUndefined();
		expect(items.length).toBe(sandbox().sites.length);
		expect(items.map((i) => i.json.id)).toEqual(sandbox().sites.map((s) => s.id));
		expect(items.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	test('without splitting, an array answer is one item under "data"', async () => {
		const { items } = await runNode({ parameters: { ...base, method: 'GET', path: '/sites' }, credentials: creds() });
		expect(items).toHaveLength(1);
		expect((items[0].json.data as unknown[]).length).toBe(sandbox().sites.length);
	});

	test('relative signed path works when the server checks that variant', async () => {
		sandbox().configure({ signedPath: 'relative' });
		const { error } = await runNode({ parameters: { ...base, method: 'GET', path: '/sites' }, credentials: sandboxCredentials(sandbox(), { signedPath: 'relative' }) });
		expect(error).toBeUndefined();
		expect(sandbox().requests[0].auth.variant).toBe('relative');
	});

	test('a wrong secret fails with a 401 that names the variant used and how to switch', async () => {
		const { error } = await runNode({ parameters: { ...base, method: 'GET', path: '/sites' }, credentials: sandboxCredentials(sandbox(), { apiSecret: 'wrong-secret' }) });
		expect(error?.message).toMatch(/401/);
		expect(error?.message).toMatch(/signature/i);
		expect(error?.description).toMatch(/signed with the Full Path \(\/rest\/v1\/sites\?…\) form/);
		expect(error?.description).toMatch(/set Signed Path to "Auto" \(it tries both forms\), or to "Relative Path"/);
		// A 401 is not retried: exactly one request went out.
		expect(sandbox().requests).toHaveLength(1);
	});

	test('404 carries ChargePilot\'s message and a hint', async () => {
		const { error } = await runNode({ parameters: { ...base, method: 'GET', path: '/sites/does-not-exist' }, credentials: creds() });
		expect(error?.message).toMatch(/404/);
		expect(error?.message).toMatch(/not found/i);
		expect(error?.description).toMatch(/Check the ID/);
	});

	test('continueOnFail: failed items become error items, others go on, order and pairing kept', async () => {
		const { items, error } = await runNode({
			parameters: { ...base, method: 'GET', path: '={{ $json.path }}' },
			credentials: creds(),
			items: [{ path: '/sites' }, { path: '/sites/nope' }, { path: 'http://evil.example/x' }, { path: '/ping' }],
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(4);
		expect(items.map((i) => (i.pairedItem as { item: number }).item)).toEqual([0, 1, 2, 3]);
		expect(Array.isArray(items[0].json.data)).toBe(true);
		expect(items[1].json.error).toMatch(/404/);
		expect(items[2].json.error).toMatch(/Path \(item 2\).*absolute URL/);
		expect(items[3].json.result).toBe('ChargePilot Rest API is available');
		// The bad path never reached the network.
		expect(sandbox().requests.map((r) => r.target)).toEqual(['/rest/v1/sites', '/rest/v1/sites/nope', '/rest/v1/ping']);
	});
});

describe('Custom Request: bad input gives a clear error naming field and item, and sends nothing', () => {
	const base = { resource: 'api', operation: 'customRequest', method: 'POST' };
	test.each([
		['absolute URL path', { path: 'https://example.com/sites' }, /Path \(item 0\).*absolute URL/],
		['protocol-relative path', { path: '//evil.example/sites' }, /Path \(item 0\).*"\/\/"/],
		['path with CR/LF', { path: '/sites\r\nX-Injected: 1' }, /Path \(item 0\).*line break/],
		['path with a dot segment', { path: '/sites/../admin' }, /Path \(item 0\).*"\.\."/],
		['empty path from an expression', { path: '={{ $json.missing ?? "" }}' }, /Path \(item 0\).*empty/],
		['body that is not JSON', { path: '/echo', body: '{"a": 1,}' }, /Body \(item 0\).*not valid JSON/],
		['query JSON that is an array', { path: '/echo', sendQuery: true, specifyQuery: 'json', jsonQuery: '[1,2]' }, /Query Parameters JSON \(item 0\).*JSON object/],
		['query JSON that is not JSON', { path: '/echo', sendQuery: true, specifyQuery: 'json', jsonQuery: '{a:1}' }, /Query Parameters JSON \(item 0\).*not valid JSON/],
		['header name with a space', { path: '/echo', options: { headers: { header: [{ name: 'X Bad', value: '1' }] } } }, /Headers \(item 0\).*not a valid header name/],
		['header value with CR/LF', { path: '/echo', options: { headers: { header: [{ name: 'X-Ok', value: 'a\r\nb' }] } } }, /Headers \(item 0\).*line break/],
		['header that would replace the signature', { path: '/echo', options: { headers: { header: [{ name: 'X-Signature', value: 'x' }] } } }, /Headers \(item 0\).*set by the node/],
	])('%s', async (_name, parameters, message) => {
		const { error } = await runNode({ parameters: { ...base, ...parameters }, credentials: creds() });
		expect(error?.message).toMatch(message);
		expect(sandbox().requests).toHaveLength(0);
	});

	test.each([
		['empty API key', { apiKey: '' }, /API Key is empty/],
		['empty API secret', { apiSecret: '' }, /API Secret is empty/],
		['custom base URL that is not http(s)', { baseUrl: 'ftp://127.0.0.1/rest/v1' }, /must start with http/],
	])('credential: %s', async (_name, override, message) => {
		const { error } = await runNode({ parameters: { resource: 'api', operation: 'ping' }, credentials: sandboxCredentials(sandbox(), override) });
		expect(error?.message).toMatch(message);
		expect(sandbox().requests).toHaveLength(0);
	});
});
