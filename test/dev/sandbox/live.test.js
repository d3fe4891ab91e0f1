'use strict';

/**
 * The sandbox as a live account (dev/sandbox/data.js, grow.js, index.js): a history that ends at a
 * given moment (dataUntil, e.g. 'now'), sessions recorded at a given moment (addEvents with
 * occurrence_time), and growth: one more session every so often, pushed to a webhook if asked.
 */

const http = require('node:http');
const path = require('node:path');
const { spawn } = require('node:child_process');

const { startSandbox } = require('../../../dev/sandbox');
const { signed } = require('./independent-client');

jest.setTimeout(30000);

const DAY = 86_400_000;
const UNTIL = Date.parse('2027-03-14T09:26:53Z');
const seconds = (iso) => Date.parse(iso) / 1000;

describe('sandbox: a history relative to a moment (dataUntil)', () => {
	let fixed;
	let moved;
	beforeAll(async () => {
		fixed = await startSandbox({ eventCount: 500 });
		moved = await startSandbox({ eventCount: 500, dataUntil: UNTIL, now: () => UNTIL + 5000 });
	});
	afterAll(async () => {
		await fixed.close();
		await moved.close();
	});

	test('by default the history is the fixed 2026-01-01 .. 2026-07-01 span', () => {
		expect(fixed.dataSpan).toEqual({ from: '2026-01-01T00:00:00Z', to: '2026-07-01T00:00:00Z' });
		const events = fixed.getEvents(fixed.mainSiteId);
		expect(events[0].start_time >= '2026-01-01T00:00:00Z').toBe(true);
		expect(events[events.length - 1].start_time < '2026-07-01T00:00:00Z').toBe(true);
	});

	test('every session of every site started in the 181 days before it and was recorded by it', () => {
		expect(moved.dataSpan).toEqual({ from: new Date(UNTIL - 181 * DAY - 15 * 60_000).toISOString().replace('.000', ''), to: new Date(UNTIL - 15 * 60_000).toISOString().replace('.000', '') });
		for (const site of moved.sites) {
			const events = moved.getEvents(site.id);
			expect(events).toHaveLength(fixed.countEvents(site.id));
			for (const event of events) {
				expect(seconds(event.start_time)).toBeGreaterThanOrEqual(seconds(moved.dataSpan.from));
				expect(seconds(event.start_time)).toBeLessThan(seconds(moved.dataSpan.to));
				expect(seconds(event.occurrence_time)).toBeLessThanOrEqual(Math.floor(UNTIL / 1000));
				expect(seconds(event.stop_time)).toBe(seconds(event.start_time) + event.duration);
				expect(event.duration).toBeGreaterThanOrEqual(60);
			}
		}
	});

	test('the same seed gives the same sessions, moved in time; only those still charging then are cut short', () => {
		const shift = seconds(moved.dataSpan.from) - seconds(fixed.dataSpan.from);
		let shortened = 0;
		for (const site of moved.sites) {
			const a = fixed.getEvents(site.id);
			const b = moved.getEvents(site.id);
			b.forEach((event, i) => {
				expect(event.transaction_id).toBe(a[i].transaction_id);
				expect(event.charger_id).toBe(a[i].charger_id);
				expect(event.id_tag).toBe(a[i].id_tag);
				expect(seconds(event.start_time) - seconds(a[i].start_time)).toBe(shift);
				if (event.duration !== a[i].duration) {
					shortened++;
					expect(event.duration).toBeLessThan(a[i].duration);
					expect(seconds(event.occurrence_time)).toBeGreaterThan(Math.floor(UNTIL / 1000) - 15 * 60);
				}
			});
		}
		expect(shortened).toBeLessThan(10);
	});

	test("the API serves them: yesterday's and the last day's sessions exist", async () => {
		const from = new Date(UNTIL - DAY).toISOString();
		const to = new Date(UNTIL).toISOString();
		const res = await signed(moved, `/rest/v1/charging-events/site/${moved.mainSiteId}?from=${from}&to=${to}`, { timestamp: Math.floor((UNTIL + 5000) / 1000) });
		expect(res.status).toBe(200);
		expect(res.json.count).toBeGreaterThan(0);
	});

	test("'now' is the sandbox clock at start; anything else that is not a moment is refused", async () => {
		const now = await startSandbox({ eventCount: 10, dataUntil: 'now', now: () => UNTIL });
		try {
			expect(now.dataSpan).toEqual(moved.dataSpan);
		} finally {
			await now.close();
		}
		await expect(startSandbox({ dataUntil: 'yesterday' })).rejects.toThrow(/dataUntil must be/);
		await expect(startSandbox({ dataUntil: Number.NaN })).rejects.toThrow(/dataUntil must be/);
	});
});

describe('sandbox: sessions recorded at a given moment (addEvents occurrence_time)', () => {
	test('without start_time the session ends and is recorded by then; with it, only the record delay moves', async () => {
		const sandbox = await startSandbox({ eventCount: 10 });
		try {
			const at = '2026-11-29T12:00:00Z';
			const [placed] = sandbox.addEvents('site-amsterdam-office', [{ occurrence_time: at }]);
			expect(placed.occurrence_time).toBe(at);
			expect(placed.stop_time <= at).toBe(true);
			const [both] = sandbox.addEvents('site-amsterdam-office', [{ start_time: '2026-11-29T10:00:00Z', duration: 600, occurrence_time: '2026-11-29T10:30:00Z' }]);
			expect(both).toMatchObject({ start_time: '2026-11-29T10:00:00Z', stop_time: '2026-11-29T10:10:00Z', occurrence_time: '2026-11-29T10:30:00Z' });
			expect(() => sandbox.addEvents('site-amsterdam-office', [{ start_time: '2026-11-29T10:00:00Z', duration: 600, occurrence_time: '2026-11-29T10:05:00Z' }])).toThrow(/before the session stops/);
			expect(() => sandbox.addEvents('site-amsterdam-office', [{ occurrence_time: 'soon' }])).toThrow(/invalid occurrence_time/);
		} finally {
			await sandbox.close();
		}
	});
});

describe('sandbox: growth (sandbox.grow)', () => {
	let server;
	let received;
	let answer;
	beforeEach(async () => {
		received = [];
		answer = { status: 200, body: '{"received":1}' };
		server = http.createServer((req, res) => {
			let body = '';
			req.on('data', (chunk) => (body += chunk));
			req.on('end', () => {
				received.push({ path: req.url, key: req.headers['ocp-apim-subscription-key'], body: JSON.parse(body) });
				res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
			});
		});
		await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	});
	afterEach(() => new Promise((resolve) => server.close(resolve)));

	test('one session per step, on each site in turn, recorded at the sandbox clock, served and pushed', async () => {
		let clock = UNTIL;
		const sandbox = await startSandbox({ eventCount: 50, dataUntil: UNTIL, now: () => clock });
		const seen = [];
		try {
			const growth = sandbox.grow({ everyMs: 3_600_000, push: { url: `http://127.0.0.1:${server.address().port}/webhook/cp`, subscriptionKey: 'push-key-1' }, onSession: (record) => seen.push(record) });
			const records = [];
			for (let i = 0; i < sandbox.sites.length + 1; i++) {
				clock += 180_000;
				records.push(await growth.next());
			}
			expect(records.map((r) => r.siteId)).toEqual([...sandbox.sites.map((s) => s.id), sandbox.sites[0].id]);
			expect(seen).toEqual(records);
			records.forEach((record, i) => {
				expect(record.event.occurrence_time).toBe(new Date(UNTIL + (i + 1) * 180_000).toISOString().replace('.000', ''));
				expect(record.event.stop_time <= record.event.occurrence_time).toBe(true);
				expect(record.push).toEqual({ status: 200, body: '{"received":1}' });
				expect(sandbox.getEvents(record.siteId).some((e) => e.transaction_id === record.event.transaction_id)).toBe(true);
			});
			expect(received.map((r) => [r.path, r.key, r.body.map((s) => s.TransactionID)])).toEqual(records.map((r) => ['/webhook/cp', 'push-key-1', [r.event.transaction_id]]));
			expect(growth.stats).toMatchObject({ sessions: sandbox.sites.length + 1, pushed: sandbox.sites.length + 1, pushFailed: 0 });

			const first = records[0].event;
			const res = await signed(sandbox, `/rest/v1/charging-events/site/${records[0].siteId}?from=${first.start_time}&to=${first.occurrence_time}`, { timestamp: Math.floor(clock / 1000) });
			expect(res.json.charging_events.map((e) => e.transaction_id)).toContain(first.transaction_id);

			answer = { status: 404, body: '{"message":"not registered"}' };
			const refused = await growth.next();
			expect(refused.push).toEqual({ status: 404, body: '{"message":"not registered"}' });
			expect(growth.stats).toMatchObject({ sessions: sandbox.sites.length + 2, pushed: sandbox.sites.length + 1, pushFailed: 1 });
		} finally {
			await sandbox.close();
		}
	});

	test('the timer adds sessions by itself and close() stops it', async () => {
		const sandbox = await startSandbox({ eventCount: 10 });
		const before = sandbox.countEvents(sandbox.mainSiteId);
		const growth = sandbox.grow({ everyMs: 1000, immediately: true });
		await new Promise((resolve) => setTimeout(resolve, 1500));
		await sandbox.close();
		const count = growth.stats.sessions;
		expect(count).toBeGreaterThanOrEqual(1);
		expect(sandbox.countEvents(sandbox.mainSiteId)).toBeGreaterThan(before);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(growth.stats.sessions).toBe(count);
		expect(() => sandbox.grow({ everyMs: 10 })).toThrow(/everyMs/);
		expect(() => sandbox.grow({ push: { url: 'http://127.0.0.1:1/x' } })).toThrow(/push must be/);
	});

	test('the CLI grows and pushes with --grow-every, --push-url and --push-key', async () => {
		const cli = path.join(__dirname, '..', '..', '..', 'dev', 'sandbox', 'cli.js');
		const url = `http://127.0.0.1:${server.address().port}/webhook/cli`;
		const child = spawn(process.execPath, [cli, '--port', '0', '--json', '--quiet', '--events', '20', '--grow-every', '1', '--push-url', url, '--push-key', 'cli-key-1', '--max-seconds', '20'], { stdio: 'ignore' });
		try {
			for (const until = Date.now() + 15_000; received.length < 2 && Date.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 100));
			expect(received.length).toBeGreaterThanOrEqual(2);
			expect(received[0]).toMatchObject({ path: '/webhook/cli', key: 'cli-key-1' });
			expect(received[0].body).toHaveLength(1);
			expect(received[1].body[0].TransactionID).toBeGreaterThan(received[0].body[0].TransactionID);
		} finally {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		}
		const usage = spawn(process.execPath, [cli, '--push-url', url, '--push-key', 'k'], { stdio: 'ignore' });
		expect(await new Promise((resolve) => usage.once('exit', resolve))).toBe(2);
	});
});
