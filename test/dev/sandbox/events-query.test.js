'use strict';

/**
 * GET /charging-events/site/{id} of the sandbox: window, paging, sorting, validation
 * (dev/sandbox/events-query.js).
 */

const { startSandbox } = require('../../../dev/sandbox');
const { fixedNow, send, signed, eventsTarget, WHOLE_RANGE } = require('./independent-client');

jest.setTimeout(30000);

describe('sandbox: charging events', () => {
	let sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ now: fixedNow });
	});
	afterAll(() => sandbox.close());
	afterEach(() => sandbox.configure({ truncateAbove: null, truncated: false }));

	const get = (query, site = 'site-berlin-depot') => signed(sandbox, eventsTarget(site, query));

	test('seeded events have the documented shape', () => {
		const events = sandbox.getEvents('site-berlin-depot');
		expect(events).toHaveLength(6000);
		const first = events[0];
		expect(first).toEqual({
			transaction_id: expect.any(Number),
			occurrence_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
			start_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
			stop_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
			duration: expect.any(Number),
			transaction_data: expect.objectContaining({
				charger_id: first.charger_id,
				connector_id: first.connector_id,
				id_tag: first.id_tag,
				meter_start: expect.any(Number),
				meter_stop: expect.any(Number),
			}),
			energy_wh: expect.any(Number),
			charger_id: expect.any(String),
			connector_id: expect.any(Number),
			id_tag: expect.any(String),
			initial_soc: first.transaction_data.connector_type === 'CCS' ? expect.any(Number) : null,
			end_soc: first.transaction_data.connector_type === 'CCS' ? expect.any(Number) : null,
		});
		const inconsistent = events.filter((event) => {
			const start = Date.parse(event.start_time);
			const stop = Date.parse(event.stop_time);
			return !(stop > start) || event.duration !== (stop - start) / 1000 || event.occurrence_time < event.stop_time;
		});
		expect(inconsistent).toEqual([]);
		expect(events[0].start_time >= '2026-01-01T00:00:00Z').toBe(true);
		expect(events[events.length - 1].start_time < '2026-07-01T00:00:00Z').toBe(true);
		expect(events.some((e) => e.id_tag.includes('Müller-Flotte'))).toBe(true);
		expect(events.some((e) => e.initial_soc === null)).toBe(true);
		expect(sandbox.countEvents('site-amsterdam-office')).toBeGreaterThan(100);
	});

	test('paging with take/skip returns every event once, in default order, with ties by transaction_id', async () => {
		const collected = [];
		let skip = 0;
		let count;
		do {
			const res = await get(`${WHOLE_RANGE}&take=1000&skip=${skip}`);
			expect(res.status).toBe(200);
			expect(res.json.truncated).toBe(false);
			expect(res.json.dto_presence).toBe(true);
			count = res.json.count;
			collected.push(...res.json.charging_events);
			skip += res.json.charging_events.length;
		} while (skip < count);
		expect(count).toBe(6000);
		expect(collected).toEqual(sandbox.getEvents('site-berlin-depot'));
		expect(new Set(collected.map((e) => e.transaction_id)).size).toBe(6000);
		let ties = 0;
		for (let i = 1; i < collected.length; i++) {
			const [a, b] = [collected[i - 1], collected[i]];
			expect(a.start_time <= b.start_time).toBe(true);
			if (a.start_time === b.start_time) {
				ties++;
				expect(a.transaction_id).toBeLessThan(b.transaction_id);
			}
		}
		expect(ties).toBeGreaterThan(0);
	});

	test('take defaults to 100 and skip beyond count gives an empty page', async () => {
		const first = await get(WHOLE_RANGE);
		expect(first.json.charging_events).toHaveLength(100);
		const beyond = await get(`${WHOLE_RANGE}&skip=6000`);
		expect(beyond.json).toMatchObject({ charging_events: [], count: 6000 });
	});

	test('the window includes from and excludes to (on start_time)', async () => {
		const events = sandbox.getEvents('site-berlin-depot');
		const a = events[100].start_time;
		const b = events[200].start_time;
		const res = await get(`from=${a}&to=${b}&take=1000`);
		const expected = events.filter((e) => e.start_time >= a && e.start_time < b);
		expect(res.json.count).toBe(expected.length);
		expect(res.json.charging_events).toEqual(expected);
		expect(res.json.charging_events[0].start_time).toBe(a);
		// Offsets are honoured: the same window written in +01:00.
		const shifted = (iso) => new Date(Date.parse(iso) + 3600000).toISOString().replace('.000Z', '%2B01:00');
		const withOffset = await get(`from=${shifted(a)}&to=${shifted(b)}&take=1000`);
		expect(withOffset.json.count).toBe(expected.length);
		const empty = await get(`from=${a}&to=${a}`);
		expect(empty.json.count).toBe(0);
	});

	test('sorting is stable across pages with transaction_id as tie-breaker', async () => {
		const window = 'from=2026-02-01T00:00:00Z&to=2026-02-08T00:00:00Z';
		const all = (await get(`${window}&take=1000&sort_field=energy_wh&sort_order=desc`)).json.charging_events;
		const expected = sandbox
			.getEvents('site-berlin-depot')
			.filter((e) => e.start_time >= '2026-02-01T00:00:00Z' && e.start_time < '2026-02-08T00:00:00Z')
			.sort((x, y) => y.energy_wh - x.energy_wh || x.transaction_id - y.transaction_id);
		expect(all).toEqual(expected);
		const paged = [];
		for (let skip = 0; skip < all.length; skip += 7) {
			paged.push(...(await get(`${window}&take=7&skip=${skip}&sort_field=energy_wh&sort_order=desc`)).json.charging_events);
		}
		expect(paged).toEqual(all);

		const byStartDesc = (await get(`${window}&take=1000&sort_order=desc`)).json.charging_events;
		for (let i = 1; i < byStartDesc.length; i++) {
			const [x, y] = [byStartDesc[i - 1], byStartDesc[i]];
			expect(x.start_time >= y.start_time).toBe(true);
			if (x.start_time === y.start_time) expect(x.transaction_id).toBeLessThan(y.transaction_id);
		}
		for (const field of ['transaction_id', 'occurrence_time', 'stop_time', 'duration']) {
			const res = await get(`${window}&take=5&sort_field=${field}`);
			expect(res.status).toBe(200);
		}
	});

	test('search_text matches case-insensitively, including non-ASCII id tags', async () => {
		const events = sandbox.getEvents('site-berlin-depot');
		const expected = events.filter((e) => e.id_tag.toLowerCase().includes('müller'));
		expect(expected.length).toBeGreaterThan(0);
		for (const term of ['m%C3%BCller', 'M%C3%9CLLER']) {
			const res = await get(`${WHOLE_RANGE}&take=1000&search_text=${term}`);
			expect(res.json.count).toBe(expected.length);
			expect(res.json.charging_events.every((e) => /müller/i.test(e.id_tag))).toBe(true);
		}
		const byCharger = await get(`${WHOLE_RANGE}&search_text=ber-dc-01`);
		expect(byCharger.json.count).toBe(events.filter((e) => e.charger_id.startsWith('BER-DC-01')).length);
	});

	test.each([
		['to=2026-02-01T00:00:00Z', /^from is required/],
		['from=2026-01-01T00:00:00Z', /^to is required/],
		['from=yesterday&to=2026-02-01T00:00:00Z', /^from must be a valid ISO 8601 date-time/],
		['from=2026-02-30T00:00:00Z&to=2026-03-01T00:00:00Z', /^from must be a valid ISO 8601/],
		['from=2026-01-01T00:00:00+01:00&to=2026-02-01T00:00:00Z', /send the offset as %2B/],
		[`${WHOLE_RANGE}&search_text=${'x'.repeat(101)}`, /^search_text must be shorter than or equal to 100/],
		[`${WHOLE_RANGE}&sort_field=cost`, /^sort_field must be one of the following values: transaction_id, occurrence_time, start_time, stop_time, duration, energy_wh$/],
		[`${WHOLE_RANGE}&sort_order=up`, /^sort_order must be one of the following values: asc, desc$/],
		[`${WHOLE_RANGE}&take=0`, /^take must be an integer between 1 and 1000/],
		[`${WHOLE_RANGE}&take=1001`, /^take must be an integer between 1 and 1000/],
		[`${WHOLE_RANGE}&take=2.5`, /^take must be an integer/],
		[`${WHOLE_RANGE}&skip=-1`, /^skip must be an integer >= 0/],
		[`${WHOLE_RANGE}&skip=abc`, /^skip must be an integer >= 0/],
	])('400 for %s', async (query, message) => {
		const res = await get(query);
		expect(res.status).toBe(400);
		expect(res.json.statusCode).toBe(400);
		expect(res.json.error).toBe('Bad Request');
		expect(res.json.message).toEqual([expect.stringMatching(message)]);
	});

	test('400 when to is before from; unknown parameters are ignored; 100-char search is fine', async () => {
		const res = await get('from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z');
		expect(res.status).toBe(400);
		expect(res.json).toEqual({ statusCode: 400, message: 'to must not be earlier than from', error: 'Bad Request' });
		expect((await get(`${WHOLE_RANGE}&page=3&foo=bar`)).status).toBe(200);
		expect((await get(`${WHOLE_RANGE}&search_text=${'x'.repeat(100)}`)).json.count).toBe(0);
		const both = await get('take=0');
		expect(both.json.message).toHaveLength(3);
	});

	test('truncateAbove caps count and serves only that many; truncated forces the flag', async () => {
		sandbox.configure({ truncateAbove: 500 });
		const page = await get(`${WHOLE_RANGE}&take=100&skip=450`);
		expect(page.json.count).toBe(500);
		expect(page.json.truncated).toBe(true);
		expect(page.json.charging_events).toHaveLength(50);
		expect(page.json.charging_events[49]).toEqual(sandbox.getEvents('site-berlin-depot')[499]);
		const small = await get('from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z');
		expect(small.json.truncated).toBe(false);
		sandbox.configure({ truncateAbove: null, truncated: true });
		const forced = await get('from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z');
		expect(forced.json.truncated).toBe(true);
		expect(forced.json.count).toBe(small.json.count);
	});

	test('addEvents appends later events with new, increasing transaction ids', async () => {
		const site = 'site-los-angeles-showroom';
		const before = sandbox.getEvents(site);
		const last = before[before.length - 1];
		const maxId = Math.max(...sandbox.sites.flatMap((s) => sandbox.getEvents(s.id).map((e) => e.transaction_id)));
		const added = sandbox.addEvents(site, 3);
		expect(added).toHaveLength(3);
		expect(added[0].transaction_id).toBe(maxId + 1);
		expect(added[0].start_time > last.start_time).toBe(true);
		const custom = sandbox.addEvents(site, [{ id_tag: 'Zoë Test', energy_wh: 4242 }]);
		expect(custom[0]).toMatchObject({ id_tag: 'Zoë Test', energy_wh: 4242, transaction_id: maxId + 4 });
		expect(sandbox.getEvents(site)).toHaveLength(before.length + 4);
		const res = await get(`from=${last.start_time}&to=2027-01-01T00:00:00Z&search_text=zo%C3%AB`, site);
		expect(res.json.charging_events).toEqual(custom);
		expect(res.json.dto_presence).toBe(false);
		expect(() => sandbox.addEvents(site, [{ cost: 1 }])).toThrow(/unsupported field cost/);
		expect(() => sandbox.addEvents('site-nowhere', 1)).toThrow(/Unknown sandbox site/);
	});

	// How fast they are generated is for a benchmark, not a test (shared machines are noisy).
	test('100,000 events are generated and paged to the end, sorted by another field', async () => {
		const big = await startSandbox({ eventCount: 100000 });
		try {
			expect(big.countEvents('site-berlin-depot')).toBe(100000);
			const res = await signed(big, eventsTarget('site-berlin-depot', `${WHOLE_RANGE}&take=1000&skip=99500&sort_field=duration`), {
				timestamp: Math.floor(Date.now() / 1000),
			});
			expect(res.json.count).toBe(100000);
			expect(res.json.charging_events).toHaveLength(500);
		} finally {
			await big.close();
		}
	});
});
