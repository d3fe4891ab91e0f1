import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { isChargePilotCredentialError, shorten, type SigningRecord, type SignedPathVariant } from '../../credentials/chargepilot';

import { DEFAULT_MAX_ANSWER_BYTES, megabytes } from './answer';

/** What the transport knows about a failed call when it builds the error. */
export interface FailureContext {
	method: string;
	path: string;
	itemIndex: number;
	attempts: number;
	/** How the request was signed (Signed Path mode, variants tried), for 401 hints. */
	signing?: SigningRecord;
}

export interface HttpResponse {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

/** ChargePilot's error text: NestJS-style `{ message, error }`, plain text, or the status. */
export function serverMessage(body: unknown): string | undefined {
	return clip(rawServerMessage(body));
}

/** Server text is the server's: kept short, so a huge or hostile answer cannot flood the error. */
function clip(text: string | undefined): string | undefined {
	if (text === undefined) return undefined;
	const trimmed = text.trim();
	if (!trimmed) return undefined;
	return trimmed.length > 500 ? `${trimmed.slice(0, 500)}… (${trimmed.length} characters)` : trimmed;
}

function rawServerMessage(body: unknown): string | undefined {
	if (typeof body === 'string') return body;
	if (body && typeof body === 'object' && !Array.isArray(body)) {
		const { message, error } = body as { message?: unknown; error?: unknown };
		if (Array.isArray(message)) return message.slice(0, 20).map(String).join('; ');
		if (typeof message === 'string' && message) return message;
		if (typeof error === 'string' && error) return error;
	}
	return undefined;
}

function attemptsText(attempts: number): string {
	return attempts > 1 ? ` (after ${attempts} attempts)` : ' (1 attempt)';
}

function clockSkewHint(headers: IDataObject, nowMs: number): string {
	const date = typeof headers.date === 'string' ? Date.parse(headers.date) : NaN;
	if (Number.isNaN(date)) return '';
	const skewSeconds = Math.round((nowMs - date) / 1000);
	if (Math.abs(skewSeconds) < 30) return ' This machine\'s clock agrees with the server\'s.';
	return ` This machine's clock is ${Math.abs(skewSeconds)} s ${skewSeconds > 0 ? 'ahead of' : 'behind'} the server's: fix the clock (NTP), the signature carries a timestamp.`;
}

const FORM: Record<SignedPathVariant, string> = { full: 'Full Path (/rest/v1/sites?…)', relative: 'Relative Path (/sites?…)' };

/** What a 401 says about the signature: the Signed Path setting and the forms tried. */
export function signatureHint(signing: SigningRecord | undefined): string {
	const tried = signing?.tried ?? [];
	if (signing?.mode === 'auto') {
		if (tried.length >= 2) {
			return `Signed Path is "Auto": both forms of the signature were tried, ${tried.map((variant) => FORM[variant]).join(', then ')}, and both were refused. So the cause is not the form: check the API Key and API Secret in the ChargePilot credential, this machine's clock, and the Region.`;
		}
		return `Signed Path is "Auto": the request was signed with the ${FORM[tried[0] ?? 'full']} form only (this request could not be sent a second time). Check the API Key and API Secret in the ChargePilot credential; if they are right, run it again, or pin Signed Path to the other form.`;
	}
	const variant = tried[0] ?? 'full';
	return (
		`The request was signed with the ${FORM[variant]} form, as the credential's Signed Path is pinned to it. ` +
		'Check the API Key and API Secret in the ChargePilot credential. ' +
		`If they are right, open the credential and set Signed Path to "Auto" (it tries both forms), or to "${variant === 'full' ? 'Relative Path' : 'Full Path'}".`
	);
}

function hintFor(status: number, context: FailureContext, response: HttpResponse): string {
	switch (status) {
		case 400:
			return 'ChargePilot rejected the request parameters. Check the values named in the message above.';
		case 401:
			return signatureHint(context.signing) + clockSkewHint(response.headers, Date.now());
		case 403:
			return 'The key is valid but may not read this resource: it is scoped to certain sites. Ask The Mobility House to extend the key, or pick a site from Site → Get Many.';
		case 404:
			return `Nothing found at ${shorten(context.path)}. Check the ID (site IDs come from Site → Get Many) and that the path is relative to the base URL (e.g. /sites, not /rest/v1/sites).`;
		case 429:
			return 'ChargePilot is rate limiting this key. Lower the node\'s Concurrency, raise the retry attempts under Options, or run the workflow less often.';
		default:
			if (status >= 300 && status < 400) {
				const location = typeof response.headers.location === 'string' ? response.headers.location : 'another URL';
				return `ChargePilot redirected to ${location}. Signed requests are never followed to another address: check the Base URL.`;
			}
			if (status >= 500) {
				return 'ChargePilot had a problem answering. It is usually temporary: retries are on by default (Options → Retry). Status page: https://status.tmh.energy/';
			}
			return 'See the message above for what ChargePilot reported.';
	}
}

/** The most characters of an error answer's body an error keeps (the execution's data holds it). */
export const MAX_ERROR_BODY_CHARACTERS = 2000;

/**
 * What an error keeps of the answer's body: a small JSON object as it is; anything larger (or text)
 * as its first MAX_ERROR_BODY_CHARACTERS characters and its length. A 500 with a 2 MB body left
 * 4.2 million characters in the execution's data when only the message was shortened.
 */
export function errorBody(body: unknown): JsonObject {
	if (body === undefined || body === null || body === '') return {};
	const text = typeof body === 'string' ? body : JSON.stringify(body) ?? '';
	if (text.length <= MAX_ERROR_BODY_CHARACTERS) {
		return body && typeof body === 'object' && !Array.isArray(body) ? (body as JsonObject) : { body: text };
	}
	return { body: `${text.slice(0, MAX_ERROR_BODY_CHARACTERS)}…`, bodyLength: text.length, bodyClipped: true };
}

/** An API failure (non-2xx answer) as a NodeApiError with ChargePilot's message and a hint. */
export function apiErrorFromResponse(node: INode, response: HttpResponse, context: FailureContext): NodeApiError {
	const text = serverMessage(response.body) ?? `HTTP ${response.statusCode}`;
	const body = errorBody(response.body);
	const error = new NodeApiError(node, { message: text, ...body, statusCode: response.statusCode } as JsonObject, {
		message: `ChargePilot answered ${response.statusCode} to ${context.method} ${shorten(context.path)}: ${text}${attemptsText(context.attempts)}`,
		description: hintFor(response.statusCode, context, response),
		httpCode: String(response.statusCode),
		itemIndex: context.itemIndex,
	});
	error.context.attempts = context.attempts;
	return error;
}

/** The network-level code of an error thrown by n8n's HTTP helpers (it nests the axios error). */
export function errorCodeOf(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const candidate = current as { code?: unknown; cause?: unknown; message?: unknown };
		if (typeof candidate.code === 'string' && /^E[A-Z_]+$/.test(candidate.code)) return candidate.code;
		if (typeof candidate.message === 'string' && /timeout of \d+ms exceeded/i.test(candidate.message)) return 'ETIMEDOUT';
		current = candidate.cause;
	}
	return undefined;
}

function credentialErrorOf(error: unknown): (Error & { field: string }) | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		if (isChargePilotCredentialError(current)) return current;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

const NETWORK_TEXT: Record<string, string> = {
	EMALFORMED: 'the answer was not valid JSON',
	ECONNREFUSED: 'nothing is listening at the base URL',
	ENOTFOUND: 'the host name of the base URL does not resolve',
	EAI_AGAIN: 'the host name of the base URL could not be resolved right now',
	ECONNRESET: 'the connection was reset',
	EPIPE: 'the connection was closed while sending',
	ETIMEDOUT: 'no answer within the timeout',
	ECONNABORTED: 'no answer within the timeout',
	ESOCKETTIMEDOUT: 'no answer within the timeout',
};

/** A request that failed before an HTTP answer: network error, timeout, an answer too large, or a refused signature. */
export function transportError(
	node: INode,
	error: unknown,
	context: FailureContext & { timeoutMs?: number; maxAnswerBytes?: number },
): NodeApiError | NodeOperationError {
	const credentialError = credentialErrorOf(error);
	if (credentialError) {
		return new NodeOperationError(node, `Request (item ${context.itemIndex}): ${credentialError.message}`, {
			itemIndex: context.itemIndex,
			description: `Fix "${credentialError.field}" in the ChargePilot credential or the node's parameters. Nothing was sent.`,
		});
	}
	const code = errorCodeOf(error) ?? 'UNKNOWN';
	const reason = shorten(
		code === 'ETOOLARGE'
			? `the answer was larger than ${megabytes(context.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES)} and was not read further`
			: NETWORK_TEXT[code] ?? ((error as Error)?.message || 'unknown network error'),
		300,
	);
	const timeoutText = code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ESOCKETTIMEDOUT'
		? ` (timeout ${context.timeoutMs ?? '?'} ms)`
		: '';
	const failure = new NodeApiError(node, { message: reason } as JsonObject, {
		message: `ChargePilot request ${context.method} ${shorten(context.path)} failed: ${reason}${timeoutText}${attemptsText(context.attempts)}`,
		description:
			code === 'ECONNREFUSED' || code === 'ENOTFOUND'
				? 'Check the credential\'s Region or Base URL, and that this n8n can reach it.'
				: code === 'ETOOLARGE'
					? 'Ask for less in one request (a narrower From/To window, a smaller Page Size), or raise Max Answer Size under Options if the answer really is that large.'
					: 'Raise the Timeout or the retry attempts under Options if this repeats.',
		itemIndex: context.itemIndex,
	});
	failure.context.attempts = context.attempts;
	failure.context.code = code;
	return failure;
}
