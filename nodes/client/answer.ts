/**
 * An answer's body, read with a ceiling on its size: n8n hands the transport the body as a stream
 * (`encoding: 'stream'`), so the bytes are counted as they arrive and reading stops, the connection
 * closed, once the answer is larger than the ceiling. Without it only the deadline bounded an
 * answer: at LAN speed a 60 s Timeout is gigabytes (the polling trigger buffered a never-ending
 * answer to 256 MB). Then the bytes are decoded as n8n would (JSON when they parse, text otherwise).
 */

export const MEGABYTE = 1024 * 1024;
/** The default ceiling on one answer: sixteen times the largest page ChargePilot sends (1,000 events, about 1 MB). */
export const DEFAULT_MAX_ANSWER_BYTES = 16 * MEGABYTE;
/** The most a user may allow for one answer (Options → Max Answer Size). */
export const MAX_ANSWER_BYTES_LIMIT = 1024 * MEGABYTE;

/** Thrown when an answer is larger than the ceiling; the transport turns it into the node's error. */
export class AnswerTooLargeError extends Error {
	readonly code = 'ETOOLARGE';

	constructor(readonly ceilingBytes: number) {
		super(`the answer was larger than ${megabytes(ceilingBytes)}`);
		this.name = 'AnswerTooLargeError';
	}
}

/** A byte count as people read it: "16 MB", "1.5 MB", "512 KB". */
export function megabytes(bytes: number): string {
	if (bytes >= MEGABYTE) return `${Number((bytes / MEGABYTE).toFixed(2))} MB`;
	return `${Number((bytes / 1024).toFixed(2))} KB`;
}

/** Whether n8n handed over a stream rather than an already decoded body. */
export function isStream(body: unknown): body is AsyncIterable<unknown> & { destroy?: (error?: Error) => void } {
	return body !== null && typeof body === 'object' && typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function' && typeof (body as { pipe?: unknown }).pipe === 'function';
}

/**
 * All bytes of a stream, or AnswerTooLargeError as soon as more than `ceilingBytes` arrived (the
 * stream is destroyed then, which closes the connection: nothing more is read).
 */
export async function readAnswer(stream: AsyncIterable<unknown> & { destroy?: (error?: Error) => void }, ceilingBytes: number): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
		size += bytes.length;
		if (size > ceilingBytes) {
			const error = new AnswerTooLargeError(ceilingBytes);
			stream.destroy?.(error);
			throw error;
		}
		chunks.push(bytes);
	}
	return Buffer.concat(chunks, size);
}

/**
 * The body as n8n would have decoded it: parsed JSON when the text parses (a UTF-8 byte order mark
 * aside), the text otherwise, '' when empty. `malformed` when the server said JSON but sent text
 * that does not parse (usually a cut connection or a proxy's page).
 */
export function decodeAnswer(bytes: Buffer, contentType: unknown): { body: unknown; malformed: boolean } {
	const text = bytes.toString('utf8');
	const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	if (json.trim() === '') return { body: text === json ? text : '', malformed: false };
	try {
		return { body: JSON.parse(json), malformed: false };
	} catch {
		return { body: text, malformed: /json/i.test(String(contentType ?? '')) };
	}
}
