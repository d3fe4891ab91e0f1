import vectors from '../../../fixtures/signature-vectors.json';
import { signRequestOptions } from '../../../../credentials/chargepilot/authenticate';
import { computeSignature, hashSecret, signaturePayload } from '../../../../credentials/chargepilot/signature';

const BASE = 'http://127.0.0.1:8787/rest/v1';

describe('signature against vectors made by sha256sum and openssl', () => {
	test.each(vectors)('$name', (vector) => {
		expect(hashSecret(vector.secret)).toBe(vector.hashedSecret);
		// The payload the vector spells out is signed to the openssl result...
		const [method, ...rest] = vector.payload.split(':');
		expect(method).toBe(vector.method);
		expect(rest.length).toBeGreaterThanOrEqual(3);

		// ...and the credential turns the user's request into exactly that payload and signature.
		const signed = signRequestOptions(
			{ region: 'custom', baseUrl: BASE, apiKey: 'key-1', apiSecret: vector.secret, signedPath: vector.signedPath },
			{
				method: vector.method as 'GET',
				url: vector.url,
				...(vector.qs ? { qs: vector.qs } : {}),
				...(vector.body !== null ? { body: vector.body } : {}),
			},
			vector.timestamp * 1000,
		);
		const headers = signed.headers as Record<string, string>;
		expect(headers['x-req-timestamp']).toBe(String(vector.timestamp));
		expect(headers['x-api-key']).toBe('key-1');
		expect(headers['x-signature']).toBe(vector.signature);
		const url = new URL(signed.url);
		const signedPath = vector.signedPath === 'relative' ? url.pathname.replace(/^\/rest\/v1/, '') + url.search : url.pathname + url.search;
		const bodyText = signed.body ? (signed.body as Buffer).toString('utf8') : '';
		expect(signaturePayload(vector.method, signedPath, vector.timestamp, bodyText)).toBe(vector.payload);
		expect(computeSignature(vector.method, signedPath, vector.timestamp, bodyText, vector.secret)).toBe(vector.signature);
	});
});

describe('signature primitives', () => {
	test('the key is the hex text of SHA-256(secret), not its raw bytes', () => {
		const hex = hashSecret('abc');
		expect(hex).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
		expect(computeSignature('GET', '/x', 1, '', 'abc')).toMatch(/^[0-9a-f]{64}$/);
	});

	test('every part of the payload changes the signature', () => {
		const base = computeSignature('GET', '/rest/v1/sites', 1718000000, '', 's');
		expect(computeSignature('POST', '/rest/v1/sites', 1718000000, '', 's')).not.toBe(base);
		expect(computeSignature('GET', '/sites', 1718000000, '', 's')).not.toBe(base);
		expect(computeSignature('GET', '/rest/v1/sites', 1718000001, '', 's')).not.toBe(base);
		expect(computeSignature('GET', '/rest/v1/sites', 1718000000, '{}', 's')).not.toBe(base);
		expect(computeSignature('GET', '/rest/v1/sites', 1718000000, '', 't')).not.toBe(base);
	});
});
