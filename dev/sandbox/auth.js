'use strict';

/**
 * Request verifier of the sandbox: an independent implementation of the
 * ChargePilot HMAC scheme as the public getting-started page describes it.
 *
 *   hashedSecret = hex(SHA-256(apiSecret))                (64 lowercase hex chars)
 *   payload      = METHOD + ':' + PATH + ':' + TIMESTAMP + ':' + BODY
 *   signature    = hex(HMAC-SHA256(key = hashedSecret as UTF-8 text, payload))
 *
 * PATH is the request target exactly as it appeared on the HTTP request line
 * (path plus query, neither decoded nor re-encoded) - the "full" variant - or
 * the same string with the leading /rest/v1 removed - the "relative" variant.
 * Which one(s) the server accepts is configurable, because the public docs
 * contradict each other on this point.
 *
 * The secret and the hashed secret never leave this module: messages only name
 * what was checked, never what was expected.
 */

const crypto = require('node:crypto');

const API_PREFIX = '/rest/v1';
const REQUIRED_HEADERS = ['x-api-key', 'x-req-timestamp', 'x-signature'];
const SIGNED_PATH_MODES = ['full', 'relative', 'either'];
/** Unix seconds have 10 digits until the year 2286; more than 11 is surely milliseconds. */
const MAX_TIMESTAMP_DIGITS = 11;

/** @param {string} secret */
function hashSecret(secret) {
	return crypto.createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * Builds the key lookup. Only hashed secrets are kept.
 * @param {Array<{apiKey: string, apiSecret: string, sites?: string[]}>} keys
 * @returns {Map<string, {hashedSecret: string, sites: Set<string>|null}>}
 */
function createKeyring(keys) {
	const keyring = new Map();
	for (const key of keys) {
		keyring.set(key.apiKey, {
			hashedSecret: hashSecret(key.apiSecret),
			sites: Array.isArray(key.sites) ? new Set(key.sites) : null,
		});
	}
	return keyring;
}

/**
 * The "relative" variant of a request target: the leading /rest/v1 removed.
 * Targets outside the prefix are returned unchanged.
 * @param {string} target
 */
function relativeTarget(target) {
	if (target === API_PREFIX || target.startsWith(`${API_PREFIX}/`) || target.startsWith(`${API_PREFIX}?`)) {
		const rest = target.slice(API_PREFIX.length);
		return rest.startsWith('/') ? rest : `/${rest}`;
	}
	return target;
}

/**
 * The signed-path candidates the server tries, in order.
 * @param {string} target raw request target (origin form)
 * @param {'full'|'relative'|'either'} mode
 * @returns {Array<{variant: 'full'|'relative', path: string}>}
 */
function signedPathCandidates(target, mode) {
	const candidates = [];
	if (mode === 'full' || mode === 'either') candidates.push({ variant: 'full', path: target });
	if (mode === 'relative' || mode === 'either') candidates.push({ variant: 'relative', path: relativeTarget(target) });
	return candidates;
}

/**
 * Computes the lowercase hex signature for one candidate payload. BODY is the raw body bytes as
 * received (not a decoding of them), so a body that is not valid UTF-8 must be signed byte for byte.
 */
function computeSignature(hashedSecret, method, path, timestamp, bodyBytes) {
	return crypto
		.createHmac('sha256', Buffer.from(hashedSecret, 'utf8'))
		.update(Buffer.from(`${method}:${path}:${timestamp}:`, 'utf8'))
		.update(bodyBytes)
		.digest('hex');
}

/** Shortens user-supplied values before they go into an error message. */
function quote(value, max = 40) {
	const text = value.length > max ? `${value.slice(0, max)}...` : value;
	return JSON.stringify(text);
}

function fail(reason, extra = {}) {
	return { ok: false, variant: null, reason, keyEntry: null, ...extra };
}

/**
 * Verifies one request. Checks run in a fixed order and the first failure wins:
 * missing headers, unknown key, timestamp format, timestamp window, signature.
 *
 * @param {object} input
 * @param {string} input.method request method (uppercase, as received)
 * @param {string} input.target raw request target, origin form (path + '?' + query)
 * @param {Record<string, string|string[]|undefined>} input.headers lowercase header map
 * @param {Buffer} input.body raw body bytes
 * @param {Map} input.keyring from createKeyring()
 * @param {'full'|'relative'|'either'} input.signedPath
 * @param {number} input.skewSeconds
 * @param {number} input.nowMs server clock in ms
 * @returns {{ ok: boolean, variant: 'full'|'relative'|null, reason: string|null, keyEntry: object|null }}
 */
function verifyRequest({ method, target, headers, body, keyring, signedPath, skewSeconds, nowMs }) {
	// 1. All three headers must be present and non-empty.
	const values = {};
	const missing = [];
	for (const name of REQUIRED_HEADERS) {
		const raw = headers[name];
		const value = Array.isArray(raw) ? raw.join(', ') : raw;
		if (value === undefined || value === '') missing.push(name);
		else values[name] = value;
	}
	if (missing.length > 0) {
		return fail(`Missing authentication header${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
	}

	// 2. The key must be known (the key itself is not echoed back).
	const keyEntry = keyring.get(values['x-api-key']);
	if (!keyEntry) return fail('Unknown API key');

	// 3. The timestamp must be whole Unix seconds.
	const timestamp = values['x-req-timestamp'];
	if (!/^[0-9]+$/.test(timestamp)) {
		return fail(`x-req-timestamp must be a decimal integer of Unix seconds, got ${quote(timestamp)}`);
	}
	if (timestamp.length > MAX_TIMESTAMP_DIGITS) {
		return fail(
			`x-req-timestamp must be Unix seconds, but ${quote(timestamp)} has ${timestamp.length} digits ` +
				'and looks like milliseconds',
		);
	}

	// 4. The timestamp must lie within +/- skewSeconds of the server clock.
	const serverSeconds = Math.floor(nowMs / 1000);
	const difference = Number(timestamp) - serverSeconds;
	if (Math.abs(difference) > skewSeconds) {
		const serverIso = new Date(serverSeconds * 1000).toISOString().replace('.000Z', 'Z');
		return fail(
			`x-req-timestamp ${timestamp} is outside the allowed window of +/-${skewSeconds} seconds ` +
				`(server time is ${serverSeconds} = ${serverIso}; the request is ${Math.abs(difference)} seconds ` +
				`${difference < 0 ? 'behind' : 'ahead of'} the server; check the client clock)`,
		);
	}

	// 5. The signature must be 64 lowercase hex characters and match a candidate.
	const signature = values['x-signature'];
	if (!/^[0-9a-f]{64}$/.test(signature)) {
		if (/^[0-9A-Fa-f]{64}$/.test(signature)) {
			return fail('x-signature must be lowercase hex; uppercase hex digits are not accepted');
		}
		return fail(
			`x-signature must be 64 lowercase hex characters (hex-encoded HMAC-SHA256), got ${signature.length} characters`,
		);
	}
	const given = Buffer.from(signature, 'hex');
	const bodyBytes = body && body.length ? body : Buffer.alloc(0);
	const candidates = signedPathCandidates(target, signedPath);
	for (const candidate of candidates) {
		const expected = Buffer.from(
			computeSignature(keyEntry.hashedSecret, method, candidate.path, timestamp, bodyBytes),
			'hex',
		);
		if (expected.length === given.length && crypto.timingSafeEqual(expected, given)) {
			return { ok: true, variant: candidate.variant, reason: null, keyEntry };
		}
	}
	const checked = candidates.map((c) => `the ${c.variant} path ${c.path}`).join(' and ');
	return fail(`Invalid signature (server checked ${checked})`);
}

module.exports = {
	API_PREFIX,
	REQUIRED_HEADERS,
	SIGNED_PATH_MODES,
	createKeyring,
	relativeTarget,
	signedPathCandidates,
	verifyRequest,
};
