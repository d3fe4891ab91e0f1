import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	encodeQuery,
	hasControlCharacter,
	hasLoneSurrogate,
	HEADER_NAME,
	headerValueProblem,
	isFramingHeader,
	isPlainObject,
	pathProblem,
	shorten,
	SIGNATURE_HEADERS,
} from '../../../credentials/chargepilot';
import { parseDateTime } from '../../client/dates';
import { DEFAULT_MAX_EVENTS, MAX_EVENTS_LIMIT, MAX_PAGE_SIZE } from '../../client/paging';

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

/** Headers the credential sets on every request (a user value would be replaced), and those the request itself sets. */
const RESERVED_HEADERS = new Set([...SIGNATURE_HEADERS, 'host', 'content-length']);
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
	if (hasControlCharacter(path)) {
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
	// The credential refuses the same (for every caller); checked here to name the item.
	const problem = pathProblem(pathPart);
	if (problem) {
		throw inputError(node, itemIndex, field, `the path ${problem}`, 'A gateway that decodes the path would send the request to another path. Use the resource path itself, e.g. /sites/abc; encode "/" and "\\" inside a value only in the query.');
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
		if (hasControlCharacter(name) || strings.some(hasControlCharacter)) {
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
		if (hasControlCharacter(name) || hasControlCharacter(value)) {
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
	const names = new Map<string, string>();
	pairs.forEach((pair, position) => {
		const name = typeof pair.name === 'string' ? pair.name.trim() : '';
		if (!HEADER_NAME.test(name)) {
			throw inputError(node, itemIndex, 'Headers', name ? `"${shorten(name)}" is not a valid header name` : `header ${position + 1} has no name`, 'Header names use letters, digits and - _ . only, e.g. X-Request-Id');
		}
		refuseProtoName(node, itemIndex, 'Headers', name, 'header');
		const earlier = names.get(name.toLowerCase());
		if (earlier !== undefined) {
			throw inputError(node, itemIndex, 'Headers', `"${shorten(name)}" is given twice${earlier === name ? '' : ` (also as "${shorten(earlier)}")`}`, 'Header names are case-insensitive: give each header once, with all its value in one row.');
		}
		names.set(name.toLowerCase(), name);
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

/** The longest Search Text ChargePilot accepts. */
export const MAX_SEARCH_TEXT = 100;
/** Sort fields the public guide's examples use; an expression may name another snake_case field. */
export const SORT_FIELDS = ['transaction_id', 'occurrence_time', 'start_time', 'stop_time', 'duration'];

/**
 * A date-time parameter (From, To) as epoch milliseconds. Text without an offset is read in
 * `timeZone` (the workflow's); a date that does not exist is refused, with or without an offset.
 */
export function dateTimeValue(node: INode, itemIndex: number, label: string, raw: unknown, timeZone: string): number {
	if (raw === '' || raw === undefined || raw === null) {
		throw inputError(node, itemIndex, label, 'is empty', `Set ${label} to a date and time, e.g. 2026-01-01T00:00:00Z.`);
	}
	const ms = parseDateTime(raw, timeZone);
	if (ms === undefined) {
		throw inputError(node, itemIndex, label, `${JSON.stringify(raw)} is not a valid date and time`, 'Use ISO 8601, e.g. 2026-01-01T00:00:00Z, or pick a date in the field.');
	}
	return ms;
}

/** What the Options of a charging-events read say, checked: the query and the paging limits. */
export interface EventReadOptions {
	/** search_text, sort_field, sort_order as sent (after from/to). */
	qs: IDataObject;
	sortField: string;
	sortOrder: 'asc' | 'desc';
	pageSize: number;
	/** The Max Events ceiling of Return All. */
	maxEvents: number;
	/** Fail When Incomplete (internal name failOnTruncated). */
	failOnIncomplete: boolean;
}

/** The Options collection of Charging Event → Get Many, checked; nothing is sent when it is wrong. */
export function eventReadOptions(node: INode, itemIndex: number, options: IDataObject): EventReadOptions {
	const qs: IDataObject = {};
	if (options.searchText !== undefined && typeof options.searchText !== 'string') {
		throw inputError(node, itemIndex, 'Search Text', `must be text, got ${typeof options.searchText}`, 'Enter the text to search for.');
	}
	const searchText = typeof options.searchText === 'string' ? options.searchText.trim() : '';
	if (hasControlCharacter(searchText)) {
		throw inputError(node, itemIndex, 'Search Text', 'contains a line break or control character', 'Remove line breaks and tabs from the search text.');
	}
	if (searchText.length > MAX_SEARCH_TEXT) {
		throw inputError(node, itemIndex, 'Search Text', `has ${searchText.length} characters; ChargePilot allows at most ${MAX_SEARCH_TEXT}`, 'Shorten the search text.');
	}
	if (searchText) qs.search_text = searchText;
	let sortField = 'start_time';
	if (options.sortField !== undefined) {
		// The public guide's list of sort fields is not fully known: accept the listed ones and, from
		// an expression, any other field name ChargePilot may document.
		if (typeof options.sortField !== 'string' || !/^[a-z][a-z0-9_]{0,63}$/.test(options.sortField)) {
			throw inputError(node, itemIndex, 'Sort Field', `${JSON.stringify(options.sortField)} is not a field name`, `Choose one of: ${SORT_FIELDS.join(', ')}, or give a snake_case field name.`);
		}
		sortField = options.sortField;
		qs.sort_field = sortField;
	}
	let sortOrder: 'asc' | 'desc' = 'asc';
	if (options.sortOrder !== undefined) {
		if (options.sortOrder !== 'asc' && options.sortOrder !== 'desc') {
			throw inputError(node, itemIndex, 'Sort Order', `"${String(options.sortOrder)}" is not supported`, 'Choose asc or desc.');
		}
		sortOrder = options.sortOrder;
		qs.sort_order = sortOrder;
	}
	const pageSize = options.pageSize === undefined ? MAX_PAGE_SIZE : Number(options.pageSize);
	if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
		throw inputError(node, itemIndex, 'Page Size', `must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${JSON.stringify(options.pageSize)}`, `Set Page Size between 1 and ${MAX_PAGE_SIZE}.`);
	}
	const maxEvents = options.maxEvents === undefined ? DEFAULT_MAX_EVENTS : Number(options.maxEvents);
	if (!Number.isInteger(maxEvents) || maxEvents < 1 || maxEvents > MAX_EVENTS_LIMIT) {
		throw inputError(node, itemIndex, 'Max Events', `must be a whole number from 1 to ${MAX_EVENTS_LIMIT}, got ${JSON.stringify(options.maxEvents)}`, `Set Max Events between 1 and ${MAX_EVENTS_LIMIT}.`);
	}
	return { qs, sortField, sortOrder, pageSize, maxEvents, failOnIncomplete: options.failOnTruncated === true };
}
