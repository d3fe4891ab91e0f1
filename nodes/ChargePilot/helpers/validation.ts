import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

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
/** RFC 9110 token characters: what a header name may contain. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Headers the credential sets on every request; a user value would be replaced anyway. */
const RESERVED_HEADERS = new Set(['x-api-key', 'x-req-timestamp', 'x-signature', 'host', 'content-length']);

/** A path relative to the base URL, e.g. `/sites/abc?x=1`. Returns it with a leading slash. */
export function validatePath(node: INode, itemIndex: number, raw: unknown, field = 'Path'): string {
	if (raw !== undefined && raw !== null && typeof raw !== 'string') {
		throw inputError(node, itemIndex, field, `must be text, got ${Array.isArray(raw) ? 'an array' : typeof raw}`, 'Enter a path relative to the base URL, e.g. /sites');
	}
	if (typeof raw !== 'string' || raw.trim() === '') {
		throw inputError(node, itemIndex, field, 'is empty', 'Enter a path relative to the base URL, e.g. /sites');
	}
	const path = raw.trim();
	if (CONTROL_CHARS.test(path)) {
		throw inputError(node, itemIndex, field, 'contains a line break or another control character', 'Remove line breaks and tabs from the path (an expression may have added them).');
	}
	if (/^[a-z][a-z\d+\-.]*:/i.test(path)) {
		throw inputError(node, itemIndex, field, `"${path}" is an absolute URL`, 'Enter only the part after the base URL, e.g. /sites. The base URL comes from the credential\'s Region or Base URL.');
	}
	if (path.startsWith('//') || path.startsWith('\\') || path.startsWith('/\\')) {
		throw inputError(node, itemIndex, field, `"${path}" starts with "//" and would point at another host`, 'Start the path with a single "/", e.g. /sites');
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

export function isPlainObject(value: unknown): value is IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Query given as JSON: must be an object of names to scalar values or arrays of scalars. */
export function validateQueryObject(node: INode, itemIndex: number, value: unknown, field: string): IDataObject {
	if (value === undefined) return {};
	if (!isPlainObject(value)) {
		throw inputError(node, itemIndex, field, `must be a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`, 'Enter an object such as {"from": "2026-01-01T00:00:00Z", "take": 100}');
	}
	for (const [name, entry] of Object.entries(value)) {
		if (name === '') throw inputError(node, itemIndex, field, 'has a parameter with an empty name', 'Give every query parameter a name.');
		if (CONTROL_CHARS.test(name) || (typeof entry === 'string' && CONTROL_CHARS.test(entry))) {
			throw inputError(node, itemIndex, field, `parameter "${name}" contains a control character`, 'Remove line breaks and tabs from query names and values.');
		}
	}
	return value;
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
			throw inputError(node, itemIndex, field, `parameter "${name}" contains a line break or control character`, 'Remove line breaks and tabs from query names and values.');
		}
		const existing = query[name];
		if (existing === undefined) query[name] = value;
		else query[name] = Array.isArray(existing) ? [...(existing as string[]), value] : [existing as string, value];
	});
	return query;
}

/** Extra headers: valid names, no CR/LF in values, none of the signature headers. */
export function headersFromPairs(node: INode, itemIndex: number, pairs: Array<{ name?: unknown; value?: unknown }>): IDataObject {
	const headers: IDataObject = {};
	pairs.forEach((pair, position) => {
		const name = typeof pair.name === 'string' ? pair.name.trim() : '';
		if (!HEADER_NAME.test(name)) {
			throw inputError(node, itemIndex, 'Headers', name ? `"${name}" is not a valid header name` : `header ${position + 1} has no name`, 'Header names use letters, digits and - _ . only, e.g. X-Request-Id');
		}
		if (RESERVED_HEADERS.has(name.toLowerCase())) {
			throw inputError(node, itemIndex, 'Headers', `"${name}" is set by the node itself`, 'Remove it: the credential adds the signature headers, and Host/Content-Length come from the request.');
		}
		const value = pair.value === undefined || pair.value === null ? '' : String(pair.value);
		if (value.length > 8192) {
			throw inputError(node, itemIndex, 'Headers', `the value of "${name}" is ${value.length} characters long`, 'Header values are limited to 8192 characters.');
		}
		if (/[\r\n\0]/.test(value)) {
			throw inputError(node, itemIndex, 'Headers', `the value of "${name}" contains a line break`, 'Remove line breaks from header values (an expression may have added them).');
		}
		headers[name] = value;
	});
	return headers;
}

/** The Limit parameter: a whole number of at least 1. */
export function limitParameter(node: INode, itemIndex: number, raw: unknown): number {
	const value = typeof raw === 'string' ? Number(raw.trim()) : raw;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
		throw inputError(node, itemIndex, 'Limit', `must be a whole number of at least 1, got ${JSON.stringify(raw)}`, 'Set Limit to 1 or more, or switch on Return All.');
	}
	return value;
}
