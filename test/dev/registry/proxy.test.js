'use strict';

/**
 * The test registry proxy (dev/registry/proxy.js) with a test CA (dev/tls) in front of a stand-in
 * registry: a client that trusts the CA reaches the registry host it serves (a made-up one here; the
 * install suite gives it n8n's default registry host) through CONNECT and gets the
 * stand-in's answer, with the host and protocol the packuments' tarball addresses are made from; a
 * client that does not trust it is refused by TLS; every other destination gets 403; every request
 * is recorded.
 */

const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const tls = require('node:tls');

const { startRegistryProxy } = require('../../../dev/registry/proxy');
const { createTestCertificates } = require('../../../dev/tls');

const HOST = 'registry.stand-in.test';
let dir;
let certificate;
let registry;
let proxy;
let seen;

beforeAll(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-proxy-test-'));
	certificate = await createTestCertificates({ dir: path.join(dir, 'tls'), hosts: [HOST] });
	registry = http.createServer((req, res) => {
		seen.push({ method: req.method, url: req.url, host: req.headers.host, proto: req.headers['x-forwarded-proto'], npmCommand: req.headers['npm-command'] });
		const body = JSON.stringify({ name: 'n8n-nodes-x', tarball: `${req.headers['x-forwarded-proto']}://${req.headers.host}/n8n-nodes-x/-/n8n-nodes-x-1.0.0.tgz` });
		res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
		res.end(body);
	});
	await new Promise((resolve) => registry.listen(0, '127.0.0.1', resolve));
	proxy = await startRegistryProxy({ registryUrl: `http://127.0.0.1:${registry.address().port}/`, certificate, host: HOST });
});
afterAll(async () => {
	await proxy.close();
	registry.closeAllConnections();
	await new Promise((resolve) => registry.close(resolve));
	fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
	seen = [];
	proxy.clearRequests();
});

/** CONNECT through the proxy; resolves the proxy's status and, on 200, the raw socket. */
function connect(target) {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: '127.0.0.1', port: proxy.port, method: 'CONNECT', path: target });
		req.on('connect', (res, socket) => resolve({ status: res.statusCode, socket }));
		req.on('response', (res) => resolve({ status: res.statusCode }));
		req.on('error', reject);
		req.end();
	});
}

/**
 * GET https://<HOST><urlPath> through the proxy, trusting `ca`: HTTP/1.1 written by
 * hand on the TLS socket inside the tunnel, so nothing can go anywhere but 127.0.0.1.
 */
async function getThroughProxy(urlPath, { ca = fs.readFileSync(certificate.caFile), headers = {} } = {}) {
	const { status, socket } = await connect(`${HOST}:443`);
	expect(status).toBe(200);
	return await new Promise((resolve, reject) => {
		const secure = tls.connect({ socket, servername: HOST, ca }, () => {
			const lines = [`GET ${urlPath} HTTP/1.1`, `Host: ${HOST}`, 'Connection: close', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
			secure.write(`${lines.join('\r\n')}\r\n\r\n`);
		});
		const chunks = [];
		secure.on('data', (chunk) => chunks.push(chunk));
		secure.on('error', reject);
		secure.on('end', () => {
			try {
				const [head, body] = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n');
				resolve({ status: Number(head.split(' ')[1]), json: JSON.parse(body) });
			} catch (error) {
				reject(error);
			}
		});
	});
}

test('dev/tls makes a CA and a server certificate for the host, and keeps no CA key', () => {
	expect(fs.readdirSync(path.join(dir, 'tls')).sort()).toEqual(['ca.pem', 'server.key', 'server.pem']);
	const cert = new (require('node:crypto').X509Certificate)(certificate.cert);
	const ca = new (require('node:crypto').X509Certificate)(fs.readFileSync(certificate.caFile));
	expect(cert.subjectAltName).toBe(`DNS:${HOST}`);
	expect(cert.checkIssued(ca)).toBe(true);
	expect(cert.verify(ca.publicKey)).toBe(true);
	expect(ca.ca).toBe(true);
	expect(ca.subject).toMatch(/CN=chargepilot test CA [0-9a-f]{12}/);
});

test(`CONNECT ${HOST}:443 is answered from the local registry, with that host and https for the addresses it makes`, async () => {
	const res = await getThroughProxy('/n8n-nodes-x', { headers: { 'npm-command': 'pack', 'user-agent': 'npm/11.19.1 node/v24' } });
	expect(res).toEqual({ status: 200, json: { name: 'n8n-nodes-x', tarball: `https://${HOST}/n8n-nodes-x/-/n8n-nodes-x-1.0.0.tgz` } });
	expect(seen).toEqual([{ method: 'GET', url: '/n8n-nodes-x', host: HOST, proto: 'https', npmCommand: 'pack' }]);
	const missing = await getThroughProxy('/missing');
	expect(missing.status).toBe(404);
	expect(proxy.requests).toEqual([
		{ via: 'connect', outcome: 'forwarded', target: HOST, method: 'GET', path: '/n8n-nodes-x', status: 200, userAgent: 'npm/11.19.1', npmCommand: 'pack' },
		{ via: 'connect', outcome: 'forwarded', target: HOST, method: 'GET', path: '/missing', status: 404, userAgent: '', npmCommand: '' },
	]);
});

test('a client that does not trust the test CA is refused by TLS and reaches nothing', async () => {
	await expect(getThroughProxy('/n8n-nodes-x', { ca: [] })).rejects.toThrow(/self-signed|unable to (get|verify)|certificate/i);
	expect(seen).toEqual([]);
});

test('every other destination is refused: CONNECT elsewhere, plain requests for other hosts', async () => {
	expect((await connect('api.n8n.io:443')).status).toBe(403);
	expect((await connect(`${HOST}:80`)).status).toBe(403);
	const plain = await new Promise((resolve, reject) => {
		http.get({ host: '127.0.0.1', port: proxy.port, path: 'http://example.com/' }, (res) => resolve(res.statusCode)).on('error', reject);
	});
	expect(plain).toBe(403);
	const absolute = await new Promise((resolve, reject) => {
		http.get({ host: '127.0.0.1', port: proxy.port, path: `https://${HOST}/n8n-nodes-x` }, (res) => {
			res.resume();
			resolve(res.statusCode);
		}).on('error', reject);
	});
	expect(absolute).toBe(200);
	expect(seen.map((request) => [request.url, request.host])).toEqual([['/n8n-nodes-x', HOST]]);
	expect(proxy.requests.map((request) => `${request.via} ${request.outcome} ${request.target}`)).toEqual([
		'connect refused api.n8n.io:443',
		`connect refused ${HOST}:80`,
		'plain refused http://example.com/',
		`plain forwarded ${HOST}`,
	]);
});

test('the proxy has no host of its own: the caller names it (the install suite reads it from n8n)', async () => {
	const registryUrl = `http://127.0.0.1:${registry.address().port}/`;
	await expect(startRegistryProxy({ registryUrl, certificate })).rejects.toThrow('startRegistryProxy: host must be a host name, got undefined');
	await expect(startRegistryProxy({ registryUrl, certificate, host: 'https://registry.stand-in.test' })).rejects.toThrow(/host must be a host name/);
});
