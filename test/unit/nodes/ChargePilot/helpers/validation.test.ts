/**
 * The node's input checks on their own: each names the field and the item, and says what to do.
 * Messages and hints are pinned exactly; every limit is tried at the limit and one past it, and
 * every pattern with values just inside and just outside it.
 */
import type { INode, NodeOperationError } from 'n8n-workflow';

import {
	checkTargetLength,
	dateTimeValue,
	encodedTargetLength,
	eventReadOptions,
	headersFromPairs,
	inputError,
	limitParameter,
	MAX_TARGET_LENGTH,
	parseJson,
	queryFromPairs,
	SORT_FIELDS,
	validatePath,
	validateQueryObject,
} from '../../../../../nodes/ChargePilot/helpers/validation';

const node = { id: 'n1', name: 'ChargePilot', type: 'n8n-nodes-chargepilot.chargePilot', typeVersion: 1, position: [0, 0], parameters: {} } as INode;

describe('validatePath', () => {
	test.each([
		['/sites', '/sites'],
		['sites', '/sites'],
		['  /sites/abc?x=1  ', '/sites/abc?x=1'],
		['/echo/a.b/c..d', '/echo/a.b/c..d'],
		['/sites?q=..', '/sites?q=..'],
	])('%j is accepted as %j', (raw, expected) => {
		expect(validatePath(node, 0, raw)).toBe(expected);
	});

	test.each([
		['', /Path \(item 3\): is empty/],
		[42, /must be text, got number/],
		['http://evil.example/x', /is an absolute URL/],
		['javascript:alert(1)', /is an absolute URL/],
		['//evil.example/x', /starts with "\/\/"/],
		['\\\\evil', /starts with "\/\/"/],
		['/sites#frag', /contains "#"/],
		['/a/../b', /"\." or "\.\." segment/],
		['/a/./b', /segment/],
		['/a/%2e%2E/b', /segment/],
		['/a/.%2e', /segment/],
		['/a/%2E.', /segment/],
		['/a\\..\\b', /segment/],
		['/a\tb', /control character/],
		['/a\ud800', /half of a character/],
	])('%j is refused', (raw, message) => {
		expect(() => validatePath(node, 3, raw)).toThrow(message);
	});

	test('quotes at most 60 characters of a long value', () => {
		const long = `http://${'x'.repeat(5000)}`;
		let message = '';
		try {
			validatePath(node, 0, long);
		} catch (error) {
			message = (error as Error).message;
		}
		expect(message).toMatch(/\(5007 characters\)/);
		expect(message.length).toBeLessThan(200);
	});
});

describe('headersFromPairs', () => {
	test('valid pairs become headers, values as text', () => {
		expect(headersFromPairs(node, 0, [{ name: ' X-Request-Id ', value: 7 }, { name: 'Accept-Language', value: 'de-DE, Müller' }])).toEqual({ 'X-Request-Id': '7', 'Accept-Language': 'de-DE, Müller' });
	});

	test.each([
		[{ name: '' }, /header 1 has no name/],
		[{ name: 'X:Bad' }, /not a valid header name/],
		[{ name: 'x-signature' }, /set by the node itself/],
		[{ name: 'Host' }, /set by the node itself/],
		[{ name: 'Content-Length' }, /set by the node itself/],
		[{ name: 'Transfer-Encoding', value: 'chunked' }, /controls how the request is framed/],
		[{ name: 'te', value: 'trailers' }, /framed/],
		[{ name: 'Proxy-Authorization', value: 'Basic x' }, /framed/],
		[{ name: 'X-A', value: 'a\nb' }, /line break/],
		[{ name: 'X-A', value: 'a\u0000b' }, /control character/],
		[{ name: 'X-A', value: 'a\u007f' }, /control character/],
		[{ name: 'X-A', value: '€' }, /only Latin-1/],
		[{ name: 'X-A', value: 'x'.repeat(8193) }, /8193 characters long/],
	])('%j is refused, naming Headers and the item', (pair, message) => {
		expect(() => headersFromPairs(node, 2, [pair])).toThrow(/^Headers \(item 2\)/);
		expect(() => headersFromPairs(node, 2, [pair])).toThrow(message);
	});

	test.each([
		[[{ name: 'X-A', value: '1' }, { name: 'x-a', value: '2' }], 'Headers (item 1): "x-a" is given twice (also as "X-A")'],
		[[{ name: 'X-A', value: '1' }, { name: 'X-A', value: '2' }], 'Headers (item 1): "X-A" is given twice'],
		[[{ name: 'Accept', value: '1' }, { name: 'X-B', value: '2' }, { name: ' ACCEPT ', value: '3' }], 'Headers (item 1): "ACCEPT" is given twice (also as "Accept")'],
	])('a header given twice, in any case, is refused (before: the last one silently won) %#', (pairs, message) => {
		let error: Error | undefined;
		try {
			headersFromPairs(node, 1, pairs);
		} catch (caught) {
			error = caught as Error;
		}
		expect(error?.message).toBe(message);
		expect((error as NodeOperationError | undefined)?.description).toBe('Header names are case-insensitive: give each header once, with all its value in one row.');
	});

	test('a tab inside a value is allowed', () => {
		expect(headersFromPairs(node, 0, [{ name: 'X-A', value: 'a\tb' }])).toEqual({ 'X-A': 'a\tb' });
	});
});

describe('query parameters', () => {
	test('repeated names become arrays, in order; missing values are empty', () => {
		expect(queryFromPairs(node, 0, [{ name: 'tag', value: 'a' }, { name: 'tag', value: 'b' }, { name: 'x' }, { name: 'tag', value: 'c' }], 'Query Parameters')).toEqual({ tag: ['a', 'b', 'c'], x: '' });
	});

	test.each([
		[[{ name: ' ', value: 'v' }], /parameter 1 has no name/],
		[[{ name: 'q', value: 'a\r\n' }], /line break or control character/],
		[[{ name: 'q', value: 'x\udc00' }], /half of a character/],
	])('%j is refused', (pairs, message) => {
		expect(() => queryFromPairs(node, 1, pairs, 'Query Parameters')).toThrow(/^Query Parameters \(item 1\)/);
		expect(() => queryFromPairs(node, 1, pairs, 'Query Parameters')).toThrow(message);
	});

	test('a JSON query must be an object of named values', () => {
		expect(validateQueryObject(node, 0, { a: 1, b: ['x', 'y'] }, 'Query Parameters JSON')).toEqual({ a: 1, b: ['x', 'y'] });
		expect(validateQueryObject(node, 0, undefined, 'Query Parameters JSON')).toEqual({});
		expect(() => validateQueryObject(node, 0, [1], 'Query Parameters JSON')).toThrow(/JSON object, got an array/);
		expect(() => validateQueryObject(node, 0, 'x', 'Query Parameters JSON')).toThrow(/got string/);
		expect(() => validateQueryObject(node, 0, { '': 1 }, 'Query Parameters JSON')).toThrow(/empty name/);
		expect(() => validateQueryObject(node, 0, { q: { deep: ['x\ud800'] } }, 'Query Parameters JSON')).toThrow(/half of a character/);
	});
});

describe('the request-target limit counts encoded bytes', () => {
	test('ASCII counts one per character, "€" nine, "ü" six (in the path) ', () => {
		expect(encodedTargetLength('/sites', {})).toBe(6);
		expect(encodedTargetLength('/a', { q: 'x y' })).toBe('/a?q=x%20y'.length);
		expect(encodedTargetLength('/€', {})).toBe(1 + 9);
		expect(encodedTargetLength('/a?x=1', { y: 'ü' })).toBe('/a?x=1&y=%C3%BC'.length);
	});

	test('exactly the limit passes, one more fails with the encoded length', () => {
		const path = `/${'a'.repeat(MAX_TARGET_LENGTH - 1)}`;
		expect(() => checkTargetLength(node, 0, path, {})).not.toThrow();
		expect(() => checkTargetLength(node, 0, `${path}b`, {})).toThrow(/8001 characters once encoded; at most 8000/);
		expect(() => checkTargetLength(node, 0, '/x', { q: '€'.repeat(1000) })).toThrow(/9005 characters once encoded/);
	});
});

describe('other values', () => {
	test('Limit: a whole number of at least 1', () => {
		expect(limitParameter(node, 0, 5)).toBe(5);
		expect(limitParameter(node, 0, ' 7 ')).toBe(7);
		for (const bad of [0, -1, 1.5, 'many', null, undefined]) expect(() => limitParameter(node, 0, bad)).toThrow(/Limit \(item 0\)/);
	});

	test('JSON: strings are parsed, objects from expressions pass, empty is nothing', () => {
		expect(parseJson(node, 0, ' {"a": 1} ', 'Body')).toEqual({ a: 1 });
		expect(parseJson(node, 0, { a: 1 }, 'Body')).toEqual({ a: 1 });
		expect(parseJson(node, 0, '  ', 'Body')).toBeUndefined();
		expect(() => parseJson(node, 4, '{"a":', 'Body')).toThrow(/Body \(item 4\): is not valid JSON/);
	});
});

/** What a call throws: message, hint and item index (the test fails when nothing is thrown). */
function failure(call: () => unknown): { message: string; description: unknown; itemIndex: unknown } {
	try {
		call();
	} catch (error) {
		const { message, description, context } = error as NodeOperationError;
		return { message, description, itemIndex: context.itemIndex };
	}
	throw new Error('nothing was thrown');
}

const PATH_FIX = 'Enter a path relative to the base URL, e.g. /sites';
const LONE_SURROGATE_FIX = 'A character was cut in half (a lone UTF-16 surrogate, e.g. half of an emoji), which cannot be sent. Fix the value, or the expression that cut it.';

describe('inputError', () => {
	test('names the field and the item, carries the fix and the item index', () => {
		const error = inputError(node, 6, 'Site', 'is wrong', 'Do this.');
		expect(error.message).toBe('Site (item 6): is wrong');
		expect(error.description).toBe('Do this.');
		expect(error.context.itemIndex).toBe(6);
		expect(error.node).toBe(node);
	});
});

describe('validatePath: every refusal, exactly', () => {
	test.each([
		[undefined, 'is empty', PATH_FIX],
		[null, 'is empty', PATH_FIX],
		['', 'is empty', PATH_FIX],
		[' \t\n ', 'is empty', PATH_FIX],
		[42, 'must be text, got number', PATH_FIX],
		[true, 'must be text, got boolean', PATH_FIX],
		[['/sites'], 'must be text, got an array', PATH_FIX],
		[{ path: '/sites' }, 'must be text, got object', PATH_FIX],
		['/a\ud800', 'contains half of a character (a lone UTF-16 surrogate)', LONE_SURROGATE_FIX],
		['/a\udc00b', 'contains half of a character (a lone UTF-16 surrogate)', LONE_SURROGATE_FIX],
		['/a\u0000b', 'contains a line break or another control character', 'Remove line breaks and tabs from the path (an expression may have added them).'],
		['http://x/y', '"http://x/y" is an absolute URL', 'Enter only the part after the base URL, e.g. /sites. The base URL comes from the credential\'s Region or Base URL.'],
		['//x/y', '"//x/y" starts with "//" and would point at another host', 'Start the path with a single "/", e.g. /sites'],
		['/x#y', 'contains "#"', 'A fragment is never sent to the server. Remove it, or encode "#" as %23 if it belongs to a value.'],
		['/a/../b', 'contains a "." or ".." segment', 'Use the resource path itself, e.g. /sites/abc, without dot segments.'],
	])('%j: "%s"', (raw, problem, fix) => {
		expect(failure(() => validatePath(node, 3, raw))).toEqual({ message: `Path (item 3): ${problem}`, description: fix, itemIndex: 3 });
	});

	test('the field name is the one given', () => {
		expect(failure(() => validatePath(node, 1, '', 'Next Page Path')).message).toBe('Next Page Path (item 1): is empty');
	});

	test('a long absolute URL is quoted cut to 60 characters', () => {
		const long = `https://${'x'.repeat(100)}`;
		expect(failure(() => validatePath(node, 0, long)).message).toBe(`Path (item 0): "${long.slice(0, 60)}… (108 characters)" is an absolute URL`);
	});

	test('a whole emoji (a surrogate pair) is not half a character', () => {
		expect(validatePath(node, 0, '/sites/😀')).toBe('/sites/😀');
	});
});

describe('validatePath: the edges of each pattern', () => {
	test.each([
		['\u0000', true],
		['\u001f', true],
		['\n', true],
		['\r', true],
		['\u007f', true],
		[' ', false],
		['~', false],
		['\u0080', false],
		['\u00a0', false],
	])('a path with %j inside: control character %p', (char, refused) => {
		const path = `/a${char}b`;
		if (refused) expect(failure(() => validatePath(node, 0, path)).message).toBe('Path (item 0): contains a line break or another control character');
		else expect(validatePath(node, 0, path)).toBe(path);
	});

	test.each(['a:b', 'z:b', 'HTTPS://x', 'Mailto:x', 'a0:b', 'a9b:c', 'a+b:c', 'a-b:c', 'a.b:c', 'ab:'])('%j has a scheme: an absolute URL', (raw) => {
		expect(failure(() => validatePath(node, 0, raw)).message).toBe(`Path (item 0): "${raw}" is an absolute URL`);
	});

	test.each([
		['1a:b', '/1a:b'],
		[':b', '/:b'],
		['a_b:c', '/a_b:c'],
		['sites/a:b', '/sites/a:b'],
		['/a:b', '/a:b'],
	])('%j has no scheme: a path', (raw, expected) => {
		expect(validatePath(node, 0, raw)).toBe(expected);
	});

	test.each(['//x', '\\x', '\\\\x', '/\\x', '/\\'])('%j starts like another host', (raw) => {
		expect(failure(() => validatePath(node, 0, raw)).message).toBe(`Path (item 0): "${raw}" starts with "//" and would point at another host`);
	});

	test.each([
		['/a//b', '/a//b'],
		['a//', '/a//'],
	])('%j has "//" only later: a path', (raw, expected) => {
		expect(validatePath(node, 0, raw)).toBe(expected);
	});

	test.each(['a\\', '/a/\\', '/sites\\x'])('%j holds a backslash later: refused (a gateway may read it as "/")', (raw) => {
		expect(failure(() => validatePath(node, 0, raw)).message).toBe('Path (item 0): the path holds a backslash');
	});

	test.each([
		['/..%2f..%2fadmin', 'holds an encoded "." or ".." segment (e.g. "%2e%2e%2f")'],
		['/sites/%2e%2e%2f%2e%2e%2fadmin', 'holds an encoded "." or ".." segment (e.g. "%2e%2e%2f")'],
		['/sites/..%2Fadmin', 'holds an encoded "." or ".." segment (e.g. "%2e%2e%2f")'],
		['/..%5c..%5cinternal', 'holds an encoded backslash ("%5c")'],
		['/sites/x%5Cy', 'holds an encoded backslash ("%5c")'],
		['/sites/%252e%252e%252fadmin', 'holds an encoded "." or ".." segment (e.g. "%2e%2e%2f")'],
		['/sites/..;/admin', 'holds a "." or ".." segment'],
		['/sites/%2e%2e;x/admin', 'holds an encoded "." or ".." segment (e.g. "%2e%2e%2f")'],
	])('%j: the decoded path leaves its place, refused', (raw, problem) => {
		const error = failure(() => validatePath(node, 2, raw));
		expect(error.message).toBe(`Path (item 2): the path ${problem}`);
		expect(error.description).toBe('A gateway that decodes the path would send the request to another path. Use the resource path itself, e.g. /sites/abc; encode "/" and "\\" inside a value only in the query.');
	});

	test.each(['/sites/a%2fb', '/echo/100%25', '/echo/%2e%2e%2e', '/sites/x?q=..%2f..%2f', '/sites/..x/y', '/echo/%252541'])('%j decodes to no dot segment and no backslash: a path', (raw) => {
		expect(validatePath(node, 0, raw)).toBe(raw);
	});

	test.each(['#', '/a#', '/a?q=#x'])('%j holds "#"', (raw) => {
		expect(failure(() => validatePath(node, 0, raw)).message).toBe('Path (item 0): contains "#"');
	});

	test.each(['.', '..', '/.', '/..', '/a/.', '/a/..', '/a/%2e', '/a/%2E', '/a/%2E%2e', '/a/%2e%2e/b', '/a/.%2E', '/a/%2e.', '/a/..?x=1', '/a\\.'])('%j has a dot segment', (raw) => {
		expect(failure(() => validatePath(node, 0, raw)).message).toBe('Path (item 0): contains a "." or ".." segment');
	});

	test.each(['/a/...', '/a/.x', '/a/x.', '/a/%2e%2e%2e', '/a/x%2e', '/a/%2ex', '/a/a%2e', '/a/.%2ex', '/a/x.%2e', '/a/%2e.x', '/a/x%2e.', '/a/%2e%2', '/sites?q=/../x', '/sites?q=\\..\\x'])('%j has no dot segment: a path', (raw) => {
		expect(validatePath(node, 0, raw)).toBe(raw);
	});
});

describe('validateQueryObject: refusals and what passes', () => {
	const field = 'Query Parameters JSON';
	test.each([
		[[1], 'must be a JSON object, got an array', 'Enter an object such as {"from": "2026-01-01T00:00:00Z", "take": 100}'],
		[null, 'must be a JSON object, got object', 'Enter an object such as {"from": "2026-01-01T00:00:00Z", "take": 100}'],
		[5, 'must be a JSON object, got number', 'Enter an object such as {"from": "2026-01-01T00:00:00Z", "take": 100}'],
		[{ '': 1 }, 'has a parameter with an empty name', 'Give every query parameter a name.'],
		[{ 'a\nb': 1 }, 'parameter "a\nb" contains a control character', 'Remove line breaks and tabs from query names and values.'],
		[{ q: 'a\u007f' }, 'parameter "q" contains a control character', 'Remove line breaks and tabs from query names and values.'],
		[{ q: '\u001f' }, 'parameter "q" contains a control character', 'Remove line breaks and tabs from query names and values.'],
		[{ q: 'x\ud800' }, 'parameter "q" contains half of a character (a lone UTF-16 surrogate)', LONE_SURROGATE_FIX],
		[{ 'n\udc00': 1 }, 'parameter "n\udc00" contains half of a character (a lone UTF-16 surrogate)', LONE_SURROGATE_FIX],
		[{ q: ['ok', '\ud800'] }, 'parameter "q" contains half of a character (a lone UTF-16 surrogate)', LONE_SURROGATE_FIX],
		[{ q: { 'k\ud800': 1 } }, 'parameter "q" contains half of a character (a lone UTF-16 surrogate)', LONE_SURROGATE_FIX],
		[{ q: ['ok', 'a\nb'] }, 'parameter "q" contains a control character', 'Remove line breaks and tabs from query names and values.'],
		[JSON.parse('{"a": 1, "__proto__": "x"}'), 'parameter "__proto__" cannot be sent', 'Rename the parameter: JavaScript objects cannot carry the name "__proto__".'],
	])('%j: "%s"', (value, problem, fix) => {
		expect(failure(() => validateQueryObject(node, 2, value, field))).toEqual({ message: `${field} (item 2): ${problem}`, description: fix, itemIndex: 2 });
	});

	test('the first bad parameter is named, in order', () => {
		expect(failure(() => validateQueryObject(node, 0, { ok: 1, 'bad\t': 2, worse: '\ud800' }, field)).message).toBe(`${field} (item 0): parameter "bad\t" contains a control character`);
	});

	test.each([
		[{ q: 'a b~\u0080', n: 5, t: true, z: null }],
		[{ q: ['x', 'y'], o: { k: 'v' } }],
		[{ e: '😀', '😀': 'e' }],
	])('%j is returned as it is', (value) => {
		expect(validateQueryObject(node, 0, value, field)).toBe(value);
	});

	/** A string wrapped in `depth` objects: the string sits at that depth below the parameter. */
	const nested = (depth: number, text: string): unknown => (depth === 0 ? text : { k: nested(depth - 1, text) });

	test('half a character is found down to 21 levels below a parameter, deeper is not searched', () => {
		expect(failure(() => validateQueryObject(node, 0, { q: nested(21, '\ud800') }, field)).message).toBe(`${field} (item 0): parameter "q" contains half of a character (a lone UTF-16 surrogate)`);
		expect(validateQueryObject(node, 0, { q: nested(22, '\ud800') }, field)).toEqual({ q: nested(22, '\ud800') });
	});
});

describe('queryFromPairs: refusals and values', () => {
	const field = 'Query Parameters';
	test.each([
		[[{ name: 'a', value: 'x' }, { name: 5, value: 'y' }], 'parameter 2 has no name', 'Give every query parameter a name, or remove the empty row.'],
		[[{ value: 'y' }], 'parameter 1 has no name', 'Give every query parameter a name, or remove the empty row.'],
		[[{ name: null }], 'parameter 1 has no name', 'Give every query parameter a name, or remove the empty row.'],
		[[{ name: 'a\u0001b', value: 'v' }], 'parameter "a\u0001b" contains a line break or control character', 'Remove line breaks and tabs from query names and values.'],
		[[{ name: 'q', value: 'a\tb' }], 'parameter "q" contains a line break or control character', 'Remove line breaks and tabs from query names and values.'],
		[[{ name: 'a\ud800', value: 'v' }], 'parameter "a\ud800" contains half of a character (a lone UTF-16 surrogate)', LONE_SURROGATE_FIX],
		[[{ name: 'q', value: '\udc00' }], 'parameter "q" contains half of a character (a lone UTF-16 surrogate)', LONE_SURROGATE_FIX],
	])('%j: "%s"', (pairs, problem, fix) => {
		expect(failure(() => queryFromPairs(node, 1, pairs, field))).toEqual({ message: `${field} (item 1): ${problem}`, description: fix, itemIndex: 1 });
	});

	test('no pairs: no query', () => {
		expect(queryFromPairs(node, 0, [], field)).toEqual({});
	});

	test('names are trimmed; values become text, null and undefined empty', () => {
		expect(queryFromPairs(node, 0, [{ name: ' a ', value: null }, { name: 'b', value: 0 }, { name: 'c', value: false }, { name: 'd', value: 1.5 }, { name: 'e', value: ' x ' }], field)).toEqual({ a: '', b: '0', c: 'false', d: '1.5', e: ' x ' });
	});

	test('a repeated name whose first value is empty still becomes an array', () => {
		expect(queryFromPairs(node, 0, [{ name: 'x' }, { name: 'x', value: 'b' }], field)).toEqual({ x: ['', 'b'] });
	});

	test('names of Object.prototype members are parameters like any other', () => {
		const query = queryFromPairs(node, 0, [{ name: 'constructor', value: 'a' }, { name: 'toString', value: 'b' }, { name: 'constructor', value: 'c' }, { name: 'hasOwnProperty', value: 'd' }], field);
		expect(Object.entries(query)).toEqual([
			['constructor', ['a', 'c']],
			['toString', 'b'],
			['hasOwnProperty', 'd'],
		]);
	});

	test('"__proto__" is refused, naming the field and item, not silently lost', () => {
		expect(failure(() => queryFromPairs(node, 2, [{ name: 'a', value: '1' }, { name: ' __proto__ ', value: 'x' }], field))).toEqual({
			message: `${field} (item 2): parameter "__proto__" cannot be sent`,
			description: 'Rename the parameter: JavaScript objects cannot carry the name "__proto__".',
			itemIndex: 2,
		});
	});
});

describe('headersFromPairs: refusals and values', () => {
	const NAME_FIX = 'Header names use letters, digits and - _ . only, e.g. X-Request-Id';
	const RESERVED_FIX = 'Remove it: the credential adds the signature headers, and Host/Content-Length come from the request.';
	const FRAMING_FIX = 'Remove it: Transfer-Encoding, Connection, TE, Upgrade, Trailer, Keep-Alive and Proxy-* headers are set by the HTTP client, never by the workflow.';
	const VALUE_FIX = 'Header values are sent byte for byte: remove line breaks and control characters (an expression may have added them), and send text beyond Latin-1 in the body instead.';

	test.each([
		[[{ name: 'X-A', value: '1' }, {}], 'header 2 has no name', NAME_FIX],
		[[{ name: 7, value: '1' }], 'header 1 has no name', NAME_FIX],
		[[{ name: 'X:Bad' }], '"X:Bad" is not a valid header name', NAME_FIX],
		[[{ name: 'X A' }], '"X A" is not a valid header name', NAME_FIX],
		[[{ name: '__proto__', value: 'x' }], 'header "__proto__" cannot be sent', 'Rename the header: JavaScript objects cannot carry the name "__proto__".'],
		[[{ name: 'X-API-KEY' }], '"X-API-KEY" is set by the node itself', RESERVED_FIX],
		[[{ name: 'x-api-key' }], '"x-api-key" is set by the node itself', RESERVED_FIX],
		[[{ name: 'X-Req-Timestamp' }], '"X-Req-Timestamp" is set by the node itself', RESERVED_FIX],
		[[{ name: 'X-Signature' }], '"X-Signature" is set by the node itself', RESERVED_FIX],
		[[{ name: 'HOST' }], '"HOST" is set by the node itself', RESERVED_FIX],
		[[{ name: 'content-length', value: '0' }], '"content-length" is set by the node itself', RESERVED_FIX],
		[[{ name: 'Connection', value: 'close' }], '"Connection" controls how the request is framed or forwarded', FRAMING_FIX],
		[[{ name: 'Upgrade' }], '"Upgrade" controls how the request is framed or forwarded', FRAMING_FIX],
		[[{ name: 'Trailer' }], '"Trailer" controls how the request is framed or forwarded', FRAMING_FIX],
		[[{ name: 'Keep-Alive' }], '"Keep-Alive" controls how the request is framed or forwarded', FRAMING_FIX],
		[[{ name: 'TE' }], '"TE" controls how the request is framed or forwarded', FRAMING_FIX],
		[[{ name: 'transfer-encoding' }], '"transfer-encoding" controls how the request is framed or forwarded', FRAMING_FIX],
		[[{ name: 'Proxy-Connection' }], '"Proxy-Connection" controls how the request is framed or forwarded', FRAMING_FIX],
		[[{ name: 'X-A', value: 'x'.repeat(8193) }], 'the value of "X-A" is 8193 characters long', 'Header values are limited to 8192 characters.'],
		[[{ name: 'X-A', value: 'a\rb' }], 'the value of "X-A" contains a line break', VALUE_FIX],
		[[{ name: 'X-A', value: 'a\u0001' }], 'the value of "X-A" contains a control character', VALUE_FIX],
		[[{ name: 'X-A', value: '\u0100' }], 'the value of "X-A" contains characters that cannot be sent in a header (only Latin-1 can)', VALUE_FIX],
	])('%j: "%s"', (pairs, problem, fix) => {
		expect(failure(() => headersFromPairs(node, 2, pairs))).toEqual({ message: `Headers (item 2): ${problem}`, description: fix, itemIndex: 2 });
	});

	test.each(['Hosts', 'X-Host', 'X-Api-Key-2', 'Proxy', 'X-Proxy-Id', 'Trailers', 'Content-Type', 'Upgrade-Insecure-Requests'])('%j is an ordinary header', (name) => {
		expect(headersFromPairs(node, 0, [{ name, value: 'v' }])).toEqual({ [name]: 'v' });
	});

	test('a value of exactly 8192 characters is sent; Latin-1 up to ÿ is sent', () => {
		const value = 'x'.repeat(8192);
		expect(headersFromPairs(node, 0, [{ name: 'X-A', value }, { name: 'X-B', value: 'ÿ ~' }])).toEqual({ 'X-A': value, 'X-B': 'ÿ ~' });
	});

	test('values become text, null and undefined empty', () => {
		expect(headersFromPairs(node, 0, [{ name: 'A', value: null }, { name: 'B' }, { name: 'C', value: 0 }, { name: 'D', value: false }])).toEqual({ A: '', B: '', C: '0', D: 'false' });
	});

	test('no pairs: no headers', () => {
		expect(headersFromPairs(node, 0, [])).toEqual({});
	});
});

describe('the request-target limit at its edges', () => {
	test('a path without a leading slash counts one for it; a query in the path counts as written', () => {
		expect(encodedTargetLength('sites', {})).toBe(6);
		expect(encodedTargetLength('/a?x=1', {})).toBe(6);
		expect(encodedTargetLength('/a', { q: '' })).toBe('/a?q='.length);
	});

	test('the limit counts the query too: 8000 with the query passes, 8001 is refused, exactly', () => {
		// "/x?q=" is 5 characters.
		expect(() => checkTargetLength(node, 0, '/x', { q: 'a'.repeat(7995) })).not.toThrow();
		expect(failure(() => checkTargetLength(node, 5, '/x', { q: 'a'.repeat(7996) }))).toEqual({
			message: 'Query Parameters (item 5): path and query are 8001 characters once encoded; at most 8000 are sent',
			description: 'Shorten the values, or send fewer parameters per request. Non-ASCII characters count as their encoded bytes (e.g. "€" is 9 characters).',
			itemIndex: 5,
		});
	});
});

describe('limitParameter at its edges', () => {
	test.each([
		[1, 1],
		['1', 1],
		[' 2 ', 2],
		[1000000, 1000000],
	])('%j is %j', (raw, expected) => {
		expect(limitParameter(node, 0, raw)).toBe(expected);
	});

	test.each([
		[0, '0'],
		[-1, '-1'],
		[0.5, '0.5'],
		[1.5, '1.5'],
		['2.5', '"2.5"'],
		['', '""'],
		['many', '"many"'],
		[true, 'true'],
		[null, 'null'],
		[undefined, 'undefined'],
		[NaN, 'NaN'],
		[Infinity, 'Infinity'],
	])('%j is refused, quoting it', (raw, quoted) => {
		expect(failure(() => limitParameter(node, 3, raw))).toEqual({
			message: `Limit (item 3): must be a whole number of at least 1, got ${quoted}`,
			description: 'Set Limit to 1 or more, or switch on Return All.',
			itemIndex: 3,
		});
	});
});

describe('parseJson at its edges', () => {
	test.each([[5], [null], [undefined], [[1, 2]]])('%j (already parsed by an expression) is returned as it is', (raw) => {
		expect(parseJson(node, 0, raw, 'Body')).toBe(raw);
	});

	test('JSON values that are not objects are parsed too; "null" is null, not nothing', () => {
		expect(parseJson(node, 0, '"x"', 'Body')).toBe('x');
		expect(parseJson(node, 0, 'null', 'Body')).toBeNull();
		expect(parseJson(node, 0, '0', 'Body')).toBe(0);
	});

	test('a byte-order mark and no-break spaces around the JSON are removed first', () => {
		expect(parseJson(node, 0, '\ufeff{"a":1}\u00a0', 'Body')).toEqual({ a: 1 });
	});

	test('invalid JSON: the parser\'s own reason, the field and the item', () => {
		let reason = '';
		try {
			JSON.parse('{"a":');
		} catch (error) {
			reason = (error as Error).message;
		}
		expect(failure(() => parseJson(node, 4, '{"a":', 'Body'))).toEqual({
			message: `Body (item 4): is not valid JSON (${reason})`,
			description: 'Fix the JSON, e.g. {"name": "value"}. Strings need double quotes.',
			itemIndex: 4,
		});
	});
});

/** The error `run` throws: its message and hint, or a failure when it throws nothing. */
function refusal(run: () => unknown): { message: string; description: string | null | undefined; itemIndex: unknown } {
	try {
		run();
	} catch (error) {
		const failure = error as NodeOperationError;
		return { message: failure.message, description: failure.description, itemIndex: failure.context.itemIndex };
	}
	throw new Error('expected a refusal, got none');
}

describe('dateTimeValue (From, To)', () => {
	test('ISO text with an offset or Z, and text without one read in the given zone', () => {
		expect(dateTimeValue(node, 0, 'From', '2026-03-01T10:00:00Z', 'UTC')).toBe(Date.parse('2026-03-01T10:00:00Z'));
		expect(dateTimeValue(node, 0, 'From', '2026-03-01T10:00:00+02:00', 'America/New_York')).toBe(Date.parse('2026-03-01T08:00:00Z'));
		expect(dateTimeValue(node, 0, 'To', '2026-07-01T00:00:00', 'Europe/Berlin')).toBe(Date.parse('2026-06-30T22:00:00Z'));
	});

	test.each([
		['', 'is empty', 'Set To to a date and time, e.g. 2026-01-01T00:00:00Z.'],
		[undefined, 'is empty', 'Set To to a date and time, e.g. 2026-01-01T00:00:00Z.'],
		[null, 'is empty', 'Set To to a date and time, e.g. 2026-01-01T00:00:00Z.'],
		['next tuesday', '"next tuesday" is not a valid date and time', 'Use ISO 8601, e.g. 2026-01-01T00:00:00Z, or pick a date in the field.'],
		['2026-02-30T00:00:00Z', '"2026-02-30T00:00:00Z" is not a valid date and time', 'Use ISO 8601, e.g. 2026-01-01T00:00:00Z, or pick a date in the field.'],
	])('%j is refused, naming the field and the item', (raw, problem, fix) => {
		expect(refusal(() => dateTimeValue(node, 4, 'To', raw, 'UTC'))).toEqual({ message: `To (item 4): ${problem}`, description: fix, itemIndex: 4 });
	});
});

describe('eventReadOptions (the Options of a charging-events read)', () => {
	test('defaults: sorted by start time ascending, pages of 1,000, Max Events 100,000, nothing extra sent', () => {
		expect(eventReadOptions(node, 0, {})).toEqual({ qs: {}, sortField: 'start_time', sortOrder: 'asc', pageSize: 1000, maxEvents: 100_000, failOnIncomplete: false });
	});

	test('what is set is sent and returned: search text trimmed, sort field and order, page size, Max Events, Fail When Incomplete', () => {
		expect(
			eventReadOptions(node, 0, { searchText: '  RFID 42 ', sortField: 'stop_time', sortOrder: 'desc', pageSize: '250', maxEvents: 5000, failOnTruncated: true }),
		).toEqual({ qs: { search_text: 'RFID 42', sort_field: 'stop_time', sort_order: 'desc' }, sortField: 'stop_time', sortOrder: 'desc', pageSize: 250, maxEvents: 5000, failOnIncomplete: true });
		expect(eventReadOptions(node, 0, { sortOrder: 'asc' })).toMatchObject({ qs: { sort_order: 'asc' }, sortOrder: 'asc' });
		// Blank search text is no search; Fail When Incomplete only when exactly true.
		expect(eventReadOptions(node, 0, { searchText: '   ', failOnTruncated: 'yes' })).toMatchObject({ qs: {}, failOnIncomplete: false });
		// A field name from an expression, and the edges of each range.
		expect(eventReadOptions(node, 0, { sortField: `a${'b'.repeat(63)}`, pageSize: 1, maxEvents: 1 })).toMatchObject({ sortField: `a${'b'.repeat(63)}`, pageSize: 1, maxEvents: 1 });
		expect(eventReadOptions(node, 0, { pageSize: 1000, maxEvents: 1_000_000, searchText: 'x'.repeat(100) })).toMatchObject({ pageSize: 1000, maxEvents: 1_000_000 });
	});

	test('the sort fields offered are the ones the public guide uses', () => {
		expect(SORT_FIELDS).toEqual(['transaction_id', 'occurrence_time', 'start_time', 'stop_time', 'duration']);
	});

	const sortFix = 'Choose one of: transaction_id, occurrence_time, start_time, stop_time, duration, or give a snake_case field name.';
	test.each([
		[{ searchText: 42 }, 'Search Text (item 2): must be text, got number', 'Enter the text to search for.'],
		[{ searchText: 'a\nb' }, 'Search Text (item 2): contains a line break or control character', 'Remove line breaks and tabs from the search text.'],
		[{ searchText: 'x'.repeat(101) }, 'Search Text (item 2): has 101 characters; ChargePilot allows at most 100', 'Shorten the search text.'],
		[{ sortField: 'Start Time' }, 'Sort Field (item 2): "Start Time" is not a field name', sortFix],
		[{ sortField: 7 }, 'Sort Field (item 2): 7 is not a field name', sortFix],
		[{ sortField: ['start_time'] }, 'Sort Field (item 2): ["start_time"] is not a field name', sortFix],
		[{ sortField: '1st' }, 'Sort Field (item 2): "1st" is not a field name', sortFix],
		[{ sortField: `a${'b'.repeat(64)}` }, `Sort Field (item 2): "a${'b'.repeat(64)}" is not a field name`, sortFix],
		[{ sortField: 'start_time&x=1' }, 'Sort Field (item 2): "start_time&x=1" is not a field name', sortFix],
		[{ sortOrder: 'up' }, 'Sort Order (item 2): "up" is not supported', 'Choose asc or desc.'],
		[{ pageSize: 0 }, 'Page Size (item 2): must be a whole number from 1 to 1000, got 0', 'Set Page Size between 1 and 1000.'],
		[{ pageSize: 1001 }, 'Page Size (item 2): must be a whole number from 1 to 1000, got 1001', 'Set Page Size between 1 and 1000.'],
		[{ pageSize: 2.5 }, 'Page Size (item 2): must be a whole number from 1 to 1000, got 2.5', 'Set Page Size between 1 and 1000.'],
		[{ maxEvents: 0 }, 'Max Events (item 2): must be a whole number from 1 to 1000000, got 0', 'Set Max Events between 1 and 1000000.'],
		[{ maxEvents: 1_000_001 }, 'Max Events (item 2): must be a whole number from 1 to 1000000, got 1000001', 'Set Max Events between 1 and 1000000.'],
		[{ maxEvents: 'many' }, 'Max Events (item 2): must be a whole number from 1 to 1000000, got "many"', 'Set Max Events between 1 and 1000000.'],
	])('%j is refused, naming the option and the item', (options, message, fix) => {
		expect(refusal(() => eventReadOptions(node, 2, options))).toEqual({ message, description: fix, itemIndex: 2 });
	});
});
