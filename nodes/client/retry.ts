/**
 * When and how long to wait before trying a request again. Pure functions, so the policy is
 * testable without a server.
 */

export interface RetrySettings {
	/** Total attempts, the first included; 1 turns retries off. */
	maxAttempts: number;
	/** First backoff delay; doubles with every attempt. */
	baseDelayMs: number;
	/** Cap on any single wait, Retry-After included. */
	maxDelayMs: number;
	/** Also retry POST and PATCH when the request may have reached the server. */
	retryNonIdempotent: boolean;
}

export const DEFAULT_RETRY: RetrySettings = {
	maxAttempts: 4,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
	retryNonIdempotent: false,
};

export const NO_RETRY: RetrySettings = { ...DEFAULT_RETRY, maxAttempts: 1 };

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Errors that prove the request never reached the server: safe to repeat for any method. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Errors after which the server may or may not have processed the request. */
const MAYBE_SENT_CODES = new Set([
	'ECONNRESET',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	// A 2xx whose JSON body did not parse: usually a cut connection or a proxy's page.
	'EMALFORMED',
]);

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export type Outcome = { status: number } | { errorCode: string };

export function isIdempotent(method: string): boolean {
	return IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/** Whether this outcome of this method may be tried again under the settings. */
export function shouldRetry(method: string, outcome: Outcome, settings: RetrySettings): boolean {
	const repeatable = isIdempotent(method) || settings.retryNonIdempotent;
	if ('status' in outcome) {
		if (outcome.status === 429) return true; // rejected before processing: safe for every method
		return RETRYABLE_STATUS.has(outcome.status) && repeatable;
	}
	if (NOT_SENT_CODES.has(outcome.errorCode)) return true;
	return MAYBE_SENT_CODES.has(outcome.errorCode) && repeatable;
}

const DAY = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun';
const LONG_DAY = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday';
const MONTH = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';
/** RFC 9110 §5.6.7 HTTP-date: IMF-fixdate, and the obsolete RFC 850 and asctime forms. */
const HTTP_DATE = new RegExp(
	`^(?:(?:${DAY}), \\d{2} (?:${MONTH}) \\d{4} \\d{2}:\\d{2}:\\d{2} GMT` +
		`|(?:${LONG_DAY}), \\d{2}-(?:${MONTH})-\\d{2} \\d{2}:\\d{2}:\\d{2} GMT` +
		`|(?:${DAY}) (?:${MONTH}) [ \\d]\\d \\d{2}:\\d{2}:\\d{2} \\d{4})$`,
);

/**
 * Parses Retry-After into milliseconds, or undefined. Only what RFC 9110 §10.2.3 defines counts:
 * delay-seconds (digits only) or an HTTP-date. Anything else ("-1", "+5", "1.5", "1, 2", a second
 * header, a date in another format) is treated as absent, so the normal backoff applies instead of
 * a misread date that would retry at once.
 */
export function parseRetryAfter(value: unknown, nowMs: number): number | undefined {
	if (Array.isArray(value)) return value.length === 1 ? parseRetryAfter(value[0], nowMs) : undefined;
	// A number as its text: "-1", "1.5", "NaN" or "1e+21" are then refused as the text would be.
	if (typeof value === 'number') value = String(value);
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
	if (!HTTP_DATE.test(text)) return undefined;
	const date = Date.parse(text.endsWith('GMT') ? text : `${text} GMT`);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - nowMs);
}

/**
 * Wait before attempt `attempt + 1` (attempt counts from 1): Retry-After when the server gave one,
 * otherwise exponential backoff with full jitter in its upper half; always capped.
 */
export function retryDelayMs(
	attempt: number,
	settings: RetrySettings,
	retryAfterMs: number | undefined,
	random: () => number = Math.random,
): number {
	if (retryAfterMs !== undefined) return Math.min(retryAfterMs, settings.maxDelayMs);
	const exponential = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1));
	return Math.round(exponential * (0.5 + random() * 0.5));
}
