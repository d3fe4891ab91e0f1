import { createHash, timingSafeEqual } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { isPlainObject } from '../../credentials/chargepilot';

/**
 * The receiving end of ChargePilot's Charging Data Push-API: key check, content type, body and
 * sessions. Pure functions, so the node's webhook() only wires them to n8n's request and response.
 */

/** The header ChargePilot sends the agreed key in (Azure API Management naming). */
export const SUBSCRIPTION_KEY_HEADER = 'ocp-apim-subscription-key';

/** Headers never copied into `_headers`: the push key and anything else that carries a credential. */
const SECRET_HEADERS = new Set([SUBSCRIPTION_KEY_HEADER, 'authorization', 'proxy-authorization', 'cookie']);

/** What a rejected request is answered with. */
export interface PushRejection {
	status: 400 | 401;
	body: { error: string; message: string };
}

/**
 * The request's key against the credential's, in constant time: both sides are hashed with
 * SHA-256 first, so neither the content nor the length of the expected key leaks through timing.
 * An empty expected key matches nothing.
 */
export function subscriptionKeyMatches(provided: unknown, expected: string): boolean {
	if (typeof provided !== 'string' || provided === '' || expected === '') return false;
	const a = createHash('sha256').update(provided, 'utf8').digest();
	const b = createHash('sha256').update(expected, 'utf8').digest();
	return timingSafeEqual(a, b);
}

/** 401 for a request without the key or with another one. The answer never contains a key. */
export function checkSubscriptionKey(headers: IDataObject, expected: string): PushRejection | undefined {
	const provided = headers[SUBSCRIPTION_KEY_HEADER];
	if (provided === undefined || provided === '') {
		return {
			status: 401,
			body: { error: 'Unauthorized', message: 'Missing Ocp-Apim-Subscription-Key header: send the subscription key agreed for the ChargePilot Push-API' },
		};
	}
	if (!subscriptionKeyMatches(provided, expected)) {
		return {
			status: 401,
			body: { error: 'Unauthorized', message: 'Invalid Ocp-Apim-Subscription-Key header: the subscription key does not match' },
		};
	}
	return undefined;
}

function badRequest(message: string): PushRejection {
	return { status: 400, body: { error: 'Bad Request', message } };
}

/** 400 unless the Content-Type is application/json (parameters such as charset are allowed). */
export function checkContentType(contentType: unknown): PushRejection | undefined {
	const mediaType = typeof contentType === 'string' ? contentType.split(';')[0].trim().toLowerCase() : '';
	if (mediaType === 'application/json') return undefined;
	const got = mediaType === '' ? 'no Content-Type' : `Content-Type "${mediaType.slice(0, 100)}"`;
	return badRequest(`Expected Content-Type application/json, got ${got}`);
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an empty object';
	if (typeof value === 'string') return 'a string';
	return `a ${typeof value}`;
}

/** A session is a JSON object with at least one field; its fields are kept exactly as sent. */
function isSession(value: unknown): value is IDataObject {
	return isPlainObject(value) && Object.keys(value).length > 0;
}

/** The parts of n8n's request the body is read from. */
export interface PushRequestBody {
	/** The bytes as received (n8n keeps them; decompressed when Content-Encoding was gzip or deflate). */
	rawBody?: unknown;
	/** The body as n8n parsed it, used when the raw bytes are not available. */
	body?: unknown;
}

/**
 * The JSON value of the body. The raw bytes are parsed when available (they are what was sent),
 * otherwise n8n's parsed body is used. Only called after the Content-Type check.
 */
export function readJsonBody(request: PushRequestBody): { value: unknown } | PushRejection {
	let text: string | undefined;
	if (Buffer.isBuffer(request.rawBody)) {
		text = request.rawBody.toString('utf8');
	} else if (typeof request.body === 'string') {
		text = request.body;
	} else if (request.body !== undefined && !(isPlainObject(request.body) && Object.keys(request.body).length === 0)) {
		return { value: request.body };
	}
	if (text === undefined || text.replace(/^\uFEFF/, '').trim() === '') {
		return badRequest('The body is empty: send a session object or an array of session objects as JSON');
	}
	try {
		return { value: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown };
	} catch (error) {
		return badRequest(`The body is not valid JSON (${(error as Error).message.slice(0, 200)})`);
	}
}

/**
 * One session object, or an array of them, as a list. An empty array is a valid push with no
 * sessions (the caller answers 200 and starts nothing); anything else gets a 400 naming the problem.
 */
export function toSessions(value: unknown): { sessions: IDataObject[] } | PushRejection {
	if (Array.isArray(value)) {
		const bad = value.findIndex((entry) => !isSession(entry));
		if (bad >= 0) {
			return badRequest(`Element ${bad} of the array is ${describe(value[bad])}, not a session object: send a session object or an array of session objects`);
		}
		return { sessions: value as IDataObject[] };
	}
	if (isSession(value)) return { sessions: [value] };
	return badRequest(`The body is ${describe(value)}: send a session object or an array of session objects`);
}

export function isRejection(value: object): value is PushRejection {
	return 'status' in value;
}

/** The request headers without the subscription key and other credentials, for `_headers`. */
export function safeHeaders(headers: IDataObject): IDataObject {
	const copy: IDataObject = {};
	for (const [name, value] of Object.entries(headers)) {
		if (!SECRET_HEADERS.has(name.toLowerCase())) copy[name] = value;
	}
	return copy;
}

/** Checks a key for the credential test: what can be checked without ChargePilot. */
export function subscriptionKeyProblem(key: unknown): string | undefined {
	if (typeof key !== 'string' || key.trim() === '') return 'The Subscription Key is empty.';
	const trimmed = key.trim();
	if (/[^\x20-\x7e]/.test(trimmed)) {
		return 'The Subscription Key contains a line break, a control character or a non-ASCII character, which cannot be sent in an HTTP header. Paste it again.';
	}
	if (trimmed.length < 16) {
		return `The Subscription Key has only ${trimmed.length} characters. Anyone who guesses it can push data into your workflow: agree a long random key (32 or more characters) with The Mobility House.`;
	}
	return undefined;
}
