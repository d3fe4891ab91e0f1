import { runInNewContext } from 'node:vm';

import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { signedPathFor, signedPathMode, signRequestOptions } from '../../../../credentials/chargepilot/authenticate';
import { forgetAll, signingRecord } from '../../../../credentials/chargepilot/signedPathAuto';

/**
 * What `authenticate` does around the signature: the options it keeps, drops and sets, the
 * per-credential memos (base URL, hashed secret), the path forms, and the deadline signal that
 * bounds a request as a whole.
 */

const NOW = 1_718_000_000_999;
const A = { region: 'custom', baseUrl: 'http://127.0.0.1:8787/rest/v1', apiKey: 'key-a', apiSecret: 'secret-a', signedPath: 'full' };
const B = { region: 'custom', baseUrl: 'http://127.0.0.1:9797/api', apiKey: 'key-b', apiSecret: 'secret-b', signedPath: 'relative' };

type Out = IHttpRequestOptions & Record<string, unknown>;

function sign(options: Record<string, unknown>, credentials: ICredentialDataDecryptedObject = A, now = NOW): Out {
	return signRequestOptions(credentials, options as unknown as IHttpRequestOptions, now) as Out;
}

/** The sandbox tests' signer, written apart from ours (checked against openssl vectors there). */
const expected: (secret: string, method: string, signedPath: string, timestamp: number) => string = require('../../../dev/sandbox/independent-client').sign;

const header = (out: Out, name: string) => (out.headers as Record<string, string>)[name];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(() => forgetAll());

describe('per-credential memos', () => {
	test('two credentials in turn: each its own base URL, secret and path form', () => {
		for (let round = 0; round < 2; round++) {
			const a = sign({ url: '/sites' }, A);
			const b = sign({ url: '/sites' }, B);
			expect(a.url).toBe('http://127.0.0.1:8787/rest/v1/sites');
			expect(b.url).toBe('http://127.0.0.1:9797/api/sites');
			expect(header(a, 'x-signature')).toBe(expected('secret-a', 'GET', '/rest/v1/sites', 1718000000));
			expect(header(b, 'x-signature')).toBe(expected('secret-b', 'GET', '/sites', 1718000000));
			expect([header(a, 'x-api-key'), header(b, 'x-api-key')]).toEqual(['key-a', 'key-b']);
		}
	});

	test('the same Base URL under another Region is another base URL', () => {
		expect(sign({ url: '/sites' }, { ...A, region: 'eu' }).url).toBe('https://chargepilot-api.tmh.energy/rest/v1/sites');
		expect(sign({ url: '/sites' }, A).url).toBe('http://127.0.0.1:8787/rest/v1/sites');
		expect(sign({ url: '/sites' }, { ...A, region: 'us' }).url).toBe('https://chargepilot-api.tmhusa.energy/rest/v1/sites');
	});

	test('more credentials than the memo holds still sign each with its own base URL', () => {
		for (let port = 10_000; port < 10_070; port++) {
			const out = sign({ url: '/x' }, { ...A, baseUrl: `http://127.0.0.1:${port}/p${port}` });
			expect(out.url).toBe(`http://127.0.0.1:${port}/p${port}/x`);
		}
	});

	test('a refused Base URL is not remembered: fixed, it signs', () => {
		expect(() => sign({ url: '/x' }, { ...A, baseUrl: 'ftp://h' })).toThrow(/must start with http/);
		expect(() => sign({ url: '/x' }, { ...A, baseUrl: 'ftp://h' })).toThrow(/must start with http/);
	});
});

describe('the signed path', () => {
	const base = { pathname: '/rest/v1' };
	test.each([
		['/rest/v1/sites', '?a=1', 'full', '/rest/v1/sites?a=1'],
		['/rest/v1/sites', '?a=1', 'relative', '/sites?a=1'],
		['/rest/v1', '', 'relative', '/'],
		['/rest/v1', '?a=1', 'relative', '/?a=1'],
		['/rest/v10/sites', '', 'relative', '/rest/v10/sites'],
		['/other/sites', '?x', 'relative', '/other/sites?x'],
		['/rest/v1/', '', 'relative', '/'],
	])('%s%s signed %s: %s', (pathname, search, variant, path) => {
		expect(signedPathFor({ pathname, search }, base, variant as 'full' | 'relative')).toBe(path);
	});

	test('relative under a base URL without a path (or with a trailing slash) is the full path', () => {
		expect(signedPathFor({ pathname: '/sites', search: '?a' }, { pathname: '' }, 'relative')).toBe('/sites?a');
		expect(signedPathFor({ pathname: '/sites', search: '' }, { pathname: '/' }, 'relative')).toBe('/sites');
		expect(signedPathFor({ pathname: '/rest/v1/sites', search: '' }, { pathname: '/rest/v1//' }, 'relative')).toBe('/sites');
	});

	test('Signed Path setting: full and relative as set, anything else Auto', () => {
		expect(signedPathMode({ signedPath: 'full' })).toBe('full');
		expect(signedPathMode({ signedPath: 'relative' })).toBe('relative');
		for (const value of [undefined, 'auto', 'FULL', '', 'x', 1]) expect(signedPathMode({ signedPath: value } as ICredentialDataDecryptedObject)).toBe('auto');
	});

	test('the timestamp is whole Unix seconds, rounded down', () => {
		expect(header(sign({ url: '/x' }, A, 1_718_000_000_999), 'x-req-timestamp')).toBe('1718000000');
		expect(header(sign({ url: '/x' }, A, 1_718_000_001_000), 'x-req-timestamp')).toBe('1718000001');
	});
});

describe('the options it returns', () => {
	test('current shape: folded options dropped, the rest kept, redirects off, method upper case', () => {
		const out = sign({ method: 'post', url: '/x', baseURL: 'http://127.0.0.1:8787/rest/v1', qs: { a: 1 }, arrayFormat: 'repeat', json: true, returnFullResponse: true, body: { b: 2 } });
		expect(out.method).toBe('POST');
		expect(out.url).toBe('http://127.0.0.1:8787/rest/v1/x?a=1');
		for (const dropped of ['baseURL', 'qs', 'arrayFormat', 'uri']) expect(out).not.toHaveProperty(dropped);
		expect(out.json).toBe(true);
		expect(out.returnFullResponse).toBe(true);
		expect(out.disableFollowRedirect).toBe(true);
		expect(out.sendCredentialsOnCrossOriginRedirect).toBe(false);
		expect(out).not.toHaveProperty('followRedirect');
		expect(header(out, 'Content-Type')).toBe('application/json');
	});

	test('legacy shape: the uri carries the query, form folded, redirects off both ways', () => {
		const out = sign({ method: 'PUT', uri: 'http://127.0.0.1:8787/rest/v1/x?k=1', qs: { a: 'b' }, form: { f: 'g h' }, useQuerystring: true, qsStringifyOptions: {}, timeout: 0 });
		expect(out.uri).toBe('http://127.0.0.1:8787/rest/v1/x?k=1&a=b');
		expect(out).not.toHaveProperty('url');
		for (const dropped of ['qs', 'form', 'useQuerystring', 'qsStringifyOptions']) expect(out).not.toHaveProperty(dropped);
		expect(out.body).toBe('f=g%20h');
		expect(header(out, 'Content-Type')).toBe('application/x-www-form-urlencoded');
		expect(out.followRedirect).toBe(false);
		expect(out.followAllRedirects).toBe(false);
		expect(out.disableFollowRedirect).toBe(true);
	});

	test('neither url nor uri: the base URL itself', () => {
		const out = sign({});
		expect(out.url).toBe('http://127.0.0.1:8787/rest/v1');
		expect(out).not.toHaveProperty('uri');
		expect(header(out, 'x-signature')).toBe(expected('secret-a', 'GET', '/rest/v1', 1718000000));
	});

	test('a uri next to a url is not the legacy shape: the url is signed', () => {
		const out = sign({ url: '/x', uri: 'http://127.0.0.1:8787/rest/v1/other' });
		expect(out.url).toBe('http://127.0.0.1:8787/rest/v1/x');
	});

	test('a Content-Type without a body is dropped; with one, the caller\'s is kept', () => {
		const none = sign({ method: 'DELETE', url: '/x', headers: { 'CONTENT-TYPE': 'application/json', Accept: 'application/json' } });
		expect(Object.keys(none.headers as object)).toEqual(['Accept', 'x-api-key', 'x-req-timestamp', 'x-signature']);
		const own = sign({ method: 'POST', url: '/x', body: 'a', headers: { 'content-type': 'text/plain' } });
		expect(own.headers).toMatchObject({ 'content-type': 'text/plain' });
		expect(own.headers).not.toHaveProperty('Content-Type');
	});

	test('the signing is on record for both the options received and those returned', () => {
		const input = { url: '/x' };
		const out = sign(input);
		expect(signingRecord(input)).toEqual({ mode: 'full', tried: ['full'] });
		expect(signingRecord(out)).toBe(signingRecord(input));
	});
});

describe('the deadline: `timeout` bounds the whole request', () => {
	const aborted = (signal: unknown) => (signal as AbortSignal).aborted;

	test('no timeout, zero, negative, NaN, Infinity or text: the caller\'s signal as it is', () => {
		const caller = new AbortController().signal;
		for (const timeout of [undefined, 0, -1, Number.NaN, Infinity, '100']) {
			expect(sign({ url: '/x', timeout }).abortSignal).toBeUndefined();
			expect(sign({ url: '/x', timeout, abortSignal: caller }).abortSignal).toBe(caller);
		}
	});

	test('a timeout aborts the request once it has passed, a fraction rounded up', async () => {
		const out = sign({ url: '/x', timeout: 30 });
		const fraction = sign({ url: '/x', timeout: 0.5 });
		expect(aborted(out.abortSignal)).toBe(false);
		await sleep(250);
		expect(aborted(out.abortSignal)).toBe(true);
		expect((out.abortSignal as AbortSignal).reason).toMatchObject({ name: 'TimeoutError' });
		expect(aborted(fraction.abortSignal)).toBe(true);
	});

	test('a timeout beyond what a timer holds is capped, not turned into 1 ms', async () => {
		const out = sign({ url: '/x', timeout: 1e12 });
		await sleep(50);
		expect(aborted(out.abortSignal)).toBe(false);
	});

	test("the caller's signal still cancels the request, and a re-run after a 401 keeps it", () => {
		const controller = new AbortController();
		const first = sign({ url: '/x', timeout: 60_000, abortSignal: controller.signal });
		expect(first.abortSignal).not.toBe(controller.signal);
		// n8n's re-run after a 401 hands back what authenticate returned, with the combined signal.
		const rerun = sign(first);
		expect(rerun.abortSignal).not.toBe(first.abortSignal);
		expect([aborted(first.abortSignal), aborted(rerun.abortSignal)]).toEqual([false, false]);
		controller.abort(new Error('cancelled'));
		expect([aborted(first.abortSignal), aborted(rerun.abortSignal)]).toEqual([true, true]);
	});

	test('a re-run gets a deadline of its own', async () => {
		const first = sign({ url: '/x', timeout: 40 });
		await sleep(250);
		expect(aborted(first.abortSignal)).toBe(true);
		const rerun = sign(first);
		expect(aborted(rerun.abortSignal)).toBe(false);
	});

	test('a caller signal that is not an AbortSignal of this realm: kept as it is', () => {
		const withListener = { aborted: false, addEventListener: () => undefined };
		expect(sign({ url: '/x', timeout: 1000, abortSignal: withListener }).abortSignal).toBe(withListener);
		// An object of another realm (an expression sandbox) that looks like a signal.
		const foreign = runInNewContext('({ aborted: false, addEventListener() {}, removeEventListener() {} })');
		expect(sign({ url: '/x', timeout: 1000, abortSignal: foreign }).abortSignal).toBe(foreign);
		// Without addEventListener it cannot be combined: the deadline alone.
		const odd = { aborted: false };
		const alone = sign({ url: '/x', timeout: 1000, abortSignal: odd });
		expect(alone.abortSignal).toBeInstanceOf(AbortSignal);
		expect(alone.abortSignal).not.toBe(odd);
	});
});
