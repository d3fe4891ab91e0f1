import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { encodeQuery, hasLoneSurrogate, HEADER_NAME, headerValueProblem, isFramingHeader, isPlainObject, shorten } from '../../../credentials/chargepilot';

/**
 * Input checks that run before anything is sent. Each error names the parameter and the item, and
 * says what to change.
 */

export function inputError(node: INode, itemIndex: number, field: string, problem: string, fix: string): NodeOperationError {
	return new NodeOperationError(node, `${field} (item ${itemIndex}): ${problem}`, {
		itemIndex,
		description: fix,
	});
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
/** Headers the credential sets on every request; a user value would be replaced anyway. */
const RESERVED_HEADERS = new Set(['x-api-key', 'x-req-timestamp', 'x-signature', 'host', 'content-length']);
/** Servers and proxies commonly refuse request lines beyond 8 KB: the limit on the encoded request target. */
export const MAX_TARGET_LENGTH = 8000;

const LONE_SURROGATE_FIX = 'A character was cut in half (a lone UTF-16 surrogate, e.g. half of an emoji), which cannot be sent. Fix the value, or the expression that cut it.';

/** A path relative to the base URL, e.g. `/sites/abc?x=1`. Returns it with a leading slash. */
export function validatePath(node: INode, itemIndex: number, raw: unknown, field = 'Path'): string {
	if (raw !== undefined && raw !== null && typeof raw !== 'string') {
		throw inputError(node, itemIndex, field, `must be text, got ${Array.isArray(raw) ? 'an array' : typeof raw}`, 'Enter a path relative to the base URL, e.g. /sites');
	}
	if (typeof raw !== 'string' || raw.trim() === '') {
		throw inputError(node, itemIndex, field, 'is empty', 'Enter a path relative to the base URL, e.g. /sites');
	}
	const path = raw.trim();
	if (hasLoneSurrogate(path)) {
		throw inputError(node, itemIndex, field, 'contains half of a character (a lone UTF-16 surrogate)', LONE_SURROGATE_FIX);
	}
	if (CONTROL_CHARS.test(path)) {
		throw inputError(node, itemIndex, field, 'contains a line break or another control character', 'Remove line breaks and tabs from the path (an expression may have added them).');
	}
	if (/^[a-z][a-z\d+\-.]*:/i.test(path)) {
		throw inputError(node, itemIndex, field, `"${shorten(path)}" is an absolute URL`, 'Enter only the part after the base URL, e.g. /sites. The base URL comes from the credential\'s Region or Base URL.');
	}
	if (path.startsWith('//') || path.startsWith('\\') || path.startsWith('/\\')) {
		throw inputError(node, itemIndex, field, `"${shorten(path)}" starts with "//" and would point at another host`, 'Start the path with a single "/", e.g. /sites');
	}
	if (path.includes('#')) {
		throw inputError(node, itemIndex, field, 'contains "#"', 'A fragment is never sent to the server. Remove it, or encode "#" as %23 if it belongs to a value.');
	}
	const pathPart = path.split('?')[0];
	if (pathPart.split(/[/\\]/).some((segment) => segment === '.' || segment === '..' || /^%2e(%2e)?$/i.test(segment) || /^\.%2e$|^%2e\.$/i.test(segment))) {
		throw inputError(node, itemIndex, field, 'contains a "." or ".." segment', 'Use the resource path itself, e.g. /sites/abc, without dot segments.');
	}
	return path.startsWith('/') ? path : `/${path}`;
}

/** Whether any string in a value (nested in arrays and objects) holds a lone surrogate. */
function containsLoneSurrogate(value: unknown, depth = 0): boolean {
	if (typeof value === 'string') return hasLoneSurrogate(value);
	if (depth > 20 || value === null || typeof value !== 'object') return false;
	return Object.entries(value).some(([key, entry]) => hasLoneSurrogate(key) || containsLoneSurrogate(entry, depth + 1));
}

/** Parses a JSON parameter that may already be an object (expressions) or a JSON string. */
export function parseJson(node: INode, itemIndex: number, raw: unknown, field: string): unknown {
	if (typeof raw !== 'string') return raw;
	const text = raw.trim();
	if (text === '') return undefined;
	try {
		return JSON.parse(text);
	} catch (error) {
		throw inputError(node, itemIndex, field, `is not valid JSON (${(error as Error).message})`, 'Fix the JSON, e.g. {"name": "value"}. Strings need double quotes.');
	}
}

/**
 * "__proto__" cannot be a key of the plain objects the query and headers travel in (assigning it
 * changes the object's prototype instead; n8n's HTTP layer copies them the same way), so it would be
 * lost on the way. Refused, naming the field, instead of silently dropped.
 */
function refuseProtoName(node: INode, itemIndex: number, field: string, name: string, what: string): void {
	if (name === '__proto__') {
		throw inputError(node, itemIndex, field, `${what} "__proto__" cannot be sent`, `Rename the ${what}: JavaScript objects cannot carry the name "__proto__".`);
	}
}

/** Query given as JSON: must be an object of names to scalar values or arrays of scalars. */
export function validateQueryObject(node: INode, itemIndex: number, value: unknown, field: string): IDataObject {
	if (value === undefined) return {};
	if (!isPlainObject(value)) {
		throw inputError(node, itemIndex, field, `must be a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`, 'Enter an object such as {"from": "2026-01-01T00:00:00Z", "take": 100}');
	}
	for (const [name, entry] of Object.entries(value)) {
		if (name === '') throw inputError(node, itemIndex, field, 'has a parameter with an empty name', 'Give every query parameter a name.');
		refuseProtoName(node, itemIndex, field, name, 'parameter');
		const strings = (Array.isArray(entry) ? entry : [entry]).filter((part): part is string => typeof part === 'string');
		if (CONTROL_CHARS.test(name) || strings.some((part) => CONTROL_CHARS.test(part))) {
			throw inputError(node, itemIndex, field, `parameter "${shorten(name)}" contains a control character`, 'Remove line breaks and tabs from query names and values.');
		}
		if (hasLoneSurrogate(name) || containsLoneSurrogate(entry)) {
			throw inputError(node, itemIndex, field, `parameter "${shorten(name)}" contains half of a character (a lone UTF-16 surrogate)`, LONE_SURROGATE_FIX);
		}
	}
	return value as IDataObject;
}

/** Name/value pairs to a query object; repeated names become arrays (sent as repeated keys). */
export function queryFromPairs(node: INode, itemIndex: number, pairs: Array<{ name?: unknown; value?: unknown }>, field: string): IDataObject {
	const query: IDataObject = {};
	pairs.forEach((pair, position) => {
		const name = typeof pair.name === 'string' ? pair.name.trim() : '';
		if (!name) {
			throw inputError(node, itemIndex, field, `parameter ${position + 1} has no name`, 'Give every query parameter a name, or remove the empty row.');
		}
		const value = pair.value === undefined || pair.value === null ? '' : String(pair.value);
		if (CONTROL_CHARS.test(name) || CONTROL_CHARS.test(value)) {
			throw inputError(node, itemIndex, field, `parameter "${shorten(name)}" contains a line break or control character`, 'Remove line breaks and tabs from query names and values.');
		}
		if (hasLoneSurrogate(name) || hasLoneSurrogate(value)) {
			throw inputError(node, itemIndex, field, `parameter "${shorten(name)}" contains half of a character (a lone UTF-16 surrogate)`, LONE_SURROGATE_FIX);
		}
		refuseProtoName(node, itemIndex, field, name, 'parameter');
		// Own names only: "constructor" or "toString" are parameters like any other.
		const existing = Object.prototype.hasOwnProperty.call(query, name) ? query[name] : undefined;
		if (existing === undefined) query[name] = value;
		else query[name] = Array.isArray(existing) ? [...(existing as string[]), value] : [existing as string, value];
	});
	return query;
}

/**
 * Extra headers: valid names, none of the signature, framing or hop-by-hop headers, values that go
 * out exactly as given (no control characters, nothing beyond Latin-1). The credential enforces
 * the same rules for every caller; checking here names the item and sends nothing for it.
 */
export function headersFromPairs(node: INode, itemIndex: number, pairs: Array<{ name?: unknown; value?: unknown }>): IDataObject {
	const headers: IDataObject = {};
	pairs.forEach((pair, position) => {
		const name = typeof pair.name === 'string' ? pair.name.trim() : '';
		if (!HEADER_NAME.test(name)) {
			throw inputError(node, itemIndex, 'Headers', name ? `"${shorten(name)}" is not a valid header name` : `header ${position + 1} has no name`, 'Header names use letters, digits and - _ . only, e.g. X-Request-Id');
		}
		refuseProtoName(node, itemIndex, 'Headers', name, 'header');
		if (RESERVED_HEADERS.has(name.toLowerCase())) {
			throw inputError(node, itemIndex, 'Headers', `"${name}" is set by the node itself`, 'Remove it: the credential adds the signature headers, and Host/Content-Length come from the request.');
		}
		if (isFramingHeader(name)) {
			throw inputError(node, itemIndex, 'Headers', `"${name}" controls how the request is framed or forwarded`, 'Remove it: Transfer-Encoding, Connection, TE, Upgrade, Trailer, Keep-Alive and Proxy-* headers are set by the HTTP client, never by the workflow.');
		}
		const value = pair.value === undefined || pair.value === null ? '' : String(pair.value);
		if (value.length > 8192) {
			throw inputError(node, itemIndex, 'Headers', `the value of "${name}" is ${value.length} characters long`, 'Header values are limited to 8192 characters.');
		}
		const problem = headerValueProblem(value);
		if (problem) {
			throw inputError(node, itemIndex, 'Headers', `the value of "${name}" ${problem}`, 'Header values are sent byte for byte: remove line breaks and control characters (an expression may have added them), and send text beyond Latin-1 in the body instead.');
		}
		headers[name] = value;
	});
	return headers;
}

/**
 * The length of the request target (path and query) as it goes on the wire: non-ASCII characters
 * count as their percent-encoded UTF-8 bytes ("€" is 9 characters), as the URL parser writes them.
 */
export function encodedTargetLength(path: string, qs: IDataObject): number {
	const url = new URL(`http://target${path.startsWith('/') ? '' : '/'}${path}`);
	const extra = encodeQuery(qs);
	return url.pathname.length + url.search.length + (extra ? extra.length + 1 : 0);
}

/** Refuses a path and query whose request target would be over MAX_TARGET_LENGTH once encoded. */
export function checkTargetLength(node: INode, itemIndex: number, path: string, qs: IDataObject): void {
	const length = encodedTargetLength(path, qs);
	if (length > MAX_TARGET_LENGTH) {
		throw inputError(node, itemIndex, 'Query Parameters', `path and query are ${length} characters once encoded; at most ${MAX_TARGET_LENGTH} are sent`, 'Shorten the values, or send fewer parameters per request. Non-ASCII characters count as their encoded bytes (e.g. "€" is 9 characters).');
	}
}

/** The Limit parameter: a whole number of at least 1. */
export function limitParameter(node: INode, itemIndex: number, raw: unknown): number {
	const value = typeof raw === 'string' ? Number(raw.trim()) : raw;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
		const got = typeof raw === 'number' ? String(raw) : JSON.stringify(raw);
		throw inputError(node, itemIndex, 'Limit', `must be a whole number of at least 1, got ${got}`, 'Set Limit to 1 or more, or switch on Return All.');
	}
	return value;
}
