/**
 * What a hostile workflow editor can hand the credential through n8n's HTTP Request node (options
 * that reach `authenticate` in both the `url` and the legacy `uri` shape), sent through n8n's real
 * HTTP layer. A local "attacker" proxy records everything it can read: plain requests, CONNECT
 * tunnels, and what it decrypts when it answers CONNECT with its own certificate. The API key and
 * a valid signature must never reach it; nothing refused may reach the sandbox either.
 */
import 'n8n-core';
import { OutboundHttp } from '@n8n/backend-network';
import { Container } from '@n8n/di';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { ICredentialDataDecryptedObject, IHttpRequestOptions, IRequestOptions } from 'n8n-workflow';

import { ChargePilotApi } from '../../credentials/ChargePilotApi.credentials';
import { sandboxCredentials, startSandbox, type Sandbox } from '../harness/sandbox';

const credential = new ChargePilotApi();
let sandbox: Sandbox;

interface Seen {
	kind: 'http' | 'connect' | 'decrypted';
	target: string;
	headers: Record<string, unknown>;
}

/** A proxy that reads whatever it can: plain requests, CONNECT targets, and TLS it terminates itself. */
let proxy: { url: string; port: number; seen: Seen[]; close: () => Promise<void> };

async function startAttackerProxy(key: string, cert: string) {
	const seen: Seen[] = [];
	const sockets = new Set<Socket>();
	const decrypting = http.createServer((req, res) => {
		seen.push({ kind: 'decrypted', target: String(req.url), headers: req.headers });
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end('{"stolen":true}');
	});
	const server = http.createServer((req, res) => {
		seen.push({ kind: 'http', target: String(req.url), headers: req.headers });
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end('{"stolen":true}');
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	server.on('connect', (req, socket) => {
		seen.push({ kind: 'connect', target: String(req.url), headers: req.headers });
		socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
		const secure = new tls.TLSSocket(socket as Socket, { isServer: true, key, cert });
		secure.on('error', () => undefined);
		decrypting.emit('connection', secure);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		seen,
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

let tmp: string;
beforeAll(async () => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-attack-'));
	// A certificate of the attacker's own, for the real EU host name.
	execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=chargepilot-api.tmh.energy',
		'-addext', 'subjectAltName=DNS:chargepilot-api.tmh.energy', '-keyout', path.join(tmp, 'key.pem'), '-out', path.join(tmp, 'cert.pem')], { stdio: 'ignore' });
	proxy = await startAttackerProxy(fs.readFileSync(path.join(tmp, 'key.pem'), 'utf8'), fs.readFileSync(path.join(tmp, 'cert.pem'), 'utf8'));
	sandbox = await startSandbox({ signedPath: 'full' });
});
afterAll(async () => {
	await proxy?.close();
	await sandbox?.close();
	fs.rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => {
	proxy.seen.length = 0;
	sandbox.clearRequests();
});

const EU = { region: 'eu', apiKey: 'real-key-EU-1234', apiSecret: 'real-secret', signedPath: 'full' };
const PLAIN_REMOTE = { region: 'custom', baseUrl: 'http://chargepilot.example.net/rest/v1', apiKey: 'real-key-HTTP-5678', apiSecret: 'real-secret', signedPath: 'full' };
const http_ = () => Container.get(OutboundHttp).requests();

/** Signs, then sends what was signed; the credential's refusal comes back as the rejection. */
async function attempt(credentials: ICredentialDataDecryptedObject, options: Record<string, unknown>) {
	const signed = await credential.authenticate(credentials, options as unknown as IHttpRequestOptions);
	if ('uri' in signed && !('url' in (signed as object) && (signed as { url?: string }).url)) {
		return await http_().requestLegacy({ ...(signed as unknown as IRequestOptions), simple: false, resolveWithFullResponse: true });
	}
	return await http_().request({ ...signed, returnFullResponse: true, ignoreHttpStatusErrors: true });
}

function nothingLeaked(key: string) {
	const everything = JSON.stringify(proxy.seen);
	expect(everything).not.toContain(key);
	expect(everything).not.toMatch(/x-signature/i);
}

describe('a per-request proxy', () => {
	test('plain-http remote base URL through a proxy (url shape): refused, the proxy sees nothing', async () => {
		await expect(attempt(PLAIN_REMOTE, { url: '/sites', proxy: { host: '127.0.0.1', port: proxy.port, protocol: 'http' } })).rejects.toThrow(/plain-http request that goes through a proxy/);
		expect(proxy.seen).toEqual([]);
	});

	test('plain-http remote base URL through a proxy (legacy uri shape, as the HTTP Request node sends it): refused', async () => {
		await expect(attempt(PLAIN_REMOTE, { method: 'GET', uri: 'http://chargepilot.example.net/rest/v1/sites', proxy: proxy.url, rejectUnauthorized: true, json: true })).rejects.toThrow(/proxy/);
		expect(proxy.seen).toEqual([]);
	});

	test('EU region through a proxy with Ignore SSL Issues (url shape): refused, no tunnel is even opened', async () => {
		await expect(attempt(EU, { url: '/sites', proxy: { host: '127.0.0.1', port: proxy.port, protocol: 'http' }, skipSslCertificateValidation: true })).rejects.toThrow(/TLS certificate checks turned off/);
		expect(proxy.seen).toEqual([]);
	});

	test('EU region through a proxy with Ignore SSL Issues (legacy uri shape, rejectUnauthorized: false): refused', async () => {
		await expect(attempt(EU, { method: 'GET', uri: 'https://chargepilot-api.tmh.energy/rest/v1/sites', proxy: proxy.url, rejectUnauthorized: false })).rejects.toThrow(/TLS certificate checks turned off/);
		expect(proxy.seen).toEqual([]);
	});

	test('EU region through a proxy with a CA of the request\'s own (SSL Certificates option): refused', async () => {
		const ca = fs.readFileSync(path.join(tmp, 'cert.pem'), 'utf8');
		await expect(attempt(EU, { method: 'GET', uri: 'https://chargepilot-api.tmh.energy/rest/v1/sites', proxy: proxy.url, rejectUnauthorized: true, agentOptions: { ca } })).rejects.toThrow(/certificate authority given with the request/);
		expect(proxy.seen).toEqual([]);
	});

	test('EU region through a proxy with TLS verified: allowed, and the proxy only ever sees a tunnel it cannot open', async () => {
		const result = attempt(EU, { url: '/sites', proxy: { host: '127.0.0.1', port: proxy.port, protocol: 'http' } });
		// The proxy's certificate is not trusted: the request fails in the TLS handshake.
		await expect(result).rejects.toThrow(/self.signed|certificate|unable to verify/i);
		expect(proxy.seen.map((entry) => `${entry.kind} ${entry.target}`)).toEqual(['connect chargepilot-api.tmh.energy:443']);
		nothingLeaked(EU.apiKey);
	});
});

describe('TLS verification turned off without a proxy', () => {
	test('for a remote host: refused (url and legacy shapes)', async () => {
		await expect(attempt(EU, { url: '/sites', skipSslCertificateValidation: true })).rejects.toThrow(/TLS certificate checks turned off/);
		await expect(attempt(EU, { url: '/sites', skipSslCertificateValidation: 'true' })).rejects.toThrow(/TLS certificate checks turned off/);
		await expect(attempt(EU, { method: 'GET', uri: 'https://chargepilot-api.tmh.energy/rest/v1/sites', rejectUnauthorized: false })).rejects.toThrow(/TLS/);
		await expect(attempt(EU, { url: '/sites', agentOptions: { rejectUnauthorized: false } })).rejects.toThrow(/TLS/);
		await expect(attempt(EU, { url: '/sites', agentOptions: { checkServerIdentity: () => undefined } })).rejects.toThrow(/TLS/);
	});

	test('for a loopback base URL: allowed (a local sandbox or tunnel)', async () => {
		const response = (await attempt(sandboxCredentials(sandbox), { url: '/sites', skipSslCertificateValidation: true })) as { statusCode: number };
		expect(response.statusCode).toBe(200);
		expect(sandbox.requests[0].auth.ok).toBe(true);
	});
});

describe('where the connection goes', () => {
	test('a Host header naming another host: refused, nothing reaches the sandbox', async () => {
		await expect(attempt(sandboxCredentials(sandbox), { url: '/sites', headers: { Host: 'evil.example.net' } })).rejects.toThrow(/Host header names another host/);
		await expect(attempt(sandboxCredentials(sandbox), { method: 'GET', uri: `${sandbox.baseUrl}/sites`, headers: { host: `127.0.0.1:${sandbox.port + 1}` } })).rejects.toThrow(/Host header/);
		// Values a URL parser reads as the base URL's host, but a proxy or virtual host reads as written.
		for (const host of [`evil@127.0.0.1:${sandbox.port}`, `127.0.0.1:${sandbox.port}/x`, `127%2e0.0.1:${sandbox.port}`]) {
			await expect(attempt(sandboxCredentials(sandbox), { url: '/sites', headers: { Host: host } })).rejects.toThrow(/Host header names another host/);
		}
		expect(sandbox.requests).toHaveLength(0);
	});

	test('a Host header naming the base URL host: sent and verified', async () => {
		const response = (await attempt(sandboxCredentials(sandbox), { url: '/sites', headers: { Host: `127.0.0.1:${sandbox.port}` } })) as { statusCode: number };
		expect(response.statusCode).toBe(200);
		expect(sandbox.requests[0].auth.ok).toBe(true);
	});

	test('agent options that would connect elsewhere: refused', async () => {
		for (const agentOptions of [{ host: '127.0.0.1' }, { port: proxy.port }, { socketPath: '/tmp/x.sock' }, { lookup: () => undefined }]) {
			await expect(attempt(EU, { url: '/sites', agentOptions })).rejects.toThrow(/would connect somewhere else/);
		}
		expect(proxy.seen).toEqual([]);
	});
});

describe('framing and header values', () => {
	test.each(['Transfer-Encoding', 'Connection', 'TE', 'Upgrade', 'Trailer', 'Keep-Alive', 'Proxy-Authorization', 'proxy-connection'])('%s is refused (both shapes)', async (name) => {
		const value = name === 'Transfer-Encoding' ? 'chunked' : 'x';
		await expect(attempt(sandboxCredentials(sandbox), { method: 'POST', url: '/echo', body: { a: 1 }, headers: { [name]: value } })).rejects.toThrow(/controls how the request is framed/);
		await expect(attempt(sandboxCredentials(sandbox), { method: 'POST', uri: `${sandbox.baseUrl}/echo`, body: { a: 1 }, json: true, headers: { [name]: value } })).rejects.toThrow(/framed/);
		expect(sandbox.requests).toHaveLength(0);
	});

	test('a Content-Length that does not match the signed body is refused; a matching one is harmless', async () => {
		await expect(attempt(sandboxCredentials(sandbox), { method: 'POST', url: '/echo', body: { a: 1 }, headers: { 'Content-Length': '3' } })).rejects.toThrow(/Content-Length header says 3 but the body is 7 bytes/);
		expect(sandbox.requests).toHaveLength(0);
		const response = (await attempt(sandboxCredentials(sandbox), { method: 'POST', url: '/echo', body: { a: 1 }, headers: { 'Content-Length': '7' } })) as { statusCode: number };
		expect(response.statusCode).toBe(200);
		expect(sandbox.requests[0].auth.ok).toBe(true);
	});

	test.each([
		['U+0001', 'a\u0001b', /control character/],
		['DEL', 'a\u007fb', /control character/],
		['a line break', 'a\r\nX-Injected: 1', /line break/],
		['a euro sign (beyond Latin-1)', 'price €', /only Latin-1/],
		['a lone surrogate', 'x\ud800', /only Latin-1/],
	])('a header value with %s is refused, not altered and sent', async (_name, value, message) => {
		await expect(attempt(sandboxCredentials(sandbox), { url: '/echo', headers: { 'X-Note': value } })).rejects.toThrow(message);
		await expect(attempt(sandboxCredentials(sandbox), { method: 'GET', uri: `${sandbox.baseUrl}/echo`, headers: { 'X-Note': value } })).rejects.toThrow(message);
		expect(sandbox.requests).toHaveLength(0);
	});

	test('Latin-1 and a tab in a header value go out byte for byte', async () => {
		await attempt(sandboxCredentials(sandbox), { url: '/echo', headers: { 'X-Note': 'Müller\tÅ' } });
		expect(sandbox.requests[0].auth.ok).toBe(true);
		const raw = sandbox.requests[0].headers['x-note'];
		expect(Buffer.from(raw, 'latin1').toString('latin1')).toBe('Müller\tÅ');
	});
});

describe('base URLs the parser would silently change', () => {
	test.each(['?', '/?', '#', '/#frag', '?x'])('a Base URL ending in "%s" is refused; nothing goes to the wrong path', async (suffix) => {
		const credentials = sandboxCredentials(sandbox, { baseUrl: `${sandbox.baseUrl}${suffix}` });
		await expect(attempt(credentials, { method: 'DELETE', url: '/echo/abc.def' })).rejects.toThrow(/must not contain "\?", "#"/);
		await expect(attempt(credentials, { method: 'GET', url: '/sites' })).rejects.toThrow(/Base URL/);
		expect(sandbox.requests).toHaveLength(0);
	});

	test('a backslash or a space in the Base URL is refused', async () => {
		await expect(attempt(sandboxCredentials(sandbox, { baseUrl: `${sandbox.origin}\\rest\\v1` }), { url: '/sites' })).rejects.toThrow(/Base URL/);
		await expect(attempt(sandboxCredentials(sandbox, { baseUrl: `${sandbox.baseUrl} ` .replace(/ $/, ' x') }), { url: '/sites' })).rejects.toThrow(/Base URL/);
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('bodies are signed as the bytes that are sent', () => {
	test('a Buffer that is not valid UTF-8 is signed byte for byte and verified', async () => {
		const bytes = Buffer.from([0xff, 0xfe, 0x41, 0xc3, 0x28, 0x80]);
		const response = (await attempt(sandboxCredentials(sandbox), { method: 'PUT', url: '/echo/raw', body: bytes, headers: { 'content-type': 'application/octet-stream' } })) as { statusCode: number; body: Record<string, unknown> };
		expect(response.statusCode).toBe(200);
		expect(sandbox.requests[0].auth.ok).toBe(true);
		expect(sandbox.requests[0].body.equals(bytes)).toBe(true);
	});

	test('a URL-encoded form (url shape: object body + form Content-Type) arrives as a form, verified', async () => {
		const response = (await attempt(sandboxCredentials(sandbox), { method: 'POST', url: '/echo/form', body: { a: 'x y', b: 'ü' }, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })) as { statusCode: number };
		expect(response.statusCode).toBe(200);
		expect(sandbox.requests[0].auth.ok).toBe(true);
		expect(sandbox.requests[0].bodyText).toBe('a=x%20y&b=%C3%BC');
	});

	test('a URL-encoded form (legacy shape: `form`, as the HTTP Request node\'s "Form Urlencoded") arrives as a form, verified', async () => {
		const response = (await attempt(sandboxCredentials(sandbox), { method: 'POST', uri: `${sandbox.baseUrl}/echo/form`, form: { a: 'x y', list: ['1', '2'] }, json: false })) as { statusCode: number };
		expect(response.statusCode).toBe(200);
		expect(sandbox.requests[0].auth.ok).toBe(true);
		expect(sandbox.requests[0].bodyText).toBe('a=x%20y&list=1&list=2');
		expect(sandbox.requests[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
	});

	test('a URL-encoded form (legacy shape: object body + form Content-Type) arrives as a form, verified', async () => {
		const response = (await attempt(sandboxCredentials(sandbox), { method: 'POST', uri: `${sandbox.baseUrl}/echo/form`, body: { a: '1&2' }, headers: { 'content-type': 'application/x-www-form-urlencoded' } })) as { statusCode: number };
		expect(response.statusCode).toBe(200);
		expect(sandbox.requests[0].auth.ok).toBe(true);
		expect(sandbox.requests[0].bodyText).toBe('a=1%262');
	});

	test('a form body that is not valid UTF-8 cannot be sent as signed: refused', async () => {
		await expect(attempt(sandboxCredentials(sandbox), { method: 'POST', url: '/echo', body: Buffer.from([0x61, 0x3d, 0xff]), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).rejects.toThrow(/not valid UTF-8/);
		expect(sandbox.requests).toHaveLength(0);
	});

	test('a multipart Content-Type is refused', async () => {
		await expect(attempt(sandboxCredentials(sandbox), { method: 'POST', url: '/echo', body: { a: 1 }, headers: { 'Content-Type': 'multipart/form-data; boundary=x' } })).rejects.toThrow(/multipart/);
	});
});

describe('other callers\' habits', () => {
	test('a lower-case method is signed and sent upper-case (both shapes)', async () => {
		for (const options of [{ method: 'post', url: '/echo/m', body: { a: 1 } }, { method: 'post', uri: `${sandbox.baseUrl}/echo/m`, body: { a: 1 }, json: true }]) {
			sandbox.clearRequests();
			const response = (await attempt(sandboxCredentials(sandbox), options)) as { statusCode: number };
			expect(response.statusCode).toBe(200);
			expect(sandbox.requests[0].method).toBe('POST');
			expect(sandbox.requests[0].auth.ok).toBe(true);
		}
	});

	test('a lone surrogate in a query value is refused with the parameter named', async () => {
		await expect(attempt(sandboxCredentials(sandbox), { url: '/echo', qs: { from: 'x\udc00y' } })).rejects.toThrow(/Query parameter "from" contains a lone UTF-16 surrogate/);
		await expect(attempt(sandboxCredentials(sandbox), { url: '/echo/\ud83d' })).rejects.toThrow(/lone UTF-16 surrogate/);
		expect(sandbox.requests).toHaveLength(0);
	});
});
