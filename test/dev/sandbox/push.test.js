'use strict';

/**
 * The sandbox's Push-API side (dev/sandbox/push.js).
 */

const http = require('node:http');

const { startSandbox } = require('../../../dev/sandbox');

jest.setTimeout(30000);

describe('pushSessions (the Push-API side)', () => {
	test('POSTs the latest sessions as Push-API objects with the subscription key, loopback only', async () => {
		const received = [];
		const server = http.createServer((req, res) => {
			let body = '';
			req.on('data', (chunk) => (body += chunk));
			req.on('end', () => {
				received.push({ key: req.headers['ocp-apim-subscription-key'], type: req.headers['content-type'], body: JSON.parse(body) });
				res.end('{"received":2}');
			});
		});
		await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
		const sandbox = await startSandbox({ eventCount: 20 });
		try {
			const result = await sandbox.pushSessions(`http://127.0.0.1:${server.address().port}/hook`, 'push-key-1', { count: 2 });
			expect(result).toEqual({ status: 200, body: '{"received":2}' });
			const last = sandbox.getEvents(sandbox.mainSiteId).slice(-2);
			expect(received).toHaveLength(1);
			expect(received[0].key).toBe('push-key-1');
			expect(received[0].type).toBe('application/json');
			expect(received[0].body.map((session) => session.TransactionID)).toEqual(last.map((event) => event.transaction_id));
			expect(Object.keys(received[0].body[0]).sort()).toEqual(['ChargerID', 'ConnectorID', 'EndAt', 'EndSoC', 'EnergyDelivered', 'Id', 'InitialSoC', 'StartAt', 'TransactionID']);
			expect(received[0].body[0].EnergyDelivered).toBe(last[0].energy_wh);
			await expect(sandbox.pushSessions('http://10.1.2.3/hook', 'k')).rejects.toThrow(/loopback/);
		} finally {
			await sandbox.close();
			await new Promise((resolve) => server.close(resolve));
		}
	});
});
