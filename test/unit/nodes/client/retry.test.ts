/**
 * The retry policy on its own: which outcomes are retried, how long each wait is (doubling, cap,
 * jitter bounds), and which Retry-After values count (RFC 9110 only).
 */
import { DEFAULT_RETRY, parseRetryAfter, retryDelayMs, shouldRetry, type RetrySettings } from '../../../../nodes/client/retry';

const NOW = Date.parse('Sun, 06 Nov 1994 08:49:30 GMT');
const settings: RetrySettings = { ...DEFAULT_RETRY, baseDelayMs: 500, maxDelayMs: 30_000 };

describe('backoff', () => {
	test('doubles with every attempt, from the base delay', () => {
		// random() = 1 gives the top of the jitter range: exactly the exponential delay.
		const top = [1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(attempt, settings, undefined, () => 1));
		expect(top).toEqual([500, 1000, 2000, 4000, 8000, 16000]);
	});

	test('is capped by Max Retry Wait, however many attempts', () => {
		expect(retryDelayMs(7, settings, undefined, () => 1)).toBe(30_000);
		expect(retryDelayMs(10, settings, undefined, () => 1)).toBe(30_000);
		// 10 attempts wait at most 9 capped delays.
		const total = Array.from({ length: 9 }, (_, i) => retryDelayMs(i + 1, settings, undefined, () => 1)).reduce((a, b) => a + b, 0);
		expect(total).toBe(500 + 1000 + 2000 + 4000 + 8000 + 16000 + 30000 * 3);
	});

	test('jitter stays in the upper half of the delay', () => {
		expect(retryDelayMs(3, settings, undefined, () => 0)).toBe(1000);
		expect(retryDelayMs(3, settings, undefined, () => 0.5)).toBe(1500);
	});

	test('Retry-After wins over backoff, and is capped too', () => {
		expect(retryDelayMs(1, settings, 7000, () => 1)).toBe(7000);
		expect(retryDelayMs(1, settings, 120_000, () => 1)).toBe(30_000);
		expect(retryDelayMs(1, settings, 0, () => 1)).toBe(0);
	});
});

describe('what is retried', () => {
	test.each([
		['GET', { status: 503 }, true],
		['GET', { status: 500 }, false],
		['GET', { status: 404 }, false],
		['GET', { status: 401 }, false],
		['POST', { status: 429 }, true],
		['POST', { status: 503 }, false],
		['POST', { errorCode: 'ECONNREFUSED' }, true],
		['POST', { errorCode: 'ECONNRESET' }, false],
		['PUT', { errorCode: 'ECONNRESET' }, true],
		['GET', { errorCode: 'ETIMEDOUT' }, true],
		['GET', { errorCode: 'EMALFORMED' }, true],
		['GET', { errorCode: 'ERR_SOMETHING_ELSE' }, false],
	] as const)('%s %j → %s', (method, outcome, expected) => {
		expect(shouldRetry(method, outcome, settings)).toBe(expected);
	});

	test('POST and PATCH are retried on 5xx only when asked', () => {
		expect(shouldRetry('PATCH', { status: 502 }, { ...settings, retryNonIdempotent: true })).toBe(true);
		expect(shouldRetry('post', { status: 502 }, settings)).toBe(false);
	});
});

describe('Retry-After: only what RFC 9110 defines', () => {
	test.each([
		['5', 5000],
		['0', 0],
		[' 12 ', 12_000],
		[7, 7000],
		[['3'], 3000],
		['Sun, 06 Nov 1994 08:49:37 GMT', 7000],
		['Sunday, 06-Nov-94 08:49:37 GMT', 7000],
		['Sun Nov  6 08:49:37 1994', 7000],
		['Sun, 06 Nov 1994 08:49:00 GMT', 0], // a date in the past: at once
	] as const)('%j → %s ms', (value, expected) => {
		expect(parseRetryAfter(value, NOW)).toBe(expected);
	});

	test.each([['-1'], ['+5'], ['1, 2'], ['1.5'], ['tomorrow'], ['2026-11-29T10:00:00Z'], [''], [-3], [1.5], [['1', '2']], [null], [{}]])(
		'%j is treated as absent (backoff applies)',
		(value) => {
			expect(parseRetryAfter(value, NOW)).toBeUndefined();
		},
	);
});
