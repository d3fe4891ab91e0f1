import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { ChargePilotApi } from '../../../../credentials/ChargePilotApi.credentials';
import { ChargePilotPushApi } from '../../../../credentials/ChargePilotPushApi.credentials';
import { resolveBaseUrl, signRequestOptions } from '../../../../credentials/chargepilot/authenticate';
import { CREDENTIAL_TYPE, PUSH_CREDENTIAL_TYPE } from '../../../../credentials/chargepilot/constants';
import { buildUrl, encodeQuery, fastUrl, serializeBody } from '../../../../credentials/chargepilot/canonicalRequest';
import { checkDestination, hasRequestProxy, isLoopbackHost, tlsVerificationOff } from '../../../../credentials/chargepilot/destination';
import { ChargePilotCredentialError, isChargePilotCredentialError } from '../../../../credentials/chargepilot/errors';
import { checkRequestHeaders, headerValueProblem, isFramingHeader } from '../../../../credentials/chargepilot/headers';

/**
 * Every refusal of the credential, word for word, with the field it names: these messages are what
 * a user reads in n8n when a request is not signed, and the field is what the node turns into
 * "fix this". The wire and engine tests check that the refusals happen; these pin what they say.
 */

const BASE = 'http://127.0.0.1:8787/rest/v1';
const creds = { region: 'custom', baseUrl: BASE, apiKey: 'key-1', apiSecret: 'secret-1', signedPath: 'full' };

/** The refusal `run` throws: its field and message (fails when it does not throw one). */
function refusal(run: () => unknown): { field: string; message: string } {
	try {
		run();
	} catch (error) {
		expect(isChargePilotCredentialError(error)).toBe(true);
		const { field, message } = error as ChargePilotCredentialError;
		return { field, message };
	}
	throw new Error('expected a ChargePilotCredentialError, but nothing was thrown');
}

function sign(options: Record<string, unknown>, credentials: ICredentialDataDecryptedObject = creds) {
	return signRequestOptions(credentials, options as unknown as IHttpRequestOptions, 1_718_000_000_000) as IHttpRequestOptions & Record<string, unknown>;
}

describe('the credential itself', () => {
	test.each([
		[{ region: 'custom', baseUrl: '' }, 'baseUrl', 'The ChargePilot credential uses Region "Custom" but its Base URL is empty. Enter a URL such as http://127.0.0.1:8787/rest/v1'],
		[{ region: 'custom', baseUrl: '   ' }, 'baseUrl', 'The ChargePilot credential uses Region "Custom" but its Base URL is empty. Enter a URL such as http://127.0.0.1:8787/rest/v1'],
		[{ region: 'custom' }, 'baseUrl', 'The ChargePilot credential uses Region "Custom" but its Base URL is empty. Enter a URL such as http://127.0.0.1:8787/rest/v1'],
		[{ region: 'mars' }, 'region', 'Unknown Region "mars" in the ChargePilot credential: choose US, EU or Custom'],
		[{ region: 'toString' }, 'region', 'Unknown Region "toString" in the ChargePilot credential: choose US, EU or Custom'],
		[{ region: 'custom', baseUrl: 'http://host/a b' }, 'baseUrl', "The ChargePilot credential's Base URL contains a space, line break or control character: enter it without them"],
		[{ region: 'custom', baseUrl: 'http://host/\u0000' }, 'baseUrl', "The ChargePilot credential's Base URL contains a space, line break or control character: enter it without them"],
		[{ region: 'custom', baseUrl: 'http://host/\u001f' }, 'baseUrl', "The ChargePilot credential's Base URL contains a space, line break or control character: enter it without them"],
		[{ region: 'custom', baseUrl: 'http://host/\u007f' }, 'baseUrl', "The ChargePilot credential's Base URL contains a space, line break or control character: enter it without them"],
		[
			{ region: 'custom', baseUrl: 'http://host/rest/v1?x=1' },
			'baseUrl',
			'The ChargePilot credential\'s Base URL must not contain "?", "#" or "\\" (got "http://host/rest/v1?x=1"): enter only the address up to /rest/v1, e.g. https://chargepilot-api.tmh.energy/rest/v1',
		],
		[
			{ region: 'custom', baseUrl: 'http://host/rest/v1#' },
			'baseUrl',
			'The ChargePilot credential\'s Base URL must not contain "?", "#" or "\\" (got "http://host/rest/v1#"): enter only the address up to /rest/v1, e.g. https://chargepilot-api.tmh.energy/rest/v1',
		],
		[
			{ region: 'custom', baseUrl: 'http://host\\rest' },
			'baseUrl',
			'The ChargePilot credential\'s Base URL must not contain "?", "#" or "\\" (got "http://host\\rest"): enter only the address up to /rest/v1, e.g. https://chargepilot-api.tmh.energy/rest/v1',
		],
		[{ region: 'custom', baseUrl: 'chargepilot-api.tmh.energy/rest/v1' }, 'baseUrl', 'The ChargePilot credential\'s Base URL "chargepilot-api.tmh.energy/rest/v1" is not a valid URL'],
		[{ region: 'custom', baseUrl: 'ftp://host/rest/v1' }, 'baseUrl', 'The ChargePilot credential\'s Base URL must start with http:// or https:// (got "ftp:")'],
		[{ region: 'custom', baseUrl: 'http://user@host/rest/v1' }, 'baseUrl', "The ChargePilot credential's Base URL must not contain a user name, password, query or fragment"],
		[{ region: 'custom', baseUrl: 'http://:pw@host/rest/v1' }, 'baseUrl', "The ChargePilot credential's Base URL must not contain a user name, password, query or fragment"],
	])('%j is refused', (credentials, field, message) => {
		expect(refusal(() => resolveBaseUrl(credentials))).toEqual({ field, message });
	});

	test('a long Base URL is quoted cut short, with its length', () => {
		const raw = `http://host/${'a'.repeat(80)}?`;
		expect(refusal(() => resolveBaseUrl({ region: 'custom', baseUrl: raw })).message).toContain(`(got "${raw.slice(0, 60)}… (${raw.length} characters)")`);
	});

	test('a missing Region is EU, an empty one is not a Region (each remembered apart)', () => {
		const { region: _region, ...noRegion } = creds;
		expect(sign({ url: '/sites' }, noRegion).url).toBe('https://chargepilot-api.tmh.energy/rest/v1/sites');
		expect(refusal(() => sign({ url: '/sites' }, { ...noRegion, region: '' }))).toEqual({ field: 'region', message: 'Unknown Region "" in the ChargePilot credential: choose US, EU or Custom' });
	});

	test('the credential types keep their names (workflows and stored credentials refer to them)', () => {
		expect([CREDENTIAL_TYPE, PUSH_CREDENTIAL_TYPE]).toEqual(['chargePilotApi', 'chargePilotPushApi']);
		expect(new ChargePilotApi().name).toBe(CREDENTIAL_TYPE);
		expect(new ChargePilotPushApi().name).toBe(PUSH_CREDENTIAL_TYPE);
	});

	test('Regions: EU when missing, the documented URLs, a Custom Base URL trimmed and without trailing slashes', () => {
		expect(resolveBaseUrl({}).href).toBe('https://chargepilot-api.tmh.energy/rest/v1');
		expect(resolveBaseUrl({ region: 'eu' }).href).toBe('https://chargepilot-api.tmh.energy/rest/v1');
		expect(resolveBaseUrl({ region: 'us' }).href).toBe('https://chargepilot-api.tmhusa.energy/rest/v1');
		expect(resolveBaseUrl({ region: 'custom', baseUrl: ' https://h.test/rest/v1/// ' }).href).toBe('https://h.test/rest/v1');
		expect(resolveBaseUrl({ region: 'custom', baseUrl: 'https://h.test//' }).href).toBe('https://h.test/');
		expect(resolveBaseUrl({ region: 'custom', baseUrl: 'HTTPS://H.test:443/x' }).origin).toBe('https://h.test');
	});

	test.each([
		['apiKey', undefined, "The ChargePilot credential's API Key is empty: paste the API Key The Mobility House issued"],
		['apiKey', '', "The ChargePilot credential's API Key is empty: paste the API Key The Mobility House issued"],
		['apiKey', ' \t', "The ChargePilot credential's API Key is empty: paste the API Key The Mobility House issued"],
		['apiKey', 42, "The ChargePilot credential's API Key is empty: paste the API Key The Mobility House issued"],
		['apiKey', 'key\n', "The ChargePilot credential's API Key contains a line break: paste it again without one"],
		['apiKey', 'k\rey', "The ChargePilot credential's API Key contains a line break: paste it again without one"],
		['apiSecret', undefined, "The ChargePilot credential's API Secret is empty: paste the API Secret The Mobility House issued"],
		['apiSecret', ' ', "The ChargePilot credential's API Secret is empty: paste the API Secret The Mobility House issued"],
		['apiSecret', 'sec\nret', "The ChargePilot credential's API Secret contains a line break: paste it again without one"],
	])('%s = %j is refused, and nothing of it is quoted', (field, value, message) => {
		const got = refusal(() => sign({ url: '/sites' }, { ...creds, [field]: value }));
		expect(got).toEqual({ field, message });
	});

	test('a key or secret with spaces inside, or around, is used as given', () => {
		const out = sign({ url: '/sites' }, { ...creds, apiKey: ' key 1 ', apiSecret: ' s ' });
		expect((out.headers as Record<string, string>)['x-api-key']).toBe(' key 1 ');
	});
});

describe('requests the signer refuses', () => {
	test('another origin', () => {
		expect(refusal(() => sign({ url: 'https://elsewhere.test/rest/v1/sites' }))).toEqual({
			field: 'url',
			message:
				"The ChargePilot credential only signs requests to http://127.0.0.1:8787; this request goes to https://elsewhere.test. Use a path relative to the base URL, or change the credential's Region/Base URL.",
		});
		// Another port or scheme is another origin too.
		expect(refusal(() => sign({ url: 'http://127.0.0.1:8788/rest/v1/sites' })).field).toBe('url');
		expect(refusal(() => sign({ url: 'https://127.0.0.1:8787/rest/v1/sites' })).field).toBe('url');
		expect(refusal(() => sign({ uri: 'http://localhost:8787/rest/v1/sites' })).field).toBe('url');
		expect(refusal(() => sign({ baseURL: 'http://evil.test/rest/v1', url: '/sites' })).field).toBe('url');
	});

	test('multipart form-data', () => {
		const message = 'ChargePilot signs the exact body bytes, so multipart form-data bodies cannot be signed. Send a JSON body instead.';
		expect(refusal(() => sign({ method: 'POST', url: '/x', formData: { a: '1' } }))).toEqual({ field: 'body', message });
		// formData: null is "no multipart" (n8n's legacy shape leaves it null).
		expect(sign({ method: 'POST', url: '/x', formData: null, body: { a: 1 } }).body).toBeInstanceOf(Buffer);
	});

	test('a URL-encoded form that is not valid UTF-8', () => {
		expect(refusal(() => sign({ method: 'POST', url: '/x', body: Buffer.from([0x61, 0x3d, 0xff]), headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' } }))).toEqual({
			field: 'body',
			message: 'This URL-encoded form body is not valid UTF-8, so it cannot be sent exactly as signed. Send it as UTF-8, or as JSON.',
		});
		// Valid UTF-8 goes as the string of the signed bytes; other media types stay a Buffer.
		const form = sign({ method: 'POST', url: '/x', body: Buffer.from('a=%C3%BC&b=ü'), headers: { 'content-type': 'Application/X-WWW-Form-Urlencoded' } });
		expect(form.body).toBe('a=%C3%BC&b=ü');
		const raw = sign({ method: 'POST', url: '/x', body: Buffer.from([0xff]), headers: { 'content-type': 'application/octet-stream' } });
		expect(raw.body).toEqual(Buffer.from([0xff]));
	});

	test.each([
		[{ 'content-type': 'multipart/form-data; boundary=x' }, 'body', 'ChargePilot signs the exact body bytes, so multipart, form-data and stream bodies cannot be signed. Send a JSON body instead.'],
		[{ 'Bad Name': 'x' }, 'headers', '"Bad Name" is not a valid header name'],
		[{ Connection: 'close' }, 'headers', 'The header "Connection" controls how the request is framed or forwarded; the ChargePilot credential does not sign requests that set it. Remove it.'],
		[{ 'Proxy-Authorization': 'x' }, 'headers', 'The header "Proxy-Authorization" controls how the request is framed or forwarded; the ChargePilot credential does not sign requests that set it. Remove it.'],
		[{ 'X-A': 'a\r\nb' }, 'headers', 'The value of the header "X-A" contains a line break. Remove or fix it.'],
		[{ 'X-A': 'a\u0000' }, 'headers', 'The value of the header "X-A" contains a control character. Remove or fix it.'],
		[{ 'X-A': ['ok', 'a\u007f'] }, 'headers', 'The value of the header "X-A" contains a control character. Remove or fix it.'],
		[{ 'X-A': 'Ā' }, 'headers', 'The value of the header "X-A" contains characters that cannot be sent in a header (only Latin-1 can). Remove or fix it.'],
		[{ 'Content-Length': '3' }, 'headers', 'The Content-Length header says 3 but the body is 7 bytes. Remove the header: the length is set from the body that is signed.'],
		[{ Host: 'evil.test' }, 'headers', 'The ChargePilot credential does not sign a request whose Host header names another host than 127.0.0.1:8787: the API key and signature could be routed elsewhere. Remove the Host header.'],
	])('headers %j', (headers, field, message) => {
		expect(refusal(() => sign({ method: 'POST', url: '/x', body: { a: 1 }, headers }))).toEqual({ field, message });
	});

	describe('a header named twice, in any case: refused, for both request shapes (before: the second Host went out next to the key)', () => {
		const twice = (first: string, second: string) =>
			`The request names the header "${first}" twice ("${first}" and "${second}"): header names are case-insensitive, so only one may be given. Remove one of them.`;
		test.each([
			[{ Host: '127.0.0.1:8787', host: 'evil.example' }, 'Host', 'host'],
			[{ host: '127.0.0.1:8787', HOST: 'evil.example' }, 'host', 'HOST'],
			[{ HoSt: '127.0.0.1:8787', hOsT: 'evil.example' }, 'HoSt', 'hOsT'],
			[{ 'x-signature': 'a', 'X-Signature': 'b' }, 'x-signature', 'X-Signature'],
			[{ 'X-Api-Key': 'k', 'x-api-key': 'other' }, 'X-Api-Key', 'x-api-key'],
			[{ 'x-req-timestamp': '1', 'X-REQ-TIMESTAMP': '2' }, 'x-req-timestamp', 'X-REQ-TIMESTAMP'],
			[{ 'Content-Type': 'application/json', 'content-type': 'text/plain' }, 'Content-Type', 'content-type'],
			[{ 'X-Custom': 'a', 'x-custom': 'b' }, 'X-Custom', 'x-custom'],
		])('%j', (headers, first, second) => {
			const expected = { field: 'headers', message: twice(first, second) };
			expect(refusal(() => sign({ method: 'POST', url: '/x', body: { a: 1 }, headers }))).toEqual(expected);
			expect(refusal(() => sign({ method: 'POST', uri: `${BASE}/x`, body: { a: 1 }, headers }))).toEqual(expected);
		});

		test('an undefined value is no header (n8n drops it)', () => {
			const signed = sign({ url: '/x', headers: { Host: undefined, host: '127.0.0.1:8787' } });
			expect(signed.headers).toMatchObject({ host: '127.0.0.1:8787' });
		});

		test("the credential's own output, signed again after a 401, is not a repeat", () => {
			const once = sign({ url: '/x', headers: { 'X-Custom': 'a' } });
			expect(() => sign(once as unknown as Record<string, unknown>)).not.toThrow();
		});
	});

	test.each([
		['/..%2f..%2fadmin', 'holds an encoded "." or ".." segment (e.g. "%2e%2e%2f")', '/rest/v1/..%2f..%2fadmin'],
		['/sites/%2e%2e%2f%2e%2e%2fadmin', 'holds an encoded "." or ".." segment (e.g. "%2e%2e%2f")', '/rest/v1/sites/%2e%2e%2f%2e%2e%2fadmin'],
		['/..%5c..%5cinternal', 'holds an encoded backslash ("%5c")', '/rest/v1/..%5c..%5cinternal'],
		['/sites/..;/metrics', 'holds a "." or ".." segment', '/rest/v1/sites/..;/metrics'],
	])('a path whose decoded form leaves its place: %s (url and uri shape)', (path, problem, pathname) => {
		const message = `The ChargePilot credential does not sign a request whose path ${problem}: a gateway that decodes the path would send it, with the API key and a valid signature, to another path than ${pathname}. Use the resource path itself, e.g. /sites/{id}.`;
		expect(refusal(() => sign({ url: path }))).toEqual({ field: 'url', message });
		expect(refusal(() => sign({ uri: `${BASE}${path}` }))).toEqual({ field: 'url', message });
	});

	test('an encoded slash that decodes to no dot segment is signed (an ID may hold "%2F" in the query)', () => {
		expect(sign({ url: '/sites/a%2Fb', qs: { q: '../x' } }).url).toBe(`${BASE}/sites/a%2Fb?q=..%2Fx`);
	});

	test('header names are quoted cut to 60 characters', () => {
		const name = `${'x'.repeat(70)} y`;
		expect(refusal(() => sign({ url: '/x', headers: { [name]: 'v' } })).message).toBe(`"${'x'.repeat(60)}" is not a valid header name`);
	});

	test('query and URL refusals', () => {
		expect(refusal(() => sign({ url: '/x', qs: { 'k\uD800': 'v' } }))).toEqual({
			field: 'qs',
			message:
				'Query parameter "k\uD800" contains a lone UTF-16 surrogate (half of an emoji or similar), which has no URL encoding. Fix the value (an expression may have cut a character in half).',
		});
		expect(refusal(() => sign({ url: '/x', qs: { k: ['ok', '\uDC00'] } })).message).toMatch(/^Query parameter "k" contains a lone UTF-16 surrogate/);
		expect(refusal(() => sign({ url: '/x', qs: { k: { sub: '\uD83D' } } })).message).toMatch(/^Query parameter "k\[sub\]" contains a lone UTF-16 surrogate/);
		expect(refusal(() => sign({ url: '/x', qs: 5 }))).toEqual({ field: 'qs', message: 'Query parameters must be an object of names and values' });
		expect(refusal(() => sign({ url: '/x', qs: true })).field).toBe('qs');
		expect(refusal(() => sign({ uri: 'http://' }))).toEqual({ field: 'url', message: 'Cannot sign a request to an invalid URL: "http://"' });
		expect(refusal(() => sign({ url: '/x\uDE00' }))).toEqual({
			field: 'url',
			message: 'The URL contains a lone UTF-16 surrogate (half of an emoji or similar), which has no URL encoding. Fix the path or query.',
		});
		expect(refusal(() => sign({ url: '/x', qs: 'a=\uD800' })).field).toBe('url');
		expect(refusal(() => buildUrl('ftp://127.0.0.1:8787/x', undefined))).toEqual({ field: 'url', message: 'Cannot sign a request to a non-HTTP URL: "ftp:"' });
		// A query given as an array is the query's fault, not the URL's.
		expect(refusal(() => buildUrl('http://127.0.0.1:8787/x', ['\uD800'])).field).toBe('qs');
	});
});

describe('who could read the signed headers (checkDestination)', () => {
	const https = { protocol: 'https:', hostname: 'api.test', host: 'api.test' };
	const loopback = { protocol: 'http:', hostname: '127.0.0.1', host: '127.0.0.1:8787' };
	const check = (url: typeof https, options: Record<string, unknown>, host?: unknown) => refusal(() => checkDestination(url, options, host));

	test('a Host header naming another host, in any form', () => {
		const message = 'The ChargePilot credential does not sign a request whose Host header names another host than api.test: the API key and signature could be routed elsewhere. Remove the Host header.';
		// A URL parser reads the last four as api.test; a proxy or virtual host routing by Host does not.
		for (const host of ['evil.test', 'api.test.evil', 'api.test:8443', 'api.test:80', 'api.test:', '', 42, ['api.test'], 'api.test/x', 'evil@api.test', 'api%2etest', 'api.test?', 'api.test#x']) {
			expect(check(https, {}, host)).toEqual({ field: 'headers', message });
		}
	});

	test('a Host header naming the same host passes, default ports and case aside', () => {
		for (const host of ['api.test', 'API.TEST', ' api.test ', 'api.test:443']) expect(() => checkDestination(https, {}, host)).not.toThrow();
		expect(() => checkDestination(loopback, {}, '127.0.0.1:8787')).not.toThrow();
		expect(check(loopback, {}, '127.0.0.1').field).toBe('headers');
		const plain = { protocol: 'http:', hostname: 'api.test', host: 'api.test' };
		expect(() => checkDestination(plain, {}, 'api.test:80')).not.toThrow();
		expect(check(plain, {}, 'api.test:443').field).toBe('headers');
		const v6 = { protocol: 'http:', hostname: '[::1]', host: '[::1]:9000' };
		expect(() => checkDestination(v6, {}, '[::1]:9000')).not.toThrow();
		expect(check(v6, {}, '[::2]:9000').field).toBe('headers');
		expect(() => checkDestination(https, {}, undefined)).not.toThrow();
	});

	test.each(['host', 'hostname', 'port', 'path', 'socketPath', 'lookup', 'localAddress'])('agent option %s', (name) => {
		expect(check(https, { agentOptions: { [name]: name === 'port' ? 0 : 'x' } })).toEqual({
			field: 'agentOptions',
			message: `The ChargePilot credential does not sign a request whose agent option "${name}" would connect somewhere else than api.test.`,
		});
		// Unset (undefined or null) options are no option.
		expect(() => checkDestination(https, { agentOptions: { [name]: null } }, undefined)).not.toThrow();
		expect(() => checkDestination(https, { agentOptions: { [name]: undefined } }, undefined)).not.toThrow();
	});

	test('a proxy for a plain-http base URL, loopback included', () => {
		const message =
			'The ChargePilot credential does not sign a plain-http request that goes through a proxy: the proxy would read the API key and a valid signature. Remove the Proxy option, or use an https:// base URL (a proxy then only tunnels it).';
		expect(check(loopback, { proxy: 'http://proxy:3128' })).toEqual({ field: 'proxy', message });
		expect(check(loopback, { proxy: { host: 'proxy', port: 3128 } })).toEqual({ field: 'proxy', message });
		expect(() => checkDestination(https, { proxy: 'http://proxy:3128' }, undefined)).not.toThrow();
		expect(() => checkDestination(loopback, { proxy: '  ' }, undefined)).not.toThrow();
		expect(() => checkDestination(loopback, { proxy: { port: 3128 } }, undefined)).not.toThrow();
	});

	test('TLS checks off, except for loopback without a proxy', () => {
		const message = (what: string, where = 'api.test') =>
			`The ChargePilot credential does not sign a request to ${where} with TLS certificate checks turned off (${what}): whoever answers, e.g. a proxy with its own certificate, would read the API key and a valid signature. Turn the option off.`;
		expect(check(https, { skipSslCertificateValidation: true })).toEqual({ field: 'skipSslCertificateValidation', message: message('Ignore SSL Issues (skipSslCertificateValidation)') });
		expect(check(https, { skipSslCertificateValidation: ' TRUE ' }).message).toBe(message('Ignore SSL Issues (skipSslCertificateValidation)'));
		expect(check(https, { rejectUnauthorized: false }).message).toBe(message('Ignore SSL Issues (rejectUnauthorized: false)'));
		expect(check(https, { agentOptions: { rejectUnauthorized: false } }).message).toBe(message('agent option rejectUnauthorized: false'));
		expect(check(https, { agentOptions: { checkServerIdentity: () => undefined } }).message).toBe(message('agent option checkServerIdentity'));
		const localHttps = { protocol: 'https:', hostname: 'localhost', host: 'localhost:8443' };
		expect(() => checkDestination(localHttps, { skipSslCertificateValidation: true }, undefined)).not.toThrow();
		expect(check(localHttps, { skipSslCertificateValidation: true, proxy: 'http://proxy:3128' }).message).toBe(message('Ignore SSL Issues (skipSslCertificateValidation)', 'localhost:8443'));
		for (const options of [{ skipSslCertificateValidation: false }, { skipSslCertificateValidation: 'false' }, { rejectUnauthorized: true }, { agentOptions: { rejectUnauthorized: true } }, { agentOptions: 'x' }, { agentOptions: null }]) {
			expect(tlsVerificationOff(options)).toBeUndefined();
			expect(() => checkDestination(https, options, undefined)).not.toThrow();
		}
	});

	test('a certificate authority given with a request that goes through a proxy', () => {
		expect(check(https, { proxy: 'http://proxy:3128', agentOptions: { ca: 'PEM' } })).toEqual({
			field: 'agentOptions',
			message:
				'The ChargePilot credential does not sign a request to api.test that goes through a proxy and trusts a certificate authority given with the request: the proxy could present a certificate of that authority. Trust extra authorities for the whole n8n instance (NODE_EXTRA_CA_CERTS) instead.',
		});
		expect(() => checkDestination(https, { agentOptions: { ca: 'PEM' } }, undefined)).not.toThrow();
		expect(() => checkDestination(https, { proxy: 'http://proxy:3128', agentOptions: {} }, undefined)).not.toThrow();
		expect(() => checkDestination(https, { proxy: 'http://proxy:3128', agentOptions: null }, undefined)).not.toThrow();
		expect(() => checkDestination(https, { proxy: 'http://proxy:3128', agentOptions: { ca: null } }, undefined)).not.toThrow();
		const localHttps = { protocol: 'https:', hostname: '127.0.0.1', host: '127.0.0.1:8443' };
		expect(() => checkDestination(localHttps, { proxy: 'http://proxy:3128', agentOptions: { ca: 'PEM' } }, undefined)).not.toThrow();
	});

	test('loopback hosts', () => {
		for (const host of ['localhost', 'LOCALHOST', 'api.localhost', '127.0.0.1', '127.255.0.9', '::1', '[::1]']) expect(isLoopbackHost(host)).toBe(true);
		for (const host of ['localhost.test', 'notlocalhost', '128.0.0.1', '127.0.0', '127.0.0.1.evil', 'x127.0.0.1', '::2', '[::1]x', '127.0.0.1234', 'local[host', 'local]host']) expect(isLoopbackHost(host)).toBe(false);
	});

	test('what counts as a per-request proxy', () => {
		expect(hasRequestProxy('http://p:1')).toBe(true);
		expect(hasRequestProxy({ host: 'p' })).toBe(true);
		for (const none of [undefined, null, '', ' ', {}, { host: '' }, 0, true]) expect(hasRequestProxy(none)).toBe(false);
	});
});

describe('header rules (headers.ts)', () => {
	test('framing and hop-by-hop headers, in any case', () => {
		for (const name of ['Transfer-Encoding', 'connection', 'TE', 'Upgrade', 'trailer', 'Keep-Alive', 'Proxy-Connection', 'proxy-x']) expect(isFramingHeader(name)).toBe(true);
		for (const name of ['te-x', 'x-proxy', 'Content-Type', 'Accept', 'Trailers']) expect(isFramingHeader(name)).toBe(false);
	});

	test('header values: tab allowed, other control characters, DEL and non-Latin-1 not', () => {
		expect(headerValueProblem('a\tb ÿ~')).toBeUndefined();
		expect(headerValueProblem('a\nb')).toBe('contains a line break');
		expect(headerValueProblem('a\rb')).toBe('contains a line break');
		expect(headerValueProblem('\u001f')).toBe('contains a control character');
		expect(headerValueProblem('\u007f')).toBe('contains a control character');
		expect(headerValueProblem(' ')).toBeUndefined();
		expect(headerValueProblem('\u0100')).toBe('contains characters that cannot be sent in a header (only Latin-1 can)');
		expect(headerValueProblem('ok\u0100\u0000')).toBe('contains characters that cannot be sent in a header (only Latin-1 can)');
	});

	test('Content-Length: dropped when it matches the body (spaces aside), undefined headers skipped', () => {
		const checked = checkRequestHeaders({ 'Content-Length': ' 7 ', 'X-A': 'a', 'X-B': undefined, 'X-N': 5 }, 7);
		expect(Object.entries(checked)).toEqual([
			['X-A', 'a'],
			['X-N', 5],
		]);
		expect(checkRequestHeaders({ 'content-length': '0' }, 0)).toEqual({});
		expect(refusal(() => checkRequestHeaders({ 'Content-Length': `${'9'.repeat(30)}` }, 1)).message).toBe(
			`The Content-Length header says ${'9'.repeat(20)} but the body is 1 bytes. Remove the header: the length is set from the body that is signed.`,
		);
	});
});

describe('bodies the signer refuses or leaves out (serializeBody)', () => {
	const CANNOT = 'ChargePilot signs the exact body bytes, so multipart, form-data and stream bodies cannot be signed. Send a JSON body instead.';

	test('streams, form-data objects and multipart Content-Types', () => {
		class Stream {
			pipe() {}
		}
		expect(refusal(() => serializeBody('POST', new Stream()))).toEqual({ field: 'body', message: CANNOT });
		// A plain object is JSON, whatever its fields (functions are left out as JSON.stringify does).
		expect(serializeBody('POST', { pipe: () => undefined, a: 1 }).buffer?.toString()).toBe('{"a":1}');
		expect(refusal(() => serializeBody('POST', Object.assign(Object.create({ kind: 'form' }), { getBoundary: () => 'b' })))).toEqual({ field: 'body', message: CANNOT });
		expect(refusal(() => serializeBody('POST', new FormData()))).toEqual({ field: 'body', message: CANNOT });
		// A multipart Content-Type is refused even for a GET, which sends no body.
		expect(refusal(() => serializeBody('GET', undefined, undefined, ' Multipart/Form-Data; boundary=x'))).toEqual({ field: 'body', message: CANNOT });
	});

	test('what is sent, and with which Content-Type', () => {
		const text = (body: ReturnType<typeof serializeBody>) => [body.buffer?.toString('utf8'), body.contentType];
		expect(text(serializeBody('HEAD', { a: 1 }))).toEqual([undefined, undefined]);
		expect(text(serializeBody('OPTIONS', 'x'))).toEqual([undefined, undefined]);
		expect(text(serializeBody('POST', ''))).toEqual([undefined, undefined]);
		expect(text(serializeBody('POST', null))).toEqual([undefined, undefined]);
		expect(text(serializeBody('POST', Buffer.alloc(0)))).toEqual([undefined, undefined]);
		expect(text(serializeBody('POST', Object.create(null)))).toEqual([undefined, undefined]);
		expect(text(serializeBody('POST', []))).toEqual(['[]', 'application/json']);
		expect(text(serializeBody('POST', 0))).toEqual(['0', 'application/json']);
		expect(text(serializeBody('POST', false))).toEqual(['false', 'application/json']);
		expect(text(serializeBody('POST', new Uint8Array([0x68, 0x69])))).toEqual(['hi', undefined]);
		expect(text(serializeBody('POST', new URLSearchParams({ a: 'x y' })))).toEqual(['a=x+y', 'application/x-www-form-urlencoded']);
		expect(text(serializeBody('POST', undefined, { a: 'x y', b: ['1', '2'] }))).toEqual(['a=x%20y&b=1&b=2', 'application/x-www-form-urlencoded']);
		expect(text(serializeBody('POST', '', 'raw=1'))).toEqual(['raw=1', 'application/x-www-form-urlencoded']);
		expect(text(serializeBody('POST', null, {}))).toEqual([undefined, undefined]);
		// A body wins over a legacy form.
		expect(text(serializeBody('POST', { a: 1 }, { b: 2 }))).toEqual(['{"a":1}', 'application/json']);
		expect(text(serializeBody('POST', { a: 'x y' }, undefined, 'application/x-www-form-urlencoded;charset=UTF-8'))).toEqual(['a=x%20y', 'application/x-www-form-urlencoded']);
		// A legacy form goes when the body is empty or null; a form string as given, "?" included.
		expect(text(serializeBody('POST', null, { a: 'b' }))).toEqual(['a=b', 'application/x-www-form-urlencoded']);
		expect(text(serializeBody('POST', undefined, '?a=1'))).toEqual(['?a=1', 'application/x-www-form-urlencoded']);
		// Objects that are neither plain nor streams are JSON, as JSON.stringify writes them.
		expect(text(serializeBody('POST', new Date(0)))).toEqual(['"1970-01-01T00:00:00.000Z"', 'application/json']);
		expect(text(serializeBody('POST', new Map([['a', 1]])))).toEqual(['{}', 'application/json']);
		// An array with a form Content-Type is not a form: JSON.
		expect(text(serializeBody('POST', [1], undefined, 'application/x-www-form-urlencoded'))).toEqual(['[1]', 'application/json']);
	});

	test('the query encoder', () => {
		expect(encodeQuery(undefined)).toBe('');
		expect(encodeQuery(null)).toBe('');
		expect(encodeQuery('?a=1&b=2')).toBe('a=1&b=2');
		expect(encodeQuery('a=?')).toBe('a=?');
		expect(encodeQuery(new URLSearchParams({ 'a b': 'ü' }))).toBe('a+b=%C3%BC');
		expect(encodeQuery({ "k:/+&'": "v:/+& '", n: 0, f: false, z: null, u: undefined, d: new Date(0), o: { x: [1, 2] } })).toBe(
			"k%3A%2F%2B%26'=v%3A%2F%2B%26%20'&n=0&f=false&z=&d=1970-01-01T00%3A00%3A00.000Z&o%5Bx%5D=1&o%5Bx%5D=2",
		);
		expect(refusal(() => encodeQuery(Symbol.iterator))).toEqual({ field: 'qs', message: 'Query parameters must be an object of names and values' });
	});
});

describe('ChargePilotCredentialError', () => {
	test('carries its field and name; recognised by name across module copies', () => {
		const error = new ChargePilotCredentialError('apiKey', 'text');
		expect(error).toBeInstanceOf(Error);
		expect([error.name, error.field, error.message]).toEqual(['ChargePilotCredentialError', 'apiKey', 'text']);
		const copy = Object.assign(new Error('other copy'), { name: 'ChargePilotCredentialError' });
		expect(isChargePilotCredentialError(copy)).toBe(true);
		expect(isChargePilotCredentialError(new Error('x'))).toBe(false);
		expect(isChargePilotCredentialError({ name: 'ChargePilotCredentialError' })).toBe(false);
		expect(isChargePilotCredentialError(undefined)).toBe(false);
	});
});

describe('fastUrl on a base path with a trailing slash', () => {
	test('one slash between base path and path, as the parser gives', () => {
		const base = { href: 'http://127.0.0.1:8787/rest/v1/', origin: 'http://127.0.0.1:8787', pathname: '/rest/v1/', search: '' };
		expect(fastUrl(base, 'sites', { a: 1 })).toEqual({ href: 'http://127.0.0.1:8787/rest/v1/sites?a=1', origin: 'http://127.0.0.1:8787', pathname: '/rest/v1/sites', search: '?a=1' });
		expect(fastUrl({ ...base, pathname: '/' }, '/sites', undefined)?.pathname).toBe('/sites');
	});
});
