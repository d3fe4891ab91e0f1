import { runInNewContext } from 'node:vm';

import { joinUrl, mediaType } from '../../../../credentials/chargepilot/canonicalRequest';
import { hasLoneSurrogate, isPlainObject, shorten } from '../../../../credentials/chargepilot/values';

describe('isPlainObject', () => {
	test('plain objects, also without a prototype or from another realm (an expression sandbox)', () => {
		expect(isPlainObject({})).toBe(true);
		expect(isPlainObject({ a: 1 })).toBe(true);
		expect(isPlainObject(Object.create(null))).toBe(true);
		expect(isPlainObject(runInNewContext('({ a: 1 })'))).toBe(true);
		expect(isPlainObject(runInNewContext('Object.create(null)'))).toBe(true);
		// A literal that names its own tag is still a plain object.
		expect(isPlainObject({ [Symbol.toStringTag]: 'Thing' })).toBe(true);
	});

	test('not arrays, Buffers, Dates, class instances or objects made from another object', () => {
		class Thing {}
		for (const value of [null, undefined, 0, 'x', true, [], Buffer.from('x'), new Date(0), new Thing(), new Map(), Object.create({}), Object.create({ a: 1 })]) {
			expect(isPlainObject(value)).toBe(false);
		}
		expect(isPlainObject(runInNewContext('new Date(0)'))).toBe(false);
		expect(isPlainObject(runInNewContext('[1]'))).toBe(false);
		// An object whose prototype is a null-prototype object: one step off Object.prototype's shape.
		expect(isPlainObject(Object.create(Object.create(null)))).toBe(true);
		const tagged = Object.create(Object.create(null));
		tagged[Symbol.toStringTag] = 'Stream';
		expect(isPlainObject(tagged)).toBe(false);
	});
});

describe('hasLoneSurrogate', () => {
	test.each([
		['', false],
		['abc ü €', false],
		['😀', false],
		['a😀b😀', false],
		['\uD83D', true],
		['a\uD83D', true],
		['\uD83Da', true],
		['\uDE00', true],
		['a\uDE00', true],
		['\uDE00\uD83D', true],
		['😀\uDE00', true],
		['\uD83D\uD83D\uDE00', true],
	])('%j: %s', (text, lone) => {
		expect(hasLoneSurrogate(text)).toBe(lone);
	});
});

describe('shorten', () => {
	test('up to the limit as it is, beyond it cut with the full length', () => {
		expect(shorten('x'.repeat(60))).toBe('x'.repeat(60));
		expect(shorten('x'.repeat(61))).toBe(`${'x'.repeat(60)}… (61 characters)`);
		expect(shorten('abcdef', 3)).toBe('abc… (6 characters)');
		expect(shorten('abc', 3)).toBe('abc');
		expect(shorten('')).toBe('');
	});
});

describe('joinUrl and mediaType', () => {
	test.each([
		['http://h/a', 'x', 'http://h/a/x'],
		['http://h/a/', '/x', 'http://h/a/x'],
		['http://h/a//', '//x', 'http://h/a/x'],
		['http://h/a', '', 'http://h/a'],
		[undefined, '/x', '/x'],
		['', 'x', 'x'],
		['http://h/a', 'HTTPS://other.test/x', 'HTTPS://other.test/x'],
		['http://h/a', 'web+cal://x/y', 'web+cal://x/y'],
		['http://h/a', 'a1b://x/y', 'a1b://x/y'],
		['http://h/a', 'mailto:x@y', 'http://h/a/mailto:x@y'],
		['http://h/a', '1http://x', 'http://h/a/1http://x'],
	])('%s + %s = %s', (base, url, joined) => {
		expect(joinUrl(base, url)).toBe(joined);
	});

	test('media types: lower case, without parameters; anything else is none', () => {
		expect(mediaType(' Application/JSON ; charset=UTF-8')).toBe('application/json');
		expect(mediaType('text/plain')).toBe('text/plain');
		expect(mediaType(['application/json'])).toBe('');
		expect(mediaType(undefined)).toBe('');
	});
});
