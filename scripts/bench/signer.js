'use strict';

/**
 * Signer micro-benchmark, in one process (spawned by scripts/bench.js with the Node that runs n8n):
 *
 * - reference: the getting-started guide's Node.js example, per request:
 *     hashedSecret = sha256(secret).hex; createHmac('sha256', hashedSecret)
 *       .update(`${method}:${path}:${timestamp}:${body}`).digest('hex')
 * - core: our dist/credentials/chargepilot/signature.js signWithHashedSecret with the hash cached
 *   (what authenticate.js does after the first request);
 * - authenticate: our whole dist/credentials/chargepilot/authenticate.js signRequestOptions, fed
 *   the request options our node hands to n8n (URL building, header copy, body serialisation,
 *   checks included): what n8n runs per request.
 *
 * Rounds alternate the variants (A B C, B C A, ...) so drift on a noisy machine hits all of them;
 * the median round rate is reported. Usage: node signer.js '{"repo":"/work/main","ms":3000}'
 * Prints one JSON line.
 */

const crypto = require('node:crypto');
const path = require('node:path');

const config = JSON.parse(process.argv[2] || '{}');
const repo = config.repo || path.resolve(__dirname, '..', '..');
const budgetMs = config.ms || 3000;
const { signWithHashedSecret, hashSecret } = require(path.join(repo, 'dist', 'credentials', 'chargepilot', 'signature.js'));
const { signRequestOptions } = require(path.join(repo, 'dist', 'credentials', 'chargepilot', 'authenticate.js'));

const secret = 'sandbox-api-secret';
const credentials = { region: 'custom', baseUrl: 'http://127.0.0.1:8787/rest/v1', apiKey: 'sandbox-api-key', apiSecret: secret, signedPath: 'full' };
const timestamp = String(Math.floor(Date.now() / 1000));
const nowMs = Number(timestamp) * 1000;
const PATHS = Array.from({ length: 1024 }, (_, i) => `/rest/v1/echo/item/${i}`);
const RELATIVE = Array.from({ length: 1024 }, (_, i) => `/echo/item/${i}`);
const cached = hashSecret(secret);

let sink = 0;
const variants = {
	reference(i) {
		const hashedSecret = crypto.createHash('sha256').update(secret).digest('hex');
		const signature = crypto.createHmac('sha256', hashedSecret).update(`GET:${PATHS[i & 1023]}:${timestamp}:`).digest('hex');
		sink += signature.charCodeAt(0);
	},
	core(i) {
		sink += signWithHashedSecret(cached, 'GET', PATHS[i & 1023], timestamp, '').charCodeAt(0);
	},
	authenticate(i) {
		const signed = signRequestOptions(
			credentials,
			{ method: 'GET', url: RELATIVE[i & 1023], qs: {}, json: true, returnFullResponse: true, ignoreHttpStatusErrors: true, timeout: 60000 },
			nowMs,
		);
		sink += signed.headers['x-signature'].charCodeAt(0);
	},
};

// Sanity: all three give the same signature for the same request.
{
	const ref = crypto.createHmac('sha256', crypto.createHash('sha256').update(secret).digest('hex')).update(`GET:${PATHS[7]}:${timestamp}:`).digest('hex');
	const core = signWithHashedSecret(cached, 'GET', PATHS[7], timestamp, '');
	const full = signRequestOptions(credentials, { method: 'GET', url: RELATIVE[7] }, nowMs).headers['x-signature'];
	if (ref !== core || ref !== full) throw new Error(`signatures differ: ${ref} ${core} ${full}`);
}

function round(fn, ops) {
	const started = process.hrtime.bigint();
	for (let i = 0; i < ops; i++) fn(i);
	return (ops / Number(process.hrtime.bigint() - started)) * 1e9;
}

const names = Object.keys(variants);
for (const name of names) round(variants[name], 20000); // warm-up (JIT)
const rates = Object.fromEntries(names.map((name) => [name, []]));
const ops = 20000;
const deadline = Date.now() + budgetMs;
let r = 0;
while (Date.now() < deadline || r < 3) {
	for (let k = 0; k < names.length; k++) {
		const name = names[(k + r) % names.length];
		rates[name].push(round(variants[name], ops));
	}
	r++;
}
const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
};
const out = { node: process.version, rounds: r, opsPerRound: ops, sink: sink > 0 };
for (const name of names) out[name] = median(rates[name]);
process.stdout.write(`${JSON.stringify(out)}\n`);
