/**
 * The node's input checks on their own: each names the field and the item, and says what to do.
 */
import type { INode } from 'n8n-workflow';

import {
	checkTargetLength,
	encodedTargetLength,
	headersFromPairs,
	limitParameter,
	MAX_TARGET_LENGTH,
	parseJson,
	queryFromPairs,
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
