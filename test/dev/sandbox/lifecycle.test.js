'use strict';

/**
 * The sandbox's start options, request log and close() (dev/sandbox/index.js, server.js).
 */

const http = require('node:http');

const { startSandbox } = require('../../../dev/sandbox');
const { fixedNow, send, signed } = require('./independent-client');

jest.setTimeout(30000);

describe('sandbox: lifecycle', () => {
	test('refuses non-loopback hosts and unknown options', async () => {
		await expect(startSandbox({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
		await expect(startSandbox({ host: '192.168.1.10' })).rejects.toThrow(/loopback/);
		await expect(startSandbox({ signedpath: 'full' })).rejects.toThrow(/unknown option signedpath/);
		await expect(startSandbox({ signedPath: 'both' })).rejects.toThrow(/signedPath/);
	});

	test('records method, raw target, headers, body and status', async () => {
		const sandbox = await startSandbox({ now: fixedNow, eventCount: 10 });
		try {
			const body = '{"x":"ü"}';
			await signed(sandbox, '/rest/v1/echo?a=%3A', { method: 'PUT', body, extraHeaders: { 'X-Custom': 'Yes' } });
			const entry = sandbox.lastRequest;
			expect(entry).toMatchObject({
				method: 'PUT',
				target: '/rest/v1/echo?a=%3A',
				bodyText: body,
				status: 200,
				auth: { ok: true, variant: 'full', reason: null },
			});
			expect(entry.headers['x-custom']).toBe('Yes');
			expect(entry.rawHeaders).toContain('X-Custom');
			expect(Buffer.isBuffer(entry.body)).toBe(true);
			expect(typeof entry.receivedAt).toBe('number');
			sandbox.clearRequests();
			expect(sandbox.requests).toHaveLength(0);
		} finally {
			await sandbox.close();
		}
	});

	test('close() ends idle keep-alive sockets promptly', async () => {
		const sandbox = await startSandbox({ eventCount: 10 });
		const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 60000 });
		try {
			const res = await send(sandbox, { target: '/rest/v1/ping', agent });
			expect(res.status).toBe(200);
			const sockets = Object.values(agent.freeSockets).flat();
			expect(sockets).toHaveLength(1);
			const socketClosed = new Promise((resolve) => sockets[0].once('close', resolve));
			const started = Date.now();
			await sandbox.close();
			await socketClosed;
			expect(Date.now() - started).toBeLessThan(4000);
			await sandbox.close(); // idempotent
			await expect(send(sandbox, { target: '/rest/v1/ping' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
		} finally {
			agent.destroy();
		}
	});

	test('close() also ends a response that is still delayed', async () => {
		const sandbox = await startSandbox({ eventCount: 10, faults: { latencyMs: 5000 } });
		const pending = send(sandbox, { target: '/rest/v1/ping' });
		await new Promise((resolve) => setTimeout(resolve, 100));
		const started = Date.now();
		await sandbox.close();
		await expect(pending).rejects.toBeDefined();
		expect(Date.now() - started).toBeLessThan(4000);
	});
});
