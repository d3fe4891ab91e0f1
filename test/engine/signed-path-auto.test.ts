/**
 * Signed Path "Auto" in n8n's real engine against servers that check either form: every operation
 * succeeds, the Test button succeeds, and the sandbox's request log proves the cost: against a
 * server that checks the relative form, the first request of a process pays exactly one extra 401,
 * later requests none. Only a 401 switches, and a 401 that both forms get names both.
 */

import { OutboundHttp } from '@n8n/backend-network';
import { Container } from '@n8n/di';
import type { IHttpRequestOptions, IRequestOptions } from 'n8n-workflow';

import { credentialTest, loadBuilt, packageModule, pollTrigger, runNode, searchSites } from '../harness/engine';
import { sandboxCredentials, useSandbox } from '../harness/sandbox';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const memory = require(packageModule('credentials/chargepilot/signedPathAuto')) as { forgetAll(): void };

const sandbox = useSandbox({ signedPath: 'relative' }, { signedPath: 'relative' });
const SITE = 'site-berlin-depot';
const auto = () => sandboxCredentials(sandbox(), { signedPath: 'auto' });
const rl = (value: string) => ({ __rl: true, mode: 'id', value });
const statuses = () => sandbox().requests.map((request) => `${request.status} ${request.auth.variant ?? '-'}`);

beforeEach(() => memory.forgetAll());

const OPERATIONS: Array<[string, Record<string, unknown>]> = [
	['Site → Get Many', { resource: 'site', operation: 'getAll', returnAll: true }],
	['Site → Get', { resource: 'site', operation: 'get', siteId: rl(SITE) }],
	['Charging Event → Get Many', { resource: 'chargingEvent', operation: 'getAll', siteId: rl(SITE), from: '2026-01-01T00:00:00Z', to: '2026-12-31T00:00:00Z', returnAll: true }],
	['Custom Request POST', { resource: 'api', operation: 'customRequest', method: 'POST', path: '/echo/orders', body: '{"a":1}' }],
];

describe.each(['relative', 'full'] as const)('a server that checks the %s form', (form) => {
	beforeEach(() => sandbox().configure({ signedPath: form }));

	test.each(OPERATIONS)('%s succeeds with Auto', async (_name, parameters) => {
		const { error, items } = await runNode({ parameters, credentials: auto() });
		expect(error).toBeUndefined();
		expect(items.length).toBeGreaterThan(0);
		expect(sandbox().requests.filter((request) => request.auth.ok).every((request) => request.auth.variant === form)).toBe(true);
	});

	test('the site list search and the polling trigger succeed with Auto', async () => {
		const { results } = await searchSites(auto());
		expect(results.length).toBe(sandbox().sites.length);
		memory.forgetAll();
		const { staticData } = await pollTrigger({ parameters: { siteScope: 'one', siteId: rl(SITE) }, credentials: auto() });
		expect(staticData).toHaveProperty('node:ChargePilot Trigger');
	});

	test('the credential Test succeeds with Auto (n8n re-runs authenticate after the 401)', async () => {
		const response = await credentialTest(auto(), sandbox().baseUrl);
		expect(response.statusCode).toBe(200);
		expect(statuses()).toEqual(form === 'relative' ? ['401 -', '200 relative'] : ['200 full']);
	});
});

test('against a relative server, the first request of a process costs exactly one extra 401, later requests none', async () => {
	const first = await runNode({ parameters: OPERATIONS[0][1], credentials: auto() });
	expect(first.error).toBeUndefined();
	expect(statuses()).toEqual(['401 -', '200 relative']);
	// The node says which form it found.
	expect(JSON.stringify(first.hints)).toMatch(/Signed Path \\"Auto\\": this ChargePilot server checks the Relative Path/);

	sandbox().clearRequests();
	const later = await runNode({ parameters: { ...OPERATIONS[2][1], returnAll: false, limit: 5 }, credentials: auto(), items: [{}, {}, {}] });
	expect(later.error).toBeUndefined();
	expect(later.items).toHaveLength(15);
	expect(statuses()).toEqual(['200 relative', '200 relative', '200 relative']);
	expect(later.hints).toEqual([]);
});

test('a later 401 with the remembered form tries the other one once, and remembers it', async () => {
	await runNode({ parameters: OPERATIONS[0][1], credentials: auto() });
	sandbox().configure({ signedPath: 'full' });
	sandbox().clearRequests();
	expect((await runNode({ parameters: OPERATIONS[0][1], credentials: auto() })).error).toBeUndefined();
	expect(statuses()).toEqual(['401 -', '200 full']);
	sandbox().clearRequests();
	expect((await runNode({ parameters: OPERATIONS[0][1], credentials: auto() })).error).toBeUndefined();
	expect(statuses()).toEqual(['200 full']);
});

test('a 401 that both forms get: each request is sent twice at most, and the error names both forms', async () => {
	const { error } = await runNode({ parameters: { ...OPERATIONS[0][1], options: { maxAttempts: 4 } }, credentials: sandboxCredentials(sandbox(), { signedPath: 'auto', apiSecret: 'wrong' }) });
	expect(sandbox().requests).toHaveLength(2);
	expect(error?.message).toMatch(/ChargePilot answered 401/);
	expect(error?.description).toMatch(/Signed Path is "Auto": both forms of the signature were tried, Full Path \(\/rest\/v1\/sites\?…\), then Relative Path \(\/sites\?…\), and both were refused/);
});

test('the credential Test with a wrong secret fails after both forms, with the 401 text naming Auto', async () => {
	await expect(credentialTest(sandboxCredentials(sandbox(), { signedPath: 'auto', apiSecret: 'wrong' }), sandbox().baseUrl)).rejects.toThrow(/401|Authorization failed|Unauthorized/i);
	expect(statuses()).toEqual(['401 -', '401 -']);
});

test('only a 401 switches: 403, 404 and 5xx are not sent again with the other form', async () => {
	for (const status of [403, 500]) {
		sandbox().clearRequests();
		sandbox().failNext(1, { status });
		await runNode({ parameters: { ...OPERATIONS[0][1], options: { maxAttempts: 1 } }, credentials: auto() });
		expect(sandbox().requests).toHaveLength(1);
	}
	sandbox().clearRequests();
	await runNode({ parameters: { resource: 'site', operation: 'get', siteId: rl('no-such-site'), options: { maxAttempts: 1 } }, credentials: sandboxCredentials(sandbox(), { signedPath: 'auto' }) });
	// 401 first (the full form), then the relative form finds the 404: nothing more.
	expect(statuses()).toEqual(['401 -', '404 relative']);
});

test('a pinned Signed Path never tries the other form, and its 401 hint suggests Auto', async () => {
	const { error } = await runNode({ parameters: OPERATIONS[0][1], credentials: sandboxCredentials(sandbox(), { signedPath: 'full' }) });
	expect(sandbox().requests).toHaveLength(1);
	expect(error?.description).toMatch(/signed with the Full Path \(\/rest\/v1\/sites\?…\) form, as the credential's Signed Path is pinned to it.*set Signed Path to "Auto"/);
});

test("n8n's HTTP Request node (legacy request path, no re-run after a 401): the remembered form, else the full one", async () => {
	const { credentialType } = loadBuilt();
	const legacy = async () => {
		const authenticate = credentialType.authenticate as (credentials: object, options: IHttpRequestOptions) => Promise<IHttpRequestOptions>;
		const signed = (await authenticate(auto(), {
			method: 'GET',
			uri: `${sandbox().baseUrl}/sites`,
			json: true,
		} as unknown as IHttpRequestOptions)) as unknown as IRequestOptions;
		return (await Container.get(OutboundHttp).requests().requestLegacy({ ...signed, simple: false, resolveWithFullResponse: true })) as { statusCode: number };
	};
	// Nothing known yet: full, and the relative server refuses it (the HTTP Request node does not retry).
	expect((await legacy()).statusCode).toBe(401);
	// Once the ChargePilot node (or the Test button) found the form, the HTTP Request node uses it.
	await runNode({ parameters: OPERATIONS[0][1], credentials: auto() });
	sandbox().clearRequests();
	expect((await legacy()).statusCode).toBe(200);
	expect(statuses()).toEqual(['200 relative']);
});

describe('what Auto remembers: only a form that got an answer other than 401, per secret (attack run 2)', () => {
	test('a second credential with the same key and another secret (a stale copy) does not flip what this one learned', async () => {
		expect((await runNode({ parameters: OPERATIONS[0][1], credentials: auto() })).error).toBeUndefined();
		const stale = sandboxCredentials(sandbox(), { signedPath: 'auto', apiSecret: 'the-secret-before-rotation' });
		for (let run = 0; run < 3; run++) {
			const { error } = await runNode({ parameters: OPERATIONS[0][1], credentials: stale });
			expect(error?.message).toMatch(/ChargePilot answered 401/);
		}
		sandbox().clearRequests();
		expect((await runNode({ parameters: OPERATIONS[0][1], credentials: auto() })).error).toBeUndefined();
		// Before: each run of the stale copy made the relative form "remembered" as refused, so A paid a 401.
		expect(statuses()).toEqual(['200 relative']);
	});

	test('a run in which both forms got 401 (the clock off) does not replace the form that works', async () => {
		expect((await runNode({ parameters: OPERATIONS[0][1], credentials: auto() })).error).toBeUndefined();
		sandbox().configure({ now: () => Date.now() + 15 * 60_000 });
		const { error } = await runNode({ parameters: { ...OPERATIONS[0][1], options: { maxAttempts: 1 } }, credentials: auto() });
		expect(error?.message).toMatch(/ChargePilot answered 401/);
		sandbox().configure({ now: () => Date.now() });
		sandbox().clearRequests();
		expect((await runNode({ parameters: OPERATIONS[0][1], credentials: auto() })).error).toBeUndefined();
		expect(statuses()).toEqual(['200 relative']);
	});

	test('the Test button tries both forms but teaches nothing (n8n does not show the credential its answer): the node learns on its first request', async () => {
		expect((await credentialTest(auto(), sandbox().baseUrl)).statusCode).toBe(200);
		expect(statuses()).toEqual(['401 -', '200 relative']);
		sandbox().clearRequests();
		expect((await runNode({ parameters: OPERATIONS[0][1], credentials: auto() })).error).toBeUndefined();
		expect(statuses()).toEqual(['401 -', '200 relative']);
	});

	test('one Timeout bounds both forms: 2,000 ms against a server that takes 1,500 ms to refuse fails as a timeout (before: both sent in full, 3 s)', async () => {
		sandbox().configure({ faults: { latencyMs: 1500 } });
		const { error } = await runNode({ parameters: { ...OPERATIONS[0][1], options: { maxAttempts: 1, timeout: 2000 } }, credentials: auto() });
		expect(error?.message).toMatch(/failed: no answer within the timeout \(timeout 2000 ms\)/);
		// The first form was refused; the second was cut off at the deadline (no answer sent, or not yet).
		expect(sandbox().requests).toHaveLength(2);
		expect(sandbox().requests[0].status).toBe(401);
		expect(sandbox().requests[1].status).not.toBe(200);
	});
});
