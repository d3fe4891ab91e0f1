'use strict';

/**
 * The sandbox tests' own signer and HTTP client, written independently of the sandbox verifier
 * (dev/sandbox/auth.js); one vector of each kind was computed with openssl (OPENSSL_VECTORS), so
 * that neither side only agrees with itself.
 */

const crypto = require('node:crypto');
const http = require('node:http');

/** hex(HMAC-SHA256(key = hex(SHA-256(secret)) as text, METHOD:PATH:TIMESTAMP:BODY)) */
function sign(secret, method, signedPath, timestamp, body = '') {
	const hashedSecret = crypto.createHash('sha256').update(secret, 'utf8').digest('hex');
	return crypto
		.createHmac('sha256', hashedSecret)
		.update(`${method}:${signedPath}:${timestamp}:${body}`, 'utf8')
		.digest('hex');
}

/**
 * Vectors computed with openssl on the development machine:
 *   hk=$(printf '%s' 'sandbox-api-secret' | sha256sum | cut -d' ' -f1)
 *   printf '%s' "$payload" | openssl dgst -sha256 -hmac "$hk"
 */
const OPENSSL_VECTORS = {
	hashedSecret: '27872975ad027588623e39b734dcaa27a6628e95c1efab25bcfb1e4e2327535f',
	full: {
		payload: 'GET:/rest/v1/sites?from=2024-01-01:1718000000:',
		signature: 'bdc228dcac19993e133f4cf201e23e407a3d2124bf5a6cb8d10805360a8c45a2',
	},
	relative: {
		payload: 'GET:/sites?from=2024-01-01:1718000000:',
		signature: '8dd732062648ba44ce95ad890fe1fc306d38c70ded7dc9be84090517c9cc2a9e',
	},
	unicodeBody: {
		payload: 'POST:/rest/v1/echo/fleet?note=M%C3%BCller:1718000000:{"id_tag":"Müller-Flotte","energy_wh":12500}',
		signature: 'ac91b9a062776d00996f16e996101729d0c6931a902e1d7acc69b5e00c4e76c7',
	},
};

const FIXED_SECONDS = 1718000000;
/** A fixed clock, a little after the full second. */
const fixedNow = () => FIXED_SECONDS * 1000 + 250;

/**
 * Sends one request with node:http so the request target goes out exactly as
 * given. Resolves { status, headers, text, json }.
 */
function send(sandbox, { method = 'GET', target, headers = {}, body, agent = false }) {
	return new Promise((resolve, reject) => {
		const req = http.request(
			{ host: '127.0.0.1', port: sandbox.port, method, path: target, headers, agent },
			(res) => {
				const chunks = [];
				res.on('data', (chunk) => chunks.push(chunk));
				res.on('error', reject);
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json;
					try {
						json = JSON.parse(text);
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode, headers: res.headers, text, json });
				});
			},
		);
		req.on('error', reject);
		if (body !== undefined) req.write(body);
		req.end();
	});
}

/** Builds the three auth headers for a request. */
function authHeaders(sandbox, { method = 'GET', target, body = '', timestamp, variant = 'full', apiKey, secret }) {
	const ts = String(timestamp === undefined ? FIXED_SECONDS : timestamp);
	const signedPath = variant === 'relative' ? target.replace(/^\/rest\/v1/, '') : target;
	return {
		'x-api-key': apiKey || sandbox.apiKey,
		'x-req-timestamp': ts,
		'x-signature': sign(secret || sandbox.apiSecret, method, signedPath, ts, body),
	};
}

/** A correctly signed request (options override parts of the signing). */
function signed(sandbox, target, options = {}) {
	const { method = 'GET', body, contentType, extraHeaders = {}, ...signing } = options;
	const headers = { ...authHeaders(sandbox, { method, target, body: body || '', ...signing }), ...extraHeaders };
	if (body !== undefined) {
		headers['content-type'] = contentType || 'application/json';
		headers['content-length'] = Buffer.byteLength(body);
	}
	return send(sandbox, { method, target, headers, body });
}

function eventsTarget(siteId, query) {
	return `/rest/v1/charging-events/site/${siteId}?${query}`;
}

const WHOLE_RANGE = 'from=2026-01-01T00:00:00Z&to=2026-07-01T00:00:00Z';

module.exports = { sign, OPENSSL_VECTORS, FIXED_SECONDS, fixedNow, send, authHeaders, signed, eventsTarget, WHOLE_RANGE };
