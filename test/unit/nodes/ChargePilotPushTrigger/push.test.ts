/**
 * The Push Trigger's pure parts on their own: the key check, the Content-Type, the body, the
 * sessions, the headers kept and the credential test's key check. Each answer is pinned exactly:
 * it is what ChargePilot (and whoever else calls the webhook) is told.
 */
import {
	checkContentType,
	checkSubscriptionKey,
	isRejection,
	readJsonBody,
	safeHeaders,
	subscriptionKeyMatches,
	subscriptionKeyProblem,
	SUBSCRIPTION_KEY_HEADER,
	toSessions,
} from '../../../../nodes/ChargePilotPushTrigger/push';

const KEY = 'k3y-Push-0123456789abcdef-ZYXW';

describe('subscriptionKeyMatches', () => {
	test('the same key matches', () => {
		expect(subscriptionKeyMatches(KEY, KEY)).toBe(true);
	});

	test.each([
		['a prefix of the key', KEY.slice(0, -1)],
		['the key and one more character', `${KEY}x`],
		['one character', KEY[0]],
		['another case', KEY.toLowerCase()],
		['with a space', ` ${KEY}`],
		['empty', ''],
	])('%s does not match', (_name, provided) => {
		expect(subscriptionKeyMatches(provided, KEY)).toBe(false);
	});

	test.each([
		['a number', 123],
		['an array of the key', [KEY]],
		['undefined', undefined],
		['null', null],
	])('%s does not match', (_name, provided) => {
		expect(subscriptionKeyMatches(provided, KEY)).toBe(false);
	});

	test('an empty expected key matches nothing, not even an empty one', () => {
		expect(subscriptionKeyMatches('', '')).toBe(false);
		expect(subscriptionKeyMatches('anything', '')).toBe(false);
	});
});

describe('checkSubscriptionKey', () => {
	test('the right key passes', () => {
		expect(checkSubscriptionKey({ [SUBSCRIPTION_KEY_HEADER]: KEY }, KEY)).toBeUndefined();
	});

	test.each([
		['no header', {}],
		['an empty header', { [SUBSCRIPTION_KEY_HEADER]: '' }],
	])('%s: 401 saying the header is missing', (_name, headers) => {
		expect(checkSubscriptionKey(headers, KEY)).toEqual({
			status: 401,
			body: { error: 'Unauthorized', message: 'Missing Ocp-Apim-Subscription-Key header: send the subscription key agreed for the ChargePilot Push-API' },
		});
	});

	test('another key: 401 saying it does not match, without quoting either key', () => {
		const rejection = checkSubscriptionKey({ [SUBSCRIPTION_KEY_HEADER]: 'wrong-key' }, KEY);
		expect(rejection).toEqual({
			status: 401,
			body: { error: 'Unauthorized', message: 'Invalid Ocp-Apim-Subscription-Key header: the subscription key does not match' },
		});
		expect(JSON.stringify(rejection)).not.toContain('wrong-key');
		expect(JSON.stringify(rejection)).not.toContain(KEY);
	});

	test('the header name is the lower-case one n8n hands over', () => {
		expect(SUBSCRIPTION_KEY_HEADER).toBe('ocp-apim-subscription-key');
		expect(checkSubscriptionKey({ 'Ocp-Apim-Subscription-Key': KEY }, KEY)?.status).toBe(401);
	});
});

describe('checkContentType', () => {
	test.each(['application/json', 'application/json; charset=utf-8', ' Application/JSON ;charset=UTF-8'])('%s passes', (value) => {
		expect(checkContentType(value)).toBeUndefined();
	});

	test('another media type: 400 naming it, lower-cased and cut at 100 characters', () => {
		expect(checkContentType('Text/Plain; charset=utf-8')).toEqual({
			status: 400,
			body: { error: 'Bad Request', message: 'Expected Content-Type application/json, got Content-Type "text/plain"' },
		});
		const long = `application/${'x'.repeat(200)}`;
		expect(checkContentType(long)?.body.message).toBe(`Expected Content-Type application/json, got Content-Type "${long.slice(0, 100)}"`);
	});

	test.each([
		['none', undefined],
		['an empty one', ''],
		['only parameters', '; charset=utf-8'],
		['not a string', ['application/json']],
	])('%s: 400 "no Content-Type"', (_name, value) => {
		expect(checkContentType(value)?.body.message).toBe('Expected Content-Type application/json, got no Content-Type');
	});

	test('application/json-seq and application/jsonx are not JSON', () => {
		expect(checkContentType('application/json-seq')?.status).toBe(400);
		expect(checkContentType('application/jsonx')?.status).toBe(400);
	});
});

describe('readJsonBody', () => {
	const EMPTY = 'The body is empty: send a session object or an array of session objects as JSON';

	test('the raw bytes are parsed when n8n kept them, before its parsed body', () => {
		expect(readJsonBody({ rawBody: Buffer.from('{"a":1}'), body: { a: 2 } })).toEqual({ value: { a: 1 } });
	});

	test('raw bytes with a byte order mark', () => {
		expect(readJsonBody({ rawBody: Buffer.from('\uFEFF[{"a":1}]') })).toEqual({ value: [{ a: 1 }] });
	});

	test('a string body is parsed', () => {
		expect(readJsonBody({ body: ' {"TransactionID": 1} ' })).toEqual({ value: { TransactionID: 1 } });
	});

	test('a parsed body is used as it is when there are no raw bytes', () => {
		expect(readJsonBody({ body: { a: 1 } })).toEqual({ value: { a: 1 } });
		expect(readJsonBody({ body: [] })).toEqual({ value: [] });
		expect(readJsonBody({ body: 0 })).toEqual({ value: 0 });
		expect(readJsonBody({ body: null })).toEqual({ value: null });
	});

	test.each([
		['nothing', {}],
		['an empty parsed object (what n8n makes of an empty body)', { body: {} }],
		['empty raw bytes', { rawBody: Buffer.from('') }],
		['blank raw bytes', { rawBody: Buffer.from(' \n\t ') }],
		['only a byte order mark', { rawBody: Buffer.from('\uFEFF') }],
		['a blank string', { body: '   ' }],
		['raw bytes that are not a Buffer, nothing else', { rawBody: '{"a":1}' }],
	])('%s: 400 empty', (_name, request) => {
		expect(readJsonBody(request)).toEqual({ status: 400, body: { error: 'Bad Request', message: EMPTY } });
	});

	test("not JSON: 400 with the parser's message, cut at 200 characters", () => {
		const answer = readJsonBody({ rawBody: Buffer.from('{"a":') });
		expect(isRejection(answer)).toBe(true);
		expect((answer as { body: { message: string } }).body.message).toMatch(/^The body is not valid JSON \(.+\)$/);
		const long = readJsonBody({ body: `{"${'x'.repeat(500)}` }) as { body: { message: string } };
		const inner = /^The body is not valid JSON \((.*)\)$/s.exec(long.body.message)?.[1] ?? '';
		expect(inner.length).toBeGreaterThan(0);
		expect(inner.length).toBeLessThanOrEqual(200);
	});
});

describe('toSessions', () => {
	const HINT = 'send a session object or an array of session objects';

	test('one session object: a list of one, its fields as sent', () => {
		const session = { TransactionID: 7, Id: 'Müller ⚡', EnergyDelivered: 0 };
		expect(toSessions(session)).toEqual({ sessions: [session] });
	});

	test('an array of sessions: the same list; an empty array: no sessions', () => {
		expect(toSessions([{ a: 1 }, { b: 2 }])).toEqual({ sessions: [{ a: 1 }, { b: 2 }] });
		expect(toSessions([])).toEqual({ sessions: [] });
	});

	test.each([
		['null', null, 'null'],
		['an array of arrays', [[{ a: 1 }]], 'an array'],
		['an empty object', {}, 'an empty object'],
		['a string', 'x', 'a string'],
		['a number', 5, 'a number'],
		['a boolean', true, 'a boolean'],
	])('an array element that is %s: 400 naming its index', (_name, entry, described) => {
		expect(toSessions([{ a: 1 }, entry])).toEqual({
			status: 400,
			body: { error: 'Bad Request', message: `Element 1 of the array is ${described}, not a session object: ${HINT}` },
		});
	});

	test('the first bad element is named', () => {
		expect((toSessions([{ a: 1 }, {}, null]) as { body: { message: string } }).body.message).toMatch(/^Element 1 of the array is an empty object/);
		expect((toSessions([null, {}]) as { body: { message: string } }).body.message).toMatch(/^Element 0 of the array is null/);
	});

	test.each([
		['null', null, 'null'],
		['an empty object', {}, 'an empty object'],
		['a string', 'x', 'a string'],
		['a number', 1, 'a number'],
	])('a body that is %s: 400', (_name, value, described) => {
		expect(toSessions(value)).toEqual({ status: 400, body: { error: 'Bad Request', message: `The body is ${described}: ${HINT}` } });
	});
});

describe('isRejection', () => {
	test('an answer with a status is a rejection; a result is not', () => {
		expect(isRejection({ status: 400, body: { error: '', message: '' } })).toBe(true);
		expect(isRejection({ sessions: [] })).toBe(false);
		expect(isRejection({ value: { status: 1 } })).toBe(false);
	});
});

describe('safeHeaders', () => {
	test('drops the key and every other credential header, whatever their case; keeps the rest as they are', () => {
		const headers = {
			[SUBSCRIPTION_KEY_HEADER]: KEY,
			Authorization: 'Bearer x',
			'proxy-authorization': 'Basic y',
			Cookie: 'n8n-auth=z',
			'content-type': 'application/json',
			'x-request-id': ['a', 'b'],
		};
		expect(safeHeaders(headers)).toEqual({ 'content-type': 'application/json', 'x-request-id': ['a', 'b'] });
		expect(headers[SUBSCRIPTION_KEY_HEADER]).toBe(KEY);
	});
});

describe('subscriptionKeyProblem (the credential test)', () => {
	test.each([
		['missing', undefined],
		['not a string', 12345678901234567],
		['empty', ''],
		['blank', '   '],
	])('%s: empty', (_name, key) => {
		expect(subscriptionKeyProblem(key)).toBe('The Subscription Key is empty.');
	});

	test.each([
		['a line break', `${KEY}\nx`],
		['a control character', `${KEY}\u0007`],
		['a non-ASCII character', `${KEY}é`],
	])('%s: cannot be sent in a header', (_name, key) => {
		expect(subscriptionKeyProblem(key)).toBe(
			'The Subscription Key contains a line break, a control character or a non-ASCII character, which cannot be sent in an HTTP header. Paste it again.',
		);
	});

	test('short keys name their length (after trimming); 16 characters pass', () => {
		expect(subscriptionKeyProblem('  short  ')).toBe(
			'The Subscription Key has only 5 characters. Anyone who guesses it can push data into your workflow: agree a long random key (32 or more characters) with The Mobility House.',
		);
		expect(subscriptionKeyProblem('x'.repeat(15))).toMatch(/^The Subscription Key has only 15 characters\./);
		expect(subscriptionKeyProblem('x'.repeat(16))).toBeUndefined();
		expect(subscriptionKeyProblem(` ${KEY} `)).toBeUndefined();
	});

	test('printable ASCII of every kind is fine', () => {
		expect(subscriptionKeyProblem(' !"#$%&\'()*+,-./0123456789:;<=>?@AZ[\\]^_`az{|}~')).toBeUndefined();
	});
});
