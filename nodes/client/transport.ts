/**
 * One ChargePilot call, the way every node of this package makes it: through n8n's
 * `httpRequestWithAuthentication` with the ChargePilot credential (which signs every attempt
 * afresh), within one Timeout per attempt (Signed Path Auto's second form included), reading the
 * answer as a stream with a ceiling on its size (answer.ts), retrying what is safe to retry
 * (retry.ts), and turning failures into the node's errors (errors.ts).
 */
import type {
	IAdditionalCredentialOptions,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { afterAnswer, CREDENTIAL_TYPE, signingRecord, type SigningRecord } from '../../credentials/chargepilot';

import { decodeAnswer, DEFAULT_MAX_ANSWER_BYTES, isStream, readAnswer } from './answer';
import { apiErrorFromResponse, errorCodeOf, transportError, type HttpResponse } from './errors';
import { DEFAULT_RETRY, parseRetryAfter, retryDelayMs, shouldRetry, type RetrySettings } from './retry';

export type ApiContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export const DEFAULT_TIMEOUT_MS = 60_000;

/** How one request is sent: its time limit per attempt, its retry policy and the largest answer it reads. */
export interface RequestSettings {
	timeoutMs: number;
	retry: RetrySettings;
	/** The most bytes one answer may have (default DEFAULT_MAX_ANSWER_BYTES). */
	maxAnswerBytes?: number;
}

export const DEFAULT_SETTINGS: RequestSettings = { timeoutMs: DEFAULT_TIMEOUT_MS, retry: DEFAULT_RETRY, maxAnswerBytes: DEFAULT_MAX_ANSWER_BYTES };

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Relative to the credential's base URL, e.g. `/sites`; may carry its own query string. */
	path: string;
	qs?: IDataObject;
	body?: unknown;
	headers?: IDataObject;
	/** Timeout and retries (default: DEFAULT_SETTINGS). */
	settings?: RequestSettings;
	itemIndex?: number;
}

export interface ApiResponse extends HttpResponse {
	attempts: number;
	/** Wall time of the successful attempt. */
	latencyMs: number;
}

/** A JSON answer whose body n8n could not parse arrives as a string (when n8n decoded it itself). */
function isMalformedJson(response: HttpResponse): boolean {
	const contentType = String(response.headers['content-type'] ?? '');
	if (!/json/i.test(contentType) || typeof response.body !== 'string' || response.body.trim() === '') return false;
	try {
		JSON.parse(response.body);
		return false;
	} catch {
		return true;
	}
}

/**
 * The credential, decrypted once per node run (n8n's `httpRequestWithAuthentication` would load and
 * decrypt it from the database again for every request, which costs more than the request itself
 * on a local network). Keyed by the run's context object, so nothing outlives the run; a failed
 * load is not kept, so the next request asks n8n again (and gets n8n's own error).
 */
const runCredentials = new WeakMap<object, Promise<IAdditionalCredentialOptions>>();

function credentialOptionsFor(context: ApiContext): Promise<IAdditionalCredentialOptions> {
	let cached = runCredentials.get(context);
	if (!cached) {
		cached = (async () => {
			const data = (await context.getCredentials(CREDENTIAL_TYPE)) as ICredentialDataDecryptedObject;
			const details = context.getNode().credentials?.[CREDENTIAL_TYPE];
			return { credentialsDecrypted: { id: details?.id ?? '', name: details?.name ?? '', type: CREDENTIAL_TYPE, data } };
		})();
		runCredentials.set(context, cached);
		cached.catch(() => runCredentials.delete(context));
	}
	return cached;
}

/** Runs that were already told which Signed Path form Auto found (one note per run is enough). */
const toldAboutAuto = new WeakSet<object>();

/** Signed Path "Auto" found the form the server checks by a second try: say which, once per run. */
function noteAutoDiscovery(context: ApiContext, signing: SigningRecord | undefined): void {
	const found = signing?.tried[signing.tried.length - 1];
	if (!found || toldAboutAuto.has(context) || !('addExecutionHints' in context) || typeof context.addExecutionHints !== 'function') return;
	toldAboutAuto.add(context);
	const form = found === 'relative' ? 'Relative Path (/sites?…)' : 'Full Path (/rest/v1/sites?…)';
	context.addExecutionHints({
		message: `Signed Path "Auto": this ChargePilot server checks the ${form} form of the signature. It is remembered for this credential while n8n runs, so later requests sign that way first; to skip the first try after a restart, set Signed Path to it in the credential.`,
		type: 'info',
		location: 'outputPane',
	});
}

/**
 * The request, or an ETIMEDOUT error once `timeoutMs` have passed since it started, whatever the
 * server does meanwhile: n8n's own `timeout` only limits idle time, so an answer trickling one byte
 * at a time would never end. (The credential also aborts the request on the wire at that deadline.)
 */
async function withDeadline<T>(request: Promise<T>, timeoutMs: number): Promise<T> {
	const deadline = AbortSignal.timeout(timeoutMs);
	let onAbort: () => void = () => undefined;
	const expired = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(Object.assign(new Error(`timeout of ${timeoutMs}ms exceeded`), { code: 'ETIMEDOUT' }));
		deadline.addEventListener('abort', onAbort, { once: true });
	});
	request.catch(() => undefined); // it may fail after the deadline; nobody waits for it then
	try {
		return await Promise.race([request, expired]);
	} finally {
		deadline.removeEventListener('abort', onAbort);
	}
}

/**
 * One ChargePilot call through the credential (which signs every attempt afresh), with retries for
 * 429, 502-504, resets and timeouts as `retry` allows. Resolves with any 2xx answer; rejects with
 * a NodeApiError (API or network failure) or NodeOperationError (nothing could be signed).
 */
export async function apiRequest(this: ApiContext, request: ApiRequest): Promise<ApiResponse> {
	const { retry, timeoutMs } = request.settings ?? DEFAULT_SETTINGS;
	const maxAnswerBytes = request.settings?.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
	const itemIndex = request.itemIndex ?? 0;
	const maxAttempts = Math.max(1, Math.floor(retry.maxAttempts));
	const failure = { method: request.method, path: request.path, itemIndex };

	for (let attempt = 1; ; attempt++) {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.path,
			qs: request.qs,
			headers: request.headers ? { ...request.headers } : undefined,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// The body as a stream: read here, counted as it arrives (see answer.ts).
			encoding: 'stream',
			timeout: timeoutMs,
		};
		if (request.body !== undefined) options.body = request.body as IHttpRequestOptions['body'];

		// Outside the try: a credential n8n cannot load fails with n8n's own error, not as a network one.
		const credentialOptions = await credentialOptionsFor(this);
		// One Timeout for the attempt, Signed Path Auto's second form included.
		const started = Date.now();
		const exchange = async (remaining: number): Promise<HttpResponse & { malformed: boolean }> => {
			if (remaining <= 0) throw Object.assign(new Error(`timeout of ${timeoutMs}ms exceeded`), { code: 'ETIMEDOUT' });
			options.timeout = remaining;
			const answer = async () => {
				const raw = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, options, credentialOptions)) as HttpResponse;
				const headers = raw.headers ?? {};
				if (!isStream(raw.body)) return { statusCode: raw.statusCode, headers, body: raw.body, malformed: isMalformedJson({ statusCode: raw.statusCode, headers, body: raw.body }) };
				const decoded = decodeAnswer(await readAnswer(raw.body, maxAnswerBytes), headers['content-type']);
				return { statusCode: raw.statusCode, headers, ...decoded };
			};
			return await withDeadline(answer(), remaining);
		};
		let response: HttpResponse & { malformed: boolean };
		try {
			response = await exchange(timeoutMs);
			if (afterAnswer(options, response.statusCode) === 'resend') {
				// Signed Path "Auto": the server refused this form of the signature. The same options
				// again make the credential sign with the other form (a refused request did nothing,
				// so this cannot do anything twice); an answer other than 401 teaches the credential.
				response = await exchange(started + timeoutMs - Date.now());
				afterAnswer(options, response.statusCode);
				if (response.statusCode !== 401) noteAutoDiscovery(this, signingRecord(options));
			}
		} catch (error) {
			const code = Date.now() - started >= timeoutMs ? 'ETIMEDOUT' : errorCodeOf(error);
			if (code && attempt < maxAttempts && shouldRetry(request.method, { errorCode: code }, retry)) {
				await sleep(retryDelayMs(attempt, retry, undefined));
				continue;
			}
			throw transportError(this.getNode(), error, { ...failure, attempts: attempt, timeoutMs, maxAnswerBytes });
		}

		const status = response.statusCode;
		if (status >= 200 && status < 300) {
			if (!response.malformed) {
				return { statusCode: status, headers: response.headers, body: response.body, attempts: attempt, latencyMs: Date.now() - started };
			}
			if (attempt < maxAttempts && shouldRetry(request.method, { errorCode: 'EMALFORMED' }, retry)) {
				await sleep(retryDelayMs(attempt, retry, undefined));
				continue;
			}
			throw transportError(this.getNode(), { code: 'EMALFORMED' }, { ...failure, attempts: attempt, timeoutMs, maxAnswerBytes });
		}
		if (attempt < maxAttempts && shouldRetry(request.method, { status }, retry)) {
			const retryAfter = parseRetryAfter(response.headers['retry-after'], Date.now());
			await sleep(retryDelayMs(attempt, retry, retryAfter));
			continue;
		}
		throw apiErrorFromResponse(this.getNode(), { statusCode: status, headers: response.headers, body: response.body }, { ...failure, attempts: attempt, signing: signingRecord(options) });
	}
}
