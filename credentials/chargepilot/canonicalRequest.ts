import { ChargePilotCredentialError } from './errors';
import { hasLoneSurrogate, isPlainObject, shorten } from './values';

/**
 * Turns whatever request shape n8n hands to `authenticate` into the exact bytes that go on the
 * wire, so that what we sign is what the server receives (docs: n8n-internals.md §2):
 * - one absolute URL, the query folded in by our own encoder (no `qs`/`baseURL` left for axios);
 * - the body serialised once to a Buffer (no re-stringify, trim or form default by axios).
 */

const METHODS_WITHOUT_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);

const ABSOLUTE_URL = /^[a-z][a-z\d+\-.]*:\/\//i;

/** Joins base and path the way axios does: an absolute URL wins, otherwise one slash between. */
export function joinUrl(base: string | undefined, url: string): string {
	if (ABSOLUTE_URL.test(url) || !base) return url;
	if (!url) return base;
	return `${base.replace(/\/?\/$/, '')}/${url.replace(/^\/+/, '')}`;
}

function encodeText(text: string, key: string): string {
	if (hasLoneSurrogate(text)) {
		throw new ChargePilotCredentialError(
			'qs',
			`Query parameter "${shorten(key)}" contains a lone UTF-16 surrogate (half of an emoji or similar), which has no URL encoding. Fix the value (an expression may have cut a character in half).`,
		);
	}
	return encodeURIComponent(text);
}

function encodePair(key: string, value: unknown, out: string[]): void {
	if (value === undefined) return;
	if (Array.isArray(value)) {
		for (const element of value) encodePair(key, element, out);
		return;
	}
	if (value instanceof Date) {
		out.push(`${encodeText(key, key)}=${encodeText(value.toISOString(), key)}`);
		return;
	}
	if (value !== null && typeof value === 'object') {
		for (const [subKey, subValue] of Object.entries(value as Record<string, unknown>)) {
			encodePair(`${key}[${subKey}]`, subValue, out);
		}
		return;
	}
	const text = value === null ? '' : String(value);
	out.push(`${encodeText(key, key)}=${encodeText(text, key)}`);
}

/**
 * Our query encoder: RFC 3986 percent-encoding of every key and value (`:` `/` `+` `&` space and
 * non-ASCII are escaped), insertion order kept, arrays as repeated keys, nested objects in bracket
 * form, `null` as an empty value, `undefined` dropped.
 */
export function encodeQuery(qs: unknown): string {
	if (qs === undefined || qs === null) return '';
	if (qs instanceof URLSearchParams) return qs.toString();
	if (typeof qs === 'string') return qs.replace(/^\?/, '');
	if (typeof qs !== 'object') {
		throw new ChargePilotCredentialError('qs', 'Query parameters must be an object of names and values');
	}
	const out: string[] = [];
	for (const [key, value] of Object.entries(qs as Record<string, unknown>)) encodePair(key, value, out);
	return out.join('&');
}

/** Percent-escapes decoded to the characters they stand for (Latin-1 for bytes above 0x7f). */
function percentDecoded(text: string): string {
	return text.replace(/%([0-9a-f]{2})/gi, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** A dot segment as servers read it: "." or "..", also with a ";parameter" (Tomcat's "..;"). */
const DOT_SEGMENT = /^\.\.?(?:;.*)?$/;

/**
 * What is wrong with a request path, or undefined. A path whose percent-decoded form (decoded up to
 * three times, as a chain of gateways may) holds a dot segment or a backslash is refused: a gateway
 * that decodes before it resolves dot segments (nginx does) would route "/..%2f..%2fadmin" or
 * "/sites/%2e%2e%2fadmin" to "/admin", with the key and a valid signature. A URL parser only
 * resolves the plain forms, so these survive it.
 */
export function pathProblem(path: string): string | undefined {
	let decoded = path;
	for (let round = 0; round < 4; round++) {
		if (decoded.includes('\\')) return round ? 'holds an encoded backslash ("%5c")' : 'holds a backslash';
		if (decoded.split('/').some((segment) => DOT_SEGMENT.test(segment))) {
			return round ? 'holds an encoded "." or ".." segment (e.g. "%2e%2e%2f")' : 'holds a "." or ".." segment';
		}
		const next = percentDecoded(decoded);
		if (next === decoded) return undefined;
		decoded = next;
	}
	return 'is percent-encoded more than three times over';
}

/** Parses the absolute URL and appends the encoded query; the hash never goes on the wire. */
export function buildUrl(absoluteUrl: string, qs: unknown): URL {
	if (!URL.canParse(absoluteUrl)) {
		throw new ChargePilotCredentialError('url', `Cannot sign a request to an invalid URL: "${shorten(absoluteUrl)}"`);
	}
	if (hasLoneSurrogate(absoluteUrl) || (typeof qs === 'string' && hasLoneSurrogate(qs))) {
		// The URL parser would silently replace it with U+FFFD: what is signed would not be what was meant.
		throw new ChargePilotCredentialError('url', 'The URL contains a lone UTF-16 surrogate (half of an emoji or similar), which has no URL encoding. Fix the path or query.');
	}
	const url = new URL(absoluteUrl);
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new ChargePilotCredentialError('url', `Cannot sign a request to a non-HTTP URL: "${url.protocol}"`);
	}
	const extra = encodeQuery(qs);
	if (extra) url.search = url.search.length > 1 ? `${url.search}&${extra}` : `?${extra}`;
	url.hash = '';
	return url;
}

/** The parts of an absolute URL that signing needs (a WHATWG `URL` has them all). */
export interface UrlParts {
	href: string;
	origin: string;
	pathname: string;
	search: string;
}

/**
 * Characters a WHATWG URL keeps as they are in an http(s) path: unreserved, sub-delims, ":", "@"
 * and "/". No "%" (escapes), "." (dot segments), "\\", "?", "#", spaces or non-ASCII: paths with
 * those take the full parser.
 */
const VERBATIM_PATH = /^[A-Za-z0-9\-_~!$&()*+,;=:@/]+$/;
/**
 * Characters a URL's search setter keeps as they are (our encoder emits only these, plus "'" which
 * the setter turns into %27; a query given as a string may hold anything).
 */
const VERBATIM_SEARCH = /^[A-Za-z0-9\-_.!~*()%=&+,;:@/$[\]]*$/;

/**
 * `buildUrl(joinUrl(base.href, path), qs)` without the URL parser, for the common case of a plain
 * relative path (what the node sends): the same string a WHATWG URL would give, or undefined when
 * the path or query holds anything the parser might change, so the caller takes the full route.
 * test/unit/canonicalRequest.test.ts checks it against the parser over random paths and queries.
 */
export function fastUrl(base: UrlParts, path: string, qs: unknown): UrlParts | undefined {
	if (!VERBATIM_PATH.test(path) || ABSOLUTE_URL.test(path)) return undefined;
	const query = encodeQuery(qs);
	if (!VERBATIM_SEARCH.test(query)) return undefined;
	const basePath = base.pathname === '/' ? '' : base.pathname.replace(/\/$/, '');
	const pathname = `${basePath}/${path.replace(/^\/+/, '')}`;
	const search = query ? `?${query}` : '';
	return { href: `${base.origin}${pathname}${search}`, origin: base.origin, pathname, search };
}

export interface SerializedBody {
	/** The bytes that go on the wire, and that are signed; undefined when no body is sent. */
	buffer: Buffer | undefined;
	/** Content-Type implied by the body kind, used when the request sets none. */
	contentType?: string;
}

const NO_BODY: SerializedBody = { buffer: undefined };

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

function looksLikeStreamOrForm(value: object): boolean {
	const candidate = value as { pipe?: unknown; getBoundary?: unknown; append?: unknown; entries?: unknown };
	return (
		typeof candidate.pipe === 'function' ||
		typeof candidate.getBoundary === 'function' ||
		(typeof FormData !== 'undefined' && value instanceof FormData)
	);
}

function fromBuffer(buffer: Buffer, contentType?: string): SerializedBody {
	if (buffer.length === 0) return NO_BODY;
	return { buffer, contentType };
}

/** The media type of a Content-Type value, lower case, without parameters. */
export function mediaType(contentType: unknown): string {
	return typeof contentType === 'string' ? contentType.split(';')[0].trim().toLowerCase() : '';
}

const CANNOT_SIGN_FORMS =
	'ChargePilot signs the exact body bytes, so multipart, form-data and stream bodies cannot be signed. Send a JSON body instead.';

/**
 * Serialises the body once: objects and arrays to compact JSON (or, when the request's Content-Type
 * is application/x-www-form-urlencoded, to a URL-encoded form), strings and Buffers as given,
 * URL-encoded forms as text; nothing for GET/HEAD/OPTIONS, an empty string or an empty object.
 */
export function serializeBody(method: string, body: unknown, form?: unknown, contentType?: unknown): SerializedBody {
	if (mediaType(contentType).startsWith('multipart/')) throw new ChargePilotCredentialError('body', CANNOT_SIGN_FORMS);
	if (METHODS_WITHOUT_BODY.has(method)) return NO_BODY;
	if (form !== undefined && form !== null && (body === undefined || body === null || body === '')) {
		const text = typeof form === 'string' ? form : encodeQuery(form);
		return fromBuffer(Buffer.from(text, 'utf8'), FORM_CONTENT_TYPE);
	}
	if (body === undefined || body === null || body === '') return NO_BODY;
	if (Buffer.isBuffer(body)) return fromBuffer(body);
	if (body instanceof Uint8Array) return fromBuffer(Buffer.from(body));
	if (typeof body === 'string') return fromBuffer(Buffer.from(body, 'utf8'));
	if (body instanceof URLSearchParams) {
		return fromBuffer(Buffer.from(body.toString(), 'utf8'), FORM_CONTENT_TYPE);
	}
	if (typeof body === 'object' && !Array.isArray(body) && !isPlainObject(body) && looksLikeStreamOrForm(body)) {
		throw new ChargePilotCredentialError('body', CANNOT_SIGN_FORMS);
	}
	if (isPlainObject(body) && Object.keys(body).length === 0) return NO_BODY;
	if (isPlainObject(body) && mediaType(contentType) === FORM_CONTENT_TYPE) {
		return fromBuffer(Buffer.from(encodeQuery(body), 'utf8'), FORM_CONTENT_TYPE);
	}
	return fromBuffer(Buffer.from(JSON.stringify(body), 'utf8'), 'application/json');
}

/** The first header name given twice (case-insensitively), with its other spelling; or undefined. */
export function repeatedHeader(headers: Record<string, unknown>): [string, string] | undefined {
	const names = new Map<string, string>();
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined) continue;
		const lower = name.toLowerCase();
		const earlier = names.get(lower);
		if (earlier !== undefined) return [earlier, name];
		names.set(lower, name);
	}
	return undefined;
}

/** Finds a header name case-insensitively. */
export function findHeader(headers: Record<string, unknown>, name: string): string | undefined {
	const lower = name.toLowerCase();
	return Object.keys(headers).find((key) => key.toLowerCase() === lower);
}

/** Returns a copy of the headers without the given names (matched case-insensitively). */
export function withoutHeaders(headers: Record<string, unknown>, names: string[]): Record<string, unknown> {
	const drop = new Set(names.map((name) => name.toLowerCase()));
	const copy: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(headers)) {
		if (!drop.has(key.toLowerCase())) copy[key] = value;
	}
	return copy;
}
