'use strict';

/**
 * An HTTPS proxy on 127.0.0.1 that answers for one registry host from the local registry and
 * refuses every other destination. n8n without a licence installs community packages only from its
 * default registry (a custom one needs feat:communityNodes:customRegistry, and n8n passes
 * `--registry=<its default>` to npm itself), so a test serves that host instead: the caller reads
 * it from the n8n under test (n8n-registry.js). n8n and the npm it runs reach it through
 * HTTPS_PROXY, and trust the per-run test CA (dev/tls) it presents (see npm-env.js).
 *
 *   CONNECT <host>:443 -> TLS with the test certificate -> plain HTTP to the registry, with
 *     `Host: <host>` and `X-Forwarded-Proto: https`, so the tarball addresses in the packuments
 *     name that host again and npm fetches them through this proxy too
 *   CONNECT anything else (api.n8n.io, ...) -> 403
 *   GET https://<host>/... (a client that does not tunnel) -> the registry; other -> 403
 *
 * Runs in the calling process (plain node:http/https). Every request is recorded in `requests`.
 */

const http = require('node:http');
const https = require('node:https');

const { HOST } = require('../ports');

/**
 * Starts the proxy for `host` (a host name, e.g. n8nDefaultRegistry()'s) in front of `registryUrl`
 * (the local registry, http://127.0.0.1:<port>/), with `certificate` ({ key, cert } from dev/tls for
 * that host) on `port` (default: any free one). Returns { url, port, host, requests, clearRequests(), close() }.
 * A record: { via: 'connect' | 'plain', outcome: 'forwarded' | 'refused', target, method, path,
 * status, userAgent, npmCommand } (npmCommand: npm's `npm-command` header, e.g. pack, install, outdated).
 */
async function startRegistryProxy({ registryUrl, certificate, host, port = 0 }) {
	if (typeof host !== 'string' || !/^[a-z0-9.-]+$/i.test(host)) throw new TypeError(`startRegistryProxy: host must be a host name, got ${JSON.stringify(host)}`);
	const upstream = new URL(registryUrl);
	const requests = [];

	function forward(via) {
		return (req, res) => {
			const record = {
				via,
				outcome: 'forwarded',
				target: host,
				method: req.method,
				path: req.url,
				status: null,
				userAgent: String(req.headers['user-agent'] || '').split(' ')[0],
				npmCommand: String(req.headers['npm-command'] || ''),
			};
			requests.push(record);
			const headers = { ...req.headers, host, 'x-forwarded-proto': 'https' };
			delete headers['proxy-connection'];
			delete headers['proxy-authorization'];
			const up = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (upRes) => {
				record.status = upRes.statusCode;
				res.writeHead(upRes.statusCode, upRes.headers);
				upRes.pipe(res);
			});
			up.on('error', (error) => {
				record.status = 502;
				if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
				res.end(`test registry proxy: the local registry did not answer: ${error.message}`);
			});
			req.pipe(up);
		};
	}

	const tlsSide = https.createServer({ key: certificate.key, cert: certificate.cert }, forward('connect'));
	tlsSide.on('tlsClientError', (error) => requests.push({ via: 'connect', outcome: 'tls-error', target: host, detail: error.message }));

	const plainPrefix = `https://${host}/`;
	const proxy = http.createServer((req, res) => {
		if (String(req.url).startsWith(plainPrefix)) {
			req.url = req.url.slice(plainPrefix.length - 1);
			forward('plain')(req, res);
			return;
		}
		requests.push({ via: 'plain', outcome: 'refused', target: String(req.url).slice(0, 200), method: req.method });
		res.writeHead(403, { 'content-type': 'text/plain' });
		res.end(`refused by the test registry proxy: it serves ${host} only`);
	});
	const sockets = new Set();
	const track = (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	};
	proxy.on('connection', track);
	proxy.on('connect', (req, socket, head) => {
		if (String(req.url) !== `${host}:443`) {
			requests.push({ via: 'connect', outcome: 'refused', target: String(req.url).slice(0, 200) });
			socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
			return;
		}
		socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
		if (head && head.length) socket.unshift(head);
		tlsSide.emit('connection', socket);
	});
	proxy.on('clientError', (error, socket) => socket.destroy());

	await new Promise((resolve, reject) => {
		proxy.once('error', reject);
		proxy.listen(port, HOST, resolve);
	});
	const address = proxy.address();
	let closed;

	return {
		url: `http://${HOST}:${address.port}`,
		port: address.port,
		host,
		requests,
		clearRequests() {
			requests.length = 0;
		},
		/** Stops listening and ends every open connection. */
		close() {
			closed ??= new Promise((resolve) => {
				for (const socket of sockets) socket.destroy();
				proxy.close(() => resolve());
				tlsSide.close();
			});
			return closed;
		},
	};
}

module.exports = { startRegistryProxy };
