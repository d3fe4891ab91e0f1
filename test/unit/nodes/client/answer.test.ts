/**
 * An answer read with a ceiling on its size (answer.ts): counted as it arrives, stopped and closed
 * past the ceiling, then decoded as n8n would.
 */
import { Readable } from 'node:stream';

import { AnswerTooLargeError, decodeAnswer, DEFAULT_MAX_ANSWER_BYTES, isStream, MAX_ANSWER_BYTES_LIMIT, megabytes, readAnswer } from '../../../../nodes/client/answer';

/** A stream of `chunks` pieces of `size` bytes; records how many were pulled and whether it was destroyed. */
function source(chunks: number, size: number) {
	const seen = { pulled: 0, destroyed: false };
	let index = 0;
	const stream = new Readable({
		read() {
			if (index >= chunks) {
				this.push(null);
				return;
			}
			index++;
			seen.pulled++;
			this.push(Buffer.alloc(size, 0x61));
		},
		destroy(error, callback) {
			seen.destroyed = true;
			callback(error);
		},
	});
	return { stream, seen };
}

describe('readAnswer', () => {
	test('reads every byte of an answer up to the ceiling, the ceiling included', async () => {
		const { stream } = source(4, 256);
		expect((await readAnswer(stream, 1024)).length).toBe(1024);
	});

	test('one byte past the ceiling: AnswerTooLargeError, the stream destroyed, nothing more pulled', async () => {
		const { stream, seen } = source(1_000_000, 1000);
		const failure = readAnswer(stream, 5000);
		await expect(failure).rejects.toBeInstanceOf(AnswerTooLargeError);
		await expect(failure).rejects.toMatchObject({ code: 'ETOOLARGE', ceilingBytes: 5000, message: 'the answer was larger than 4.88 KB' });
		expect(seen.destroyed).toBe(true);
		expect(seen.pulled).toBeLessThan(40);
		await expect(failure).rejects.toMatchObject({ name: 'AnswerTooLargeError' });
	});

	test('a source that cannot be destroyed still fails at the ceiling', async () => {
		async function* chunks() {
			for (;;) yield Buffer.alloc(1000);
		}
		const plain = chunks();
		expect('destroy' in plain).toBe(false);
		await expect(readAnswer(plain, 2500)).rejects.toMatchObject({ code: 'ETOOLARGE', ceilingBytes: 2500 });
	});

	test('text chunks count as their bytes', async () => {
		await expect(readAnswer(Readable.from(['ab', '€']), 4)).rejects.toBeInstanceOf(AnswerTooLargeError);
		expect((await readAnswer(Readable.from(['ab', '€']), 5)).toString()).toBe('ab€');
	});

	test('the default is 16 MB', () => {
		expect(DEFAULT_MAX_ANSWER_BYTES).toBe(16 * 1024 * 1024);
		expect(megabytes(DEFAULT_MAX_ANSWER_BYTES)).toBe('16 MB');
		expect(megabytes(1536 * 1024)).toBe('1.5 MB');
		expect(megabytes(512 * 1024)).toBe('512 KB');
		// The most Options → Max Answer Size allows, as the README says: 1,024 MB.
		expect(MAX_ANSWER_BYTES_LIMIT).toBe(1024 * 1024 * 1024);
		// Exactly one megabyte is said in megabytes.
		expect(megabytes(1024 * 1024)).toBe('1 MB');
	});
});

describe('isStream', () => {
	test('a readable stream is one; bodies n8n decoded itself are not', () => {
		expect(isStream(Readable.from(['x']))).toBe(true);
		for (const body of [null, undefined, '', 'text', { a: 1 }, [1], Buffer.from('x'), { pipe: () => undefined }]) expect(isStream(body)).toBe(false);
		// Async-iterable but not a Node stream (no pipe): not what n8n hands over for encoding 'stream'.
		expect(isStream((async function* () {})())).toBe(false);
	});
});

describe('decodeAnswer', () => {
	test.each([
		['{"a":1}', 'application/json', { a: 1 }, false],
		['[1,2]', 'text/plain', [1, 2], false],
		['\ufeff{"a":1}', 'application/json; charset=utf-8', { a: 1 }, false],
		['"text"', undefined, 'text', false],
		['', 'application/json', '', false],
		['\ufeff', 'application/json', '', false],
		['  ', 'application/json', '  ', false],
		['{"a":', 'application/json', '{"a":', true],
		['{"a":', 'application/problem+JSON', '{"a":', true],
		['<html>proxy error</html>', 'text/html', '<html>proxy error</html>', false],
		['ok', undefined, 'ok', false],
	])('%j (%s)', (text, contentType, body, malformed) => {
		expect(decodeAnswer(Buffer.from(text, 'utf8'), contentType)).toEqual({ body, malformed });
	});
});
