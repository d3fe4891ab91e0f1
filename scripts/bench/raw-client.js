'use strict';

/**
 * Path (c) of the benchmark: the ceiling on this machine. A plain Node loop, no n8n: `items`
 * signed GET /rest/v1/echo/item/{n} with `concurrency` workers over one keep-alive http.Agent
 * (maxSockets = concurrency); every JSON answer is read and parsed, as n8n does.
 *
 * Runs in its own process (spawned by scripts/bench.js with the Node that runs n8n), so it does
 * not share an event loop with the sandbox. Usage:
 *   node raw-client.js '{"baseUrl":"http://127.0.0.1:P/rest/v1","apiKey":"..","apiSecret":"..","items":2000,"concurrency":8}'
 * Prints one JSON line: { items, ok, ms, cpuMs, itemsPerSec, maxRssKb, node }.
 */

const crypto = require('node:crypto');
const http = require('node:http');

const config = JSON.parse(process.argv[2]);
const base = new URL(config.baseUrl);
const agent = new http.Agent({ keepAlive: true, maxSockets: config.concurrency });
// Same signature as the guide (hex SHA-256 of the secret as the HMAC key); the hash is computed
// once, as a careful hand-written client would.
const hashedSecret = crypto.createHash('sha256').update(config.apiSecret, 'utf8').digest('hex');

function request(n) {
	const path = `${base.pathname.replace(/\/+$/, '')}/echo/item/${n}`;
	const timestamp = String(Math.floor(Date.now() / 1000));
	const signature = crypto.createHmac('sha256', hashedSecret).update(`GET:${path}:${timestamp}:`, 'utf8').digest('hex');
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				agent,
				host: base.hostname,
				port: base.port,
				method: 'GET',
				path,
				headers: { accept: 'application/json', 'x-api-key': config.apiKey, 'x-req-timestamp': timestamp, 'x-signature': signature },
				timeout: 60_000,
			},
			(res) => {
				const chunks = [];
				res.on('data', (chunk) => chunks.push(chunk));
				res.on('end', () => {
					try {
						const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
						resolve(res.statusCode === 200 && body.path === path);
					} catch (error) {
						reject(error);
					}
				});
				res.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', reject);
		req.end();
	});
}

async function main() {
	const results = new Array(config.items);
	let next = 0;
	const started = process.hrtime.bigint();
	const cpuBefore = process.cpuUsage();
	const worker = async () => {
		while (next < config.items) {
			const n = next++;
			results[n] = await request(n);
		}
	};
	await Promise.all(Array.from({ length: config.concurrency }, worker));
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	const cpu = process.cpuUsage(cpuBefore);
	agent.destroy();
	const ok = results.filter(Boolean).length;
	process.stdout.write(
		`${JSON.stringify({ items: config.items, ok, ms, cpuMs: (cpu.user + cpu.system) / 1000, itemsPerSec: (config.items / ms) * 1000, maxRssKb: process.resourceUsage().maxRSS, node: process.version })}\n`,
	);
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exitCode = 1;
});
