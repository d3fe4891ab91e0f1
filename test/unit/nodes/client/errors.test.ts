/**
 * The errors a failed call turns into, on their own: what the message quotes of the server's
 * answer, and which hint each status gets (the hint is what tells the user what to change).
 */
import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ChargePilotCredentialError } from '../../../../credentials/chargepilot/errors';
import { apiErrorFromResponse, errorBody, errorCodeOf, MAX_ERROR_BODY_CHARACTERS, serverMessage, transportError, type FailureContext } from '../../../../nodes/client/errors';

const node = { id: 'n1', name: 'ChargePilot', type: 'n8n-nodes-chargepilot.chargePilot', typeVersion: 1, position: [0, 0], parameters: {} } as INode;
const context: FailureContext = { method: 'GET', path: '/sites/abc', itemIndex: 2, attempts: 1 };

function answer(statusCode: number, body: unknown = { message: 'nope' }, headers: Record<string, unknown> = {}) {
	return apiErrorFromResponse(node, { statusCode, headers, body } as never, context);
}

describe('serverMessage: what the error quotes of the answer', () => {
	test.each([
		['plain text, trimmed', '  Bad things \n', 'Bad things'],
		['NestJS message', { message: 'take must not be greater than 1000', error: 'Bad Request' }, 'take must not be greater than 1000'],
		['NestJS message list, joined', { message: ['from must be a date', 'to must be a date'] }, 'from must be a date; to must be a date'],
		['only an error field', { error: 'Forbidden' }, 'Forbidden'],
		['an empty message falls back to error', { message: '', error: 'Unauthorized' }, 'Unauthorized'],
	])('%s', (_name, body, expected) => {
		expect(serverMessage(body)).toBe(expected);
	});

	test.each([
		['blank text', '   '],
		['no known field', { detail: 'x' }],
		['an array', ['a']],
		['null', null],
		['a number', 42],
		['non-text message and error', { message: 7, error: false }],
		['a non-text error field', { error: 7 }],
	])('%s gives nothing', (_name, body) => {
		expect(serverMessage(body)).toBeUndefined();
	});

	test('a long answer is cut at 500 characters, saying how long it was', () => {
		const text = serverMessage('x'.repeat(5000));
		expect(text).toBe(`${'x'.repeat(500)}… (5000 characters)`);
		expect(serverMessage('y'.repeat(500))).toBe('y'.repeat(500));
	});

	test('a message list is cut at 20 entries', () => {
		const message = Array.from({ length: 30 }, (_, i) => `m${i}`);
		expect(serverMessage({ message })).toBe(message.slice(0, 20).join('; '));
	});
});

describe('apiErrorFromResponse', () => {
	test('names status, method, path, the server text and the attempts; keeps the item and the status', () => {
		const error = answer(404, { message: 'Site not found', statusCode: 404 });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('ChargePilot answered 404 to GET /sites/abc: Site not found (1 attempt)');
		expect(error.httpCode).toBe('404');
		expect(error.context.itemIndex).toBe(2);
		expect(error.context.attempts).toBe(1);
	});

	test('after retries the attempts are counted', () => {
		const error = apiErrorFromResponse(node, { statusCode: 503, headers: {}, body: 'busy' }, { ...context, attempts: 4 });
		expect(error.message).toBe('ChargePilot answered 503 to GET /sites/abc: busy (after 4 attempts)');
		expect(error.context.attempts).toBe(4);
	});

	test('an answer without text is named by its status', () => {
		expect(answer(500, '').message).toBe('ChargePilot answered 500 to GET /sites/abc: HTTP 500 (1 attempt)');
		expect(apiErrorFromResponse(node, { statusCode: 502, headers: {}, body: undefined }, context).message).toMatch(/: HTTP 502 \(1 attempt\)$/);
	});

	test('a long path is shortened in the message', () => {
		const error = apiErrorFromResponse(node, { statusCode: 400, headers: {}, body: 'bad' }, { ...context, path: `/${'p'.repeat(200)}` });
		expect(error.message).toContain('(201 characters)');
		expect(error.message.length).toBeLessThan(150);
	});

	describe('the hint says what to change', () => {
		test.each([
			[400, /rejected the request parameters/],
			[403, /scoped to certain sites/],
			[404, /Nothing found at \/sites\/abc\. Check the ID/],
			[429, /rate limiting this key\. Lower the node's Concurrency/],
			[500, /had a problem answering\. It is usually temporary/],
			[503, /had a problem answering/],
			[418, /See the message above/],
			[300, /^ChargePilot redirected to another URL\./],
			// Not reached in use (1xx are interim, 2xx are answers): the redirect hint is for 3xx only.
			[199, /See the message above/],
			[422, /See the message above/],
		])('%s', (status, hint) => {
			expect(answer(status).description).toMatch(hint);
		});

		test('a redirect names where it pointed, and that it was not followed', () => {
			expect(answer(302, 'moved', { location: 'https://elsewhere.example/x' }).description).toMatch(
				/^ChargePilot redirected to https:\/\/elsewhere\.example\/x\. Signed requests are never followed/,
			);
			expect(answer(307, 'moved').description).toMatch(/^ChargePilot redirected to another URL\./);
			expect(answer(399, 'moved').description).toMatch(/redirected to another URL/);
		});

		test('401 names the Signed Path setting and the forms tried', () => {
			const signed = (signing: { mode: 'auto' | 'full' | 'relative'; tried: Array<'full' | 'relative'> }) =>
				apiErrorFromResponse(node, { statusCode: 401, headers: {}, body: 'bad signature' }, { ...context, signing }).description;
			expect(signed({ mode: 'full', tried: ['full'] })).toMatch(
				/^The request was signed with the Full Path \(\/rest\/v1\/sites\?…\) form, as the credential's Signed Path is pinned to it\. Check the API Key and API Secret.*set Signed Path to "Auto" \(it tries both forms\), or to "Relative Path"\.$/,
			);
			expect(signed({ mode: 'relative', tried: ['relative'] })).toMatch(/^The request was signed with the Relative Path \(\/sites\?…\) form.*or to "Full Path"\.$/);
			expect(signed({ mode: 'auto', tried: ['full', 'relative'] })).toMatch(
				/^Signed Path is "Auto": both forms of the signature were tried, Full Path \(\/rest\/v1\/sites\?…\), then Relative Path \(\/sites\?…\), and both were refused\. So the cause is not the form/,
			);
			expect(signed({ mode: 'auto', tried: ['relative'] })).toMatch(/^Signed Path is "Auto": the request was signed with the Relative Path \(\/sites\?…\) form only/);
			// Auto with no form recorded (the request never got to be signed): the first form, Full Path.
			expect(signed({ mode: 'auto', tried: [] })).toMatch(/^Signed Path is "Auto": the request was signed with the Full Path \(\/rest\/v1\/sites\?…\) form only/);
			// Unknown (no record): the default form, Full Path.
			expect(answer(401).description).toMatch(/signed with the Full Path \(\/rest\/v1\/sites\?…\) form/);
		});

		test("401 compares this machine's clock with the server's Date", () => {
			const now = Date.parse('Sun, 29 Nov 2026 12:00:00 GMT');
			jest.spyOn(Date, 'now').mockReturnValue(now);
			const at = (offsetMs: number) => ({ date: new Date(now + offsetMs).toUTCString() });
			try {
				expect(answer(401, 'x', at(-120_000)).description).toMatch(/This machine's clock is 120 s ahead of the server's: fix the clock \(NTP\), the signature carries a timestamp\.$/);
				expect(answer(401, 'x', at(120_000)).description).toMatch(/This machine's clock is 120 s behind the server's/);
				expect(answer(401, 'x', at(0)).description).toMatch(/This machine's clock agrees with the server's\.$/);
				// The tolerance is 30 s either way.
				expect(answer(401, 'x', at(-29_000)).description).toMatch(/agrees/);
				expect(answer(401, 'x', at(29_000)).description).toMatch(/agrees/);
				expect(answer(401, 'x', at(-30_000)).description).toMatch(/clock is 30 s ahead/);
				expect(answer(401, 'x', at(30_000)).description).toMatch(/clock is 30 s behind/);
				// A Date that does not parse, or is not text, says nothing about the clock.
				expect(answer(401, 'x', { date: 'yesterday' }).description).not.toMatch(/clock/);
				expect(answer(401, 'x', { date: 12345 }).description).not.toMatch(/clock/);
			} finally {
				jest.restoreAllMocks();
			}
		});
	});
});

describe('errorCodeOf: the network code inside what n8n throws', () => {
	test.each([
		['direct', { code: 'ECONNRESET' }, 'ECONNRESET'],
		['nested in causes', { message: 'wrapped', cause: { cause: { code: 'ECONNREFUSED' } } }, 'ECONNREFUSED'],
		["axios' timeout message", new Error('timeout of 2000ms exceeded'), 'ETIMEDOUT'],
		['a timeout message deeper down', { cause: { message: 'Timeout Of 5ms Exceeded' } }, 'ETIMEDOUT'],
		['an ERR_ code', { code: 'ERR_BAD_RESPONSE' }, 'ERR_BAD_RESPONSE'],
	])('%s', (_name, error, code) => {
		expect(errorCodeOf(error)).toBe(code);
	});

	test.each([
		['no code', new Error('boom')],
		['a numeric code', { code: 500 }],
		['a lower-case code', { code: 'econnreset' }],
		['a code with text before it', { code: 'XECONNRESET' }],
		['a code with a digit after it', { code: 'ECONNRESET2' }],
		['a code that is a list', { code: ['ECONNRESET'] }],
		['a timeout text that is a list', { message: ['timeout of 5ms exceeded'] }],
		['not an object', 'ECONNRESET'],
		['null', null],
		// Looked for at most five levels deep.
		['too deep', { cause: { cause: { cause: { cause: { cause: { code: 'ECONNRESET' } } } } } }],
	])('%s: none', (_name, error) => {
		expect(errorCodeOf(error)).toBeUndefined();
	});

	test('five levels deep is still found', () => {
		expect(errorCodeOf({ cause: { cause: { cause: { cause: { code: 'EPIPE' } } } } })).toBe('EPIPE');
	});
});

describe('transportError: a call that got no answer', () => {
	test('a refused signature is an operation error naming the field, and says nothing was sent', () => {
		const refused = new ChargePilotCredentialError('proxy', 'The ChargePilot credential does not sign a plain-http request that goes through a proxy');
		const error = transportError(node, { message: 'wrapped by n8n', cause: refused }, { ...context, timeoutMs: 1000 });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Request (item 2): The ChargePilot credential does not sign a plain-http request that goes through a proxy');
		expect(error.description).toBe('Fix "proxy" in the ChargePilot credential or the node\'s parameters. Nothing was sent.');
		expect(error.context.itemIndex).toBe(2);
	});

	test.each([
		['ECONNREFUSED', 'nothing is listening at the base URL', /Check the credential's Region or Base URL/],
		['ENOTFOUND', 'the host name of the base URL does not resolve', /Check the credential's Region or Base URL/],
		['EAI_AGAIN', 'the host name of the base URL could not be resolved right now', /Raise the Timeout or the retry attempts/],
		['ECONNRESET', 'the connection was reset', /Raise the Timeout or the retry attempts/],
		['EPIPE', 'the connection was closed while sending', /Raise the Timeout/],
		['EMALFORMED', 'the answer was not valid JSON', /Raise the Timeout/],
	])('%s', (code, reason, hint) => {
		const error = transportError(node, { code }, { ...context, attempts: 3, timeoutMs: 1000 });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(`ChargePilot request GET /sites/abc failed: ${reason} (after 3 attempts)`);
		expect(error.description).toMatch(hint);
		expect(error.context.code).toBe(code);
		expect(error.context.attempts).toBe(3);
		expect(error.context.itemIndex).toBe(2);
	});

	test.each(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT'])('%s names the timeout', (code) => {
		const error = transportError(node, { code }, { ...context, timeoutMs: 2500 });
		expect(error.message).toBe('ChargePilot request GET /sites/abc failed: no answer within the timeout (timeout 2500 ms) (1 attempt)');
	});

	test('an unknown timeout is shown as such', () => {
		expect(transportError(node, { code: 'ETIMEDOUT' }, context).message).toContain('(timeout ? ms)');
	});

	test("an unknown code quotes the error's own message, shortened", () => {
		const error = transportError(node, { code: 'EHOSTDOWN', message: `host is down ${'!'.repeat(400)}` }, context);
		expect(error.message).toMatch(/^ChargePilot request GET \/sites\/abc failed: host is down !+… \(413 characters\) \(1 attempt\)$/);
		expect(error.context.code).toBe('EHOSTDOWN');
		expect(transportError(node, {}, context).message).toBe('ChargePilot request GET /sites/abc failed: unknown network error (1 attempt)');
		expect(transportError(node, {}, context).context.code).toBe('UNKNOWN');
	});
});

describe('transportError: what it finds inside what n8n throws', () => {
	test('null or undefined thrown: an unknown network error, no crash', () => {
		expect(transportError(node, null, context).message).toBe('ChargePilot request GET /sites/abc failed: unknown network error (1 attempt)');
		expect(transportError(node, undefined, context).context.code).toBe('UNKNOWN');
	});

	test('a refused signature is found up to five levels down, not deeper', () => {
		const refused = new ChargePilotCredentialError('baseUrl', 'The Base URL is not https');
		const nest = (levels: number): unknown => (levels === 0 ? refused : { cause: nest(levels - 1) });
		expect(transportError(node, nest(4), context)).toBeInstanceOf(NodeOperationError);
		expect(transportError(node, nest(4), context).message).toBe('Request (item 2): The Base URL is not https');
		const deeper = transportError(node, nest(5), context);
		expect(deeper).toBeInstanceOf(NodeApiError);
		expect(deeper.message).toBe('ChargePilot request GET /sites/abc failed: unknown network error (1 attempt)');
	});

	test('an error whose cause is itself ends the search', () => {
		const loop: { message: string; cause?: unknown } = { message: 'loops' };
		loop.cause = loop;
		expect(transportError(node, loop, context).message).toBe('ChargePilot request GET /sites/abc failed: loops (1 attempt)');
	});
});

describe('what an error keeps of the answer (attack run 2: a 2 MB error body stayed whole in the execution data)', () => {
	test('a small object as it is; small text as body', () => {
		expect(errorBody({ statusCode: 500, message: 'boom' })).toEqual({ statusCode: 500, message: 'boom' });
		expect(errorBody('upstream failed')).toEqual({ body: 'upstream failed' });
		expect(errorBody([1, 2])).toEqual({ body: '[1,2]' });
		expect(errorBody(undefined)).toEqual({});
		expect(errorBody('')).toEqual({});
		expect(errorBody(null)).toEqual({});
		// What JSON cannot write (no HTTP body is one): an empty text, never the value's own text.
		expect(errorBody(Symbol('x'))).toEqual({ body: '' });
	});

	test('anything larger: its first characters and its length', () => {
		const big = { message: 'x'.repeat(2_000_000) };
		const kept = errorBody(big);
		expect(kept).toEqual({ body: `${JSON.stringify(big).slice(0, MAX_ERROR_BODY_CHARACTERS)}…`, bodyLength: JSON.stringify(big).length, bodyClipped: true });
		expect(errorBody('y'.repeat(MAX_ERROR_BODY_CHARACTERS))).toEqual({ body: 'y'.repeat(MAX_ERROR_BODY_CHARACTERS) });
		expect(errorBody('y'.repeat(MAX_ERROR_BODY_CHARACTERS + 1))).toMatchObject({ bodyLength: MAX_ERROR_BODY_CHARACTERS + 1, bodyClipped: true });
	});

	test('the NodeApiError of a 500 with a 2 MB body is small as a whole', () => {
		const error = apiErrorFromResponse(node, { statusCode: 500, headers: {}, body: { statusCode: 500, message: 'z'.repeat(2_000_000), error: 'Internal Server Error' } }, context);
		expect(JSON.stringify(error).length).toBeLessThan(10_000);
		expect(error.message).toMatch(/^ChargePilot answered 500 to GET \/sites\/abc: z{500}… \(2000000 characters\) \(1 attempt\)$/);
	});
});
