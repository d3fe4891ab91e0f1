/**
 * The credential's `authenticate`, which n8n calls for every request made with the ChargePilot API
 * credential (the ChargePilot nodes, the credential's Test button, n8n's HTTP Request node): it
 * resolves and checks the base URL, refuses requests whose key or signature could reach anyone but
 * the base URL's host (destination.ts, headers.ts, decoded paths), fixes the exact URL and body bytes
 * (canonicalRequest.ts), chooses the signed path's form (signedPathAuto.ts) and signs them
 * (signature.ts). Idempotent: n8n calls it again on its own output after a 401.
 */
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import {
	buildUrl,
	fastUrl,
	findHeader,
	FORM_CONTENT_TYPE,
	joinUrl,
	mediaType,
	pathProblem,
	repeatedHeader,
	serializeBody,
	withoutHeaders,
	type UrlParts,
} from './canonicalRequest';
import {
	HEADER_API_KEY,
	HEADER_SIGNATURE,
	HEADER_TIMESTAMP,
	REGION_BASE_URLS,
	SIGNATURE_HEADERS,
	type SignedPathMode,
	type SignedPathVariant,
} from './constants';
import { checkDestination } from './destination';
import { ChargePilotCredentialError } from './errors';
import { checkRequestHeaders } from './headers';
import { hashSecret, signWithHashedSecret } from './signature';
import { chooseVariant, memoryKey, recordSigning, signingRecord } from './signedPathAuto';
import { hasControlCharacter, shorten } from './values';

/** What n8n may hand to `authenticate`: the current shape, or the legacy one with `uri`. */
type AnyRequestOptions = IHttpRequestOptions & {
	uri?: string;
	rejectUnauthorized?: boolean;
	form?: unknown;
	formData?: unknown;
	qsStringifyOptions?: unknown;
	useQuerystring?: boolean;
	followRedirect?: boolean;
	followAllRedirects?: boolean;
};

/** Resolves the credential's base URL and checks it: http(s), absolute, no query or fragment. */
export function resolveBaseUrl(credentials: ICredentialDataDecryptedObject): URL {
	const region = String(credentials.region ?? 'eu');
	let raw: string;
	if (region === 'custom') {
		raw = String(credentials.baseUrl ?? '').trim();
		if (!raw) {
			throw new ChargePilotCredentialError(
				'baseUrl',
				'The ChargePilot credential uses Region "Custom" but its Base URL is empty. Enter a URL such as http://127.0.0.1:8787/rest/v1',
			);
		}
	} else if (Object.prototype.hasOwnProperty.call(REGION_BASE_URLS, region)) {
		raw = REGION_BASE_URLS[region as keyof typeof REGION_BASE_URLS];
	} else {
		throw new ChargePilotCredentialError('region', `Unknown Region "${region}" in the ChargePilot credential: choose US, EU or Custom`);
	}
	// Checked on the text, before the URL parser: it drops a bare "?" or "#" and turns "\\" into "/",
	// and requests would then go to another path than the one the user sees.
	if (/\s/.test(raw) || hasControlCharacter(raw)) {
		throw new ChargePilotCredentialError('baseUrl', "The ChargePilot credential's Base URL contains a space, line break or control character: enter it without them");
	}
	if (/[?#\\]/.test(raw)) {
		throw new ChargePilotCredentialError(
			'baseUrl',
			`The ChargePilot credential's Base URL must not contain "?", "#" or "\\" (got "${shorten(raw)}"): enter only the address up to /rest/v1, e.g. https://chargepilot-api.tmh.energy/rest/v1`,
		);
	}
	if (!URL.canParse(raw)) {
		throw new ChargePilotCredentialError('baseUrl', `The ChargePilot credential's Base URL "${shorten(raw)}" is not a valid URL`);
	}
	const url = new URL(raw);
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new ChargePilotCredentialError(
			'baseUrl',
			`The ChargePilot credential's Base URL must start with http:// or https:// (got "${url.protocol}")`,
		);
	}
	if (url.username || url.password || url.search || url.hash) {
		throw new ChargePilotCredentialError(
			'baseUrl',
			"The ChargePilot credential's Base URL must not contain a user name, password, query or fragment",
		);
	}
	url.pathname = url.pathname.replace(/\/+$/, '');
	return url;
}

function requiredText(credentials: ICredentialDataDecryptedObject, field: string, label: string): string {
	const value = credentials[field];
	if (typeof value !== 'string' || value.trim() === '') {
		throw new ChargePilotCredentialError(field, `The ChargePilot credential's ${label} is empty: paste the ${label} The Mobility House issued`);
	}
	if (/[\r\n]/.test(value)) {
		throw new ChargePilotCredentialError(field, `The ChargePilot credential's ${label} contains a line break: paste it again without one`);
	}
	return value;
}

/**
 * The base URL of a credential, checked, as plain parts; remembered per Region/Base URL pair, so a
 * run of many requests parses it once. Errors are not remembered.
 */
interface BaseUrlParts extends UrlParts {
	protocol: string;
	hostname: string;
	host: string;
}

const baseUrls = new Map<string, Readonly<BaseUrlParts>>();

function baseUrlParts(credentials: ICredentialDataDecryptedObject): Readonly<BaseUrlParts> {
	const key = `${String(credentials.region ?? 'eu')}\u0000${String(credentials.baseUrl ?? '')}`;
	let parts = baseUrls.get(key);
	if (!parts) {
		const url = resolveBaseUrl(credentials);
		parts = Object.freeze({
			href: url.href,
			origin: url.origin,
			pathname: url.pathname,
			search: '',
			protocol: url.protocol,
			hostname: url.hostname,
			host: url.host,
		});
		if (baseUrls.size >= 32) baseUrls.clear();
		baseUrls.set(key, parts);
	}
	return parts;
}

/** The path that gets signed: from the host (`full`) or below the base URL's path (`relative`). */
export function signedPathFor(url: Pick<UrlParts, 'pathname' | 'search'>, base: Pick<UrlParts, 'pathname'>, variant: SignedPathVariant): string {
	const full = url.pathname + url.search;
	if (variant !== 'relative') return full;
	const basePath = base.pathname.replace(/\/+$/, '');
	if (!basePath) return full;
	if (url.pathname === basePath) return `/${url.search}`;
	if (url.pathname.startsWith(`${basePath}/`)) return url.pathname.slice(basePath.length) + url.search;
	return full;
}

/** The credential's Signed Path setting; Auto when it is missing (the default since 0.2.0). */
export function signedPathMode(credentials: ICredentialDataDecryptedObject): SignedPathMode {
	const mode = credentials.signedPath;
	return mode === 'full' || mode === 'relative' ? mode : 'auto';
}

/** Options that `signRequestOptions` folds into the URL or body, so the copy it returns drops them. */
const FOLDED_LEGACY_OPTIONS = new Set(['qs', 'arrayFormat', 'form', 'qsStringifyOptions', 'useQuerystring']);
const FOLDED_OPTIONS = new Set([...FOLDED_LEGACY_OPTIONS, 'baseURL']);

let lastSecret: string | undefined;
let lastHashedSecret = '';

/** One entry is enough: a run signs many requests with the same credential. */
function hashedSecretOf(secret: string): string {
	if (secret !== lastSecret) {
		lastHashedSecret = hashSecret(secret);
		lastSecret = secret;
	}
	return lastHashedSecret;
}

/** The caller's own abort signal behind each signal this function made, for the 401 re-run. */
const callerSignals = new WeakMap<object, unknown>();

/**
 * `timeout` bounds the whole request, not only idle time (n8n's HTTP client only aborts when no
 * byte arrives for that long, so an answer trickling in would never end): the request is aborted
 * on the wire once `timeout` ms have passed, or when the caller's own signal (n8n's execution
 * cancel) fires. Only n8n's current request path honours an abort signal; the legacy one has none.
 */
function deadlineSignal(incoming: AnyRequestOptions, output: object): AbortSignal | undefined {
	const timeout = incoming.timeout;
	if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) return undefined;
	const caller = callerSignals.has(incoming) ? callerSignals.get(incoming) : incoming.abortSignal;
	const deadline = AbortSignal.timeout(Math.min(Math.ceil(timeout), 2_147_483_647));
	callerSignals.set(output, caller);
	if (!caller || typeof (caller as AbortSignal).addEventListener !== 'function') return deadline;
	try {
		return AbortSignal.any([caller as AbortSignal, deadline]);
	} catch {
		// A signal from another realm (e.g. a test sandbox): keep the caller's, which n8n also honours.
		return caller as AbortSignal;
	}
}

/**
 * The body as it is handed to n8n's HTTP layer: a Buffer, which axios sends untouched, except for
 * URL-encoded forms. n8n rebuilds those from the body it is given (a Buffer would become
 * "0=97&1=61…" on the legacy path and a TypeError on the other), but sends a string form as is; so
 * a form goes as the string of exactly the signed bytes, and one that is not valid UTF-8 is refused.
 */
function wireBody(buffer: Buffer | undefined, headers: Record<string, unknown>): Buffer | string | undefined {
	if (!buffer) return undefined;
	const contentType = findHeader(headers, 'content-type');
	if (contentType === undefined || mediaType(headers[contentType]) !== FORM_CONTENT_TYPE) return buffer;
	const text = buffer.toString('utf8');
	if (!Buffer.from(text, 'utf8').equals(buffer)) {
		throw new ChargePilotCredentialError('body', 'This URL-encoded form body is not valid UTF-8, so it cannot be sent exactly as signed. Send it as UTF-8, or as JSON.');
	}
	return text;
}

/**
 * The credential's `authenticate`: fixes the exact URL and body bytes, then signs them.
 * Keeps every other option, and is idempotent: n8n calls it again on its own output after a 401.
 */
export function signRequestOptions(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
	nowMs: number = Date.now(),
): IHttpRequestOptions {
	const apiKey = requiredText(credentials, 'apiKey', 'API Key');
	const apiSecret = requiredText(credentials, 'apiSecret', 'API Secret');
	const base = baseUrlParts(credentials);

	const incoming = requestOptions as AnyRequestOptions;
	const legacy = typeof incoming.uri === 'string' && !incoming.url;
	// A copy without what this function folds into the URL and body (copied key by key: deleting
	// keys from a copy makes every later access to it slow).
	const source = incoming as unknown as Record<string, unknown>;
	const copy: Record<string, unknown> = {};
	const drop = legacy ? FOLDED_LEGACY_OPTIONS : FOLDED_OPTIONS;
	for (const key of Object.keys(source)) {
		if (!drop.has(key)) copy[key] = source[key];
	}
	const options = copy as unknown as AnyRequestOptions;
	const method = String(incoming.method ?? 'GET').toUpperCase();

	if (incoming.formData !== undefined && incoming.formData !== null) {
		throw new ChargePilotCredentialError(
			'body',
			'ChargePilot signs the exact body bytes, so multipart form-data bodies cannot be signed. Send a JSON body instead.',
		);
	}

	const path = String(incoming.url ?? '');
	const url: UrlParts =
		(!legacy && incoming.baseURL === undefined && fastUrl(base, path, incoming.qs)) ||
		buildUrl(legacy ? (incoming.uri as string) : joinUrl(incoming.baseURL ?? base.href, path), incoming.qs);
	if (url.origin !== base.origin) {
		throw new ChargePilotCredentialError(
			'url',
			`The ChargePilot credential only signs requests to ${base.origin}; this request goes to ${shorten(url.origin)}. Use a path relative to the base URL, or change the credential's Region/Base URL.`,
		);
	}

	const problem = pathProblem(url.pathname);
	if (problem) {
		throw new ChargePilotCredentialError(
			'url',
			`The ChargePilot credential does not sign a request whose path ${problem}: a gateway that decodes the path would send it, with the API key and a valid signature, to another path than ${shorten(url.pathname)}. Use the resource path itself, e.g. /sites/{id}.`,
		);
	}

	// Every header name once: "Host" and "host" (or "X-Signature" and "x-signature") would be sent
	// both, and the second could take effect where the first was checked.
	const given = (incoming.headers ?? {}) as Record<string, unknown>;
	const repeated = repeatedHeader(given);
	if (repeated) {
		throw new ChargePilotCredentialError('headers', `The request names the header "${shorten(repeated[0])}" twice ("${shorten(repeated[0])}" and "${shorten(repeated[1])}"): header names are case-insensitive, so only one may be given. Remove one of them.`);
	}
	let headers = withoutHeaders(given, SIGNATURE_HEADERS);
	const hostHeader = findHeader(headers, 'host');
	checkDestination(base, incoming, hostHeader === undefined ? undefined : headers[hostHeader]);

	const contentTypeHeader = findHeader(headers, 'content-type');
	const body = serializeBody(method, incoming.body, incoming.form, contentTypeHeader === undefined ? undefined : headers[contentTypeHeader]);
	headers = checkRequestHeaders(headers, body.buffer?.length ?? 0);
	if (body.buffer && !contentTypeHeader) {
		headers['Content-Type'] = body.contentType ?? 'application/json';
	}
	if (!body.buffer && contentTypeHeader) {
		// No body is sent, so a Content-Type would only describe nothing.
		headers = withoutHeaders(headers, [contentTypeHeader]);
	}

	const timestamp = String(Math.floor(nowMs / 1000));
	// A re-run after a 401 gets either what this function returned (n8n's retry) or what it received
	// before (the ChargePilot node sends the same options again): either way it is on record.
	const hashedSecret = hashedSecretOf(apiSecret);
	const { variant, record } = chooseVariant(signedPathMode(credentials), () => memoryKey(base.href, apiKey, hashedSecret), signingRecord(incoming));
	const signedPath = signedPathFor(url, base, variant);
	const signature = signWithHashedSecret(hashedSecret, method, signedPath, timestamp, body.buffer ?? '');
	headers[HEADER_API_KEY] = apiKey;
	headers[HEADER_TIMESTAMP] = timestamp;
	headers[HEADER_SIGNATURE] = signature;

	const signal = deadlineSignal(incoming, options);
	if (signal) options.abortSignal = signal;
	options.method = method as IHttpRequestOptions['method'];
	options.headers = headers as IDataObject;
	options.body = wireBody(body.buffer, headers);
	// A redirect would carry the signed headers elsewhere, and the signature would not match there.
	options.disableFollowRedirect = true;
	options.sendCredentialsOnCrossOriginRedirect = false;
	if (legacy) {
		options.uri = url.href;
		options.followRedirect = false;
		options.followAllRedirects = false;
	} else {
		options.url = url.href;
	}
	recordSigning([incoming, options], record);
	return options;
}
