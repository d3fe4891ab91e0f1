/**
 * Answers, not pages (issue 24), in n8n's real engine against the sandbox: All Sites and Several
 * Sites, Periods in each site's own time zone (Europe/Berlin, America/New_York, Asia/Kolkata: both
 * DST changes of 2026, the last day of a month, a leap day, an empty period, a site without a time
 * zone), the added fields (local times, kWh, minutes, Energy Field), and Summarize, whose sums are
 * checked against sums this test computes itself from the events Get Many returns.
 *
 * The expected windows are written out by hand (UTC), not computed with the package's own period
 * code: a shared bug could not hide.
 */
import type { IDataObject } from 'n8n-workflow';

import { runNode } from '../harness/engine';
import { sandboxCredentials, startSandbox, useSandbox, type Sandbox } from '../harness/sandbox';

const BERLIN = 'site-berlin-depot';
const BROOKLYN = 'site-brooklyn-fleet-yard';
const KOLKATA = 'site-kolkata-tech-park';
// The sandbox reads its clock through Date.now, so a test can set n8n's and the sandbox's at once.
const sandbox = useSandbox({ now: () => Date.now() }, { lies: null });
const creds = (own?: Sandbox) => sandboxCredentials(own ?? sandbox());
const rl = (value: string) => ({ __rl: true, mode: 'id', value });
const json = (items: Array<{ json: IDataObject }>) => items.map((item) => item.json);

afterEach(() => jest.restoreAllMocks());

/** Runs the node with n8n's (and the sandbox's) clock at `at`. */
async function runAt(at: string, parameters: Record<string, unknown>, extra: { timezone?: string; continueOnFail?: boolean; own?: Sandbox } = {}) {
	jest.spyOn(Date, 'now').mockReturnValue(Date.parse(at));
	try {
		return await runNode({ parameters, credentials: creds(extra.own), timezone: extra.timezone, continueOnFail: extra.continueOnFail });
	} finally {
		jest.restoreAllMocks();
	}
}

/** The from/to the sandbox was asked for, per site. */
function windowsAsked(): Record<string, [string, string]> {
	const asked: Record<string, [string, string]> = {};
	for (const request of sandbox().requests) {
		const match = /\/charging-events\/site\/([^?]+)\?(.*)$/.exec(request.target);
		if (!match) continue;
		const query = new URLSearchParams(match[2]);
		asked[decodeURIComponent(match[1])] = [String(query.get('from')), String(query.get('to'))];
	}
	return asked;
}

function eventsIn(site: string, from: string, to: string, own?: Sandbox) {
	return (own ?? sandbox())
		.getEvents(site)
		.filter((event) => Date.parse(String(event.start_time)) >= Date.parse(from) && Date.parse(String(event.start_time)) < Date.parse(to));
}

/** Sessions starting at these instants (UTC), one hour long, 10,000 Wh each unless given. */
function addAt(site: string, starts: string[], energyWh = 10_000) {
	return sandbox()
		.addEvents(site, starts.map((start) => ({ start_time: start, duration: 3600, energy_wh: energyWh })))
		.map((event) => event.transaction_id);
}

const events = (extra: Record<string, unknown>) => ({ resource: 'chargingEvent', operation: 'getAll', returnAll: true, ...extra });
const summarize = (extra: Record<string, unknown>) => ({ resource: 'chargingEvent', operation: 'summarize', ...extra });

describe('Periods in each site\'s own time zone', () => {
	test('Yesterday the day after the spring change of 2026: Berlin\'s is 23 hours, New York\'s 24 (changed three weeks before), Kolkata\'s starts at 18:30 UTC', async () => {
		const { error, items } = await runAt('2026-03-30T12:00:00Z', events({ siteScope: 'several', siteIds: [BERLIN, BROOKLYN, KOLKATA], period: 'yesterday' }));
		expect(error).toBeUndefined();
		expect(windowsAsked()).toEqual({
			[BERLIN]: ['2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z'],
			[BROOKLYN]: ['2026-03-29T04:00:00Z', '2026-03-30T04:00:00Z'],
			[KOLKATA]: ['2026-03-28T18:30:00Z', '2026-03-29T18:30:00Z'],
		});
		const berlin = json(items).filter((event) => event.site_id === BERLIN);
		expect(berlin.map((event) => event.transaction_id)).toEqual(eventsIn(BERLIN, '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z').map((event) => event.transaction_id));
		expect(berlin[0]).toMatchObject({
			site_name: 'Berlin Bus Depot Marienfelde',
			timezone: 'Europe/Berlin',
			period_start: '2026-03-28T23:00:00Z',
			period_end: '2026-03-29T22:00:00Z',
			period_start_local: '2026-03-29T00:00:00+01:00',
			period_end_local: '2026-03-30T00:00:00+02:00',
			time_zone: 'Europe/Berlin',
		});
		const kolkata = json(items).filter((event) => event.site_id === KOLKATA);
		expect(kolkata.every((event) => event.period_start_local === '2026-03-29T00:00:00+05:30' && event.period_end_local === '2026-03-30T00:00:00+05:30')).toBe(true);
		// In site order (the order given), each site's in start order.
		expect([...new Set(json(items).map((event) => event.site_id))]).toEqual([BERLIN, BROOKLYN, KOLKATA].filter((site) => json(items).some((event) => event.site_id === site)));
	});

	test('Yesterday after the autumn changes: Berlin\'s 25 October and New York\'s 1 November last 25 hours; sessions at the edges land on the right day', async () => {
		const inBerlin = addAt(BERLIN, ['2026-10-24T22:00:00Z', '2026-10-25T22:59:59Z']);
		addAt(BERLIN, ['2026-10-24T21:59:59Z', '2026-10-25T23:00:00Z']); // 23:59:59 on the 24th, 00:00 on the 26th
		let run = await runAt('2026-10-26T09:00:00Z', events({ siteId: rl(BERLIN), period: 'yesterday' }));
		expect(run.error).toBeUndefined();
		expect(windowsAsked()[BERLIN]).toEqual(['2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z']);
		expect(json(run.items).map((event) => event.transaction_id)).toEqual(inBerlin);
		expect(json(run.items)[0]).toMatchObject({ period_start_local: '2026-10-25T00:00:00+02:00', period_end_local: '2026-10-26T00:00:00+01:00' });

		sandbox().clearRequests();
		const inBrooklyn = addAt(BROOKLYN, ['2026-11-01T04:00:00Z', '2026-11-02T04:59:59Z']);
		run = await runAt('2026-11-02T15:00:00Z', events({ siteId: rl(BROOKLYN), period: 'yesterday' }));
		expect(windowsAsked()[BROOKLYN]).toEqual(['2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z']);
		expect(json(run.items).map((event) => event.transaction_id)).toEqual(inBrooklyn);
	});

	test('the last day of a month, and Last Month across a leap day (February 2028 has 29 days)', async () => {
		const lastDay = addAt(KOLKATA, ['2026-04-29T18:30:00Z', '2026-04-30T18:29:59Z']);
		addAt(KOLKATA, ['2026-04-30T18:30:00Z']); // 1 May, local
		const yesterday = await runAt('2026-05-01T06:00:00Z', events({ siteId: rl(KOLKATA), period: 'yesterday' }));
		expect(windowsAsked()[KOLKATA]).toEqual(['2026-04-29T18:30:00Z', '2026-04-30T18:30:00Z']);
		// The seeded sessions of that day and the two added at its edges, not the one of 1 May.
		expect(json(yesterday.items).map((event) => event.transaction_id)).toEqual(eventsIn(KOLKATA, '2026-04-29T18:30:00Z', '2026-04-30T18:30:00Z').map((event) => event.transaction_id));
		expect(json(yesterday.items).map((event) => event.transaction_id)).toEqual(expect.arrayContaining(lastDay));

		sandbox().clearRequests();
		const february = addAt(BERLIN, ['2028-01-31T23:00:00Z', '2028-02-29T12:00:00Z', '2028-02-29T22:59:59Z']);
		addAt(BERLIN, ['2028-02-29T23:00:00Z']); // 1 March, local
		const lastMonth = await runAt('2028-03-15T10:00:00Z', events({ siteId: rl(BERLIN), period: 'lastMonth' }));
		expect(windowsAsked()[BERLIN]).toEqual(['2028-01-31T23:00:00Z', '2028-02-29T23:00:00Z']);
		expect(json(lastMonth.items).map((event) => event.transaction_id)).toEqual(february);
	});

	test("the workflow's time zone instead of each site's, when asked: every site gets the same day", async () => {
		await runAt('2026-03-30T12:00:00Z', events({ siteScope: 'several', siteIds: [BERLIN, KOLKATA], period: 'yesterday', options: { periodTimeZone: 'workflow' } }), { timezone: 'America/New_York' });
		expect(windowsAsked()).toEqual({
			[BERLIN]: ['2026-03-29T04:00:00Z', '2026-03-30T04:00:00Z'],
			[KOLKATA]: ['2026-03-29T04:00:00Z', '2026-03-30T04:00:00Z'],
		});
	});

	test('Today So Far at a site\'s midnight is an empty period: nothing is asked for that site, nothing returned', async () => {
		// 18:30 UTC is 00:00 in Kolkata.
		const { items, error } = await runAt('2026-03-30T18:30:00Z', events({ siteId: rl(KOLKATA), period: 'today' }));
		expect(error).toBeUndefined();
		expect(items).toEqual([]);
		expect(sandbox().requests.map((request) => request.target)).toEqual([`/rest/v1/sites/${KOLKATA}`]);
	});

	test('a site without a usable time zone: the workflow\'s, with a warning that says so, never silently', async () => {
		const own = await startSandbox({ now: () => Date.now() });
		try {
			own.addSite('site-no-zone', { name: 'No Zone Garage', timezone: '' });
			own.addEvents('site-no-zone', [{ start_time: '2026-03-29T12:00:00Z', duration: 600 }]);
			const { items, hints } = await runAt('2026-03-30T12:00:00Z', events({ siteId: rl('site-no-zone'), period: 'yesterday' }), { timezone: 'Asia/Kolkata', own });
			expect(JSON.stringify(hints)).toMatch(/Site \\"No Zone Garage\\" \(site-no-zone\) has no time zone; its periods and local times use the workflow's time zone, Asia\/Kolkata/);
			expect(json(items)[0]).toMatchObject({ period_start: '2026-03-28T18:30:00Z', period_end: '2026-03-29T18:30:00Z', time_zone: 'Asia/Kolkata' });
		} finally {
			await own.close();
		}
	});
});

describe('All Sites and Several Sites', () => {
	const window = { period: 'custom', from: '2026-02-01T00:00:00Z', to: '2026-02-08T00:00:00Z' };

	test('All Sites: every site the key reads, each event with its site, in the sites\' order; one GET /sites', async () => {
		const { items, error } = await runAt('2026-03-01T00:00:00Z', events({ siteScope: 'all', ...window }));
		expect(error).toBeUndefined();
		const expected = sandbox().sites.flatMap((site) => eventsIn(String(site.id), window.from, window.to).map((event) => [site.id, event.transaction_id]));
		expect(json(items).map((event) => [event.site_id, event.transaction_id])).toEqual(expected);
		expect(json(items).every((event) => event.site_name === sandbox().sites.find((site) => site.id === event.site_id)?.name && typeof event.timezone === 'string')).toBe(true);
		expect(sandbox().requests.filter((request) => request.target === '/rest/v1/sites')).toHaveLength(1);
		expect(sandbox().requests.every((request) => request.auth.ok)).toBe(true);
	});

	test('Limit counts over all sites together', async () => {
		const { items } = await runAt('2026-03-01T00:00:00Z', events({ siteScope: 'all', ...window, returnAll: false, limit: 7 }));
		const expected = sandbox().sites.flatMap((site) => eventsIn(String(site.id), window.from, window.to).map((event) => event.transaction_id)).slice(0, 7);
		expect(json(items).map((event) => event.transaction_id)).toEqual(expected);
	});

	test('a site that cannot be read fails the item naming it; under Continue On Fail it is an error item and the others arrive', async () => {
		const own = await startSandbox({ now: () => Date.now() });
		try {
			own.addSite('bad/id', { name: 'Broken Listing' });
			const failed = await runAt('2026-03-01T00:00:00Z', events({ siteScope: 'all', ...window }), { own });
			expect(failed.error?.message).toBe('Site bad/id (Broken Listing): ChargePilot listed a site whose ID "bad/id" contains "/" or "\\", which an ID cannot hold');
			const kept = await runAt('2026-03-01T00:00:00Z', events({ siteScope: 'all', ...window }), { own, continueOnFail: true });
			expect(kept.error).toBeUndefined();
			const errors = json(kept.items).filter((item) => 'error' in item);
			expect(errors).toEqual([expect.objectContaining({ site_id: 'bad/id', site_name: 'Broken Listing', error: expect.stringMatching(/^Site bad\/id \(Broken Listing\): /) })]);
			expect(json(kept.items).filter((item) => !('error' in item))).toHaveLength(own.sites.filter((site) => site.id !== 'bad/id').flatMap((site) => eventsIn(String(site.id), window.from, window.to, own)).length);
		} finally {
			await own.close();
		}
	});

	test('Several Sites with an ID the key cannot read: named, nothing asked for it', async () => {
		const { error } = await runAt('2026-03-01T00:00:00Z', events({ siteScope: 'several', siteIds: [BERLIN, 'site-elsewhere'], ...window }));
		expect(error?.message).toMatch(/^Site site-elsewhere: Site site-elsewhere is not among the 5 sites this API key can read/);
		expect(sandbox().requests.some((request) => request.target.includes('site-elsewhere'))).toBe(false);
	});

	test('Several Sites checks its IDs before anything is sent (an ID with "/" from an expression)', async () => {
		const { error } = await runAt('2026-03-01T00:00:00Z', events({ siteScope: 'several', siteIds: '={{ ["site-berlin-depot", "../admin"] }}', ...window }));
		expect(error?.message).toBe('Site Names or IDs (item 0): the ID "../admin" contains "/" or "\\", which an ID cannot hold');
		expect(sandbox().requests).toHaveLength(0);
	});
});

describe('fields people want in a sheet', () => {
	test('local start and stop with the site\'s offset, energy_kwh, duration_minutes', async () => {
		const [id] = addAt(BROOKLYN, ['2026-07-04T15:30:00Z'], 12_345);
		const { items } = await runAt('2026-07-10T00:00:00Z', events({ siteId: rl(BROOKLYN), period: 'custom', from: '2026-07-04T15:00:00Z', to: '2026-07-04T16:00:00Z', options: { addLocalFields: true } }));
		expect(json(items).find((event) => event.transaction_id === id)).toMatchObject({
			start_time_local: '2026-07-04T11:30:00-04:00',
			stop_time_local: '2026-07-04T12:30:00-04:00',
			energy_kwh: 12.345,
			duration_minutes: 60,
		});
	});

	test('Energy Field names where the energy is; events without it are counted on the output, their energy_kwh null, never 0', async () => {
		const { items, hints } = await runAt('2026-03-01T00:00:00Z', events({ siteId: rl(BERLIN), period: 'custom', from: '2026-02-01T00:00:00Z', to: '2026-02-02T00:00:00Z', options: { addLocalFields: true, energyField: 'transaction_data.no_such_field' } }));
		expect(items.length).toBeGreaterThan(0);
		expect(json(items).every((event) => event.energy_kwh === null)).toBe(true);
		expect(JSON.stringify(hints)).toContain(`${items.length} of ${items.length} charging event(s) have no energy value at Energy Field \\"transaction_data.no_such_field\\": their energy_kwh is null, not 0`);
		const kwh = await runAt('2026-03-01T00:00:00Z', events({ siteId: rl(BERLIN), period: 'custom', from: '2026-02-01T00:00:00Z', to: '2026-02-02T00:00:00Z', options: { addLocalFields: true, energyField: 'transaction_data.meter_stop', energyUnit: 'Wh' } }));
		expect(json(kwh.items).every((event) => typeof event.energy_kwh === 'number')).toBe(true);
	});

	test('an Energy Field that is not a dot path is refused naming the field, nothing sent', async () => {
		const { error } = await runAt('2026-03-01T00:00:00Z', events({ siteId: rl(BERLIN), period: 'yesterday', options: { energyField: 'a..b' } }));
		expect(error?.message).toBe('Energy Field (item 0): "a..b" is not a dot path');
		expect(sandbox().requests).toHaveLength(0);
	});
});

describe('Summarize', () => {
	const period = { siteScope: 'all', period: 'lastMonth' };
	const at = '2026-04-10T10:00:00Z'; // Last Month: March 2026, both spring changes inside

	/** Get Many of the same selection with the added fields: what the test sums itself. */
	async function eventsOfSelection(extra: Record<string, unknown> = {}) {
		const { items, error } = await runAt(at, events({ ...period, ...extra, options: { addLocalFields: true, ...(extra.options as object) } }));
		expect(error).toBeUndefined();
		return json(items);
	}

	const wh = (kwh: unknown) => Math.round(Number(kwh) * 1000);

	test('per site and local day: one item per group, sums equal to the sums over Get Many\'s events, totals equal to the groups\' sums', async () => {
		const all = await eventsOfSelection();
		const { items, error } = await runAt(at, summarize({ ...period, groupBy: ['site', 'day'], options: { includeTotals: true } }));
		expect(error).toBeUndefined();
		const groups = json(items).filter((item) => item.totals !== true);
		const totals = json(items).find((item) => item.totals === true)!;
		// Expected groups computed here: the local day of each session from its own local start time.
		const expected = new Map<string, { sessions: number; wh: number; ms: number }>();
		for (const event of all) {
			const key = `${event.site_id} ${String(event.start_time_local).slice(0, 10)}`;
			const entry = expected.get(key) ?? { sessions: 0, wh: 0, ms: 0 };
			entry.sessions++;
			entry.wh += wh(event.energy_kwh);
			entry.ms += Number(event.duration) * 1000;
			expected.set(key, entry);
		}
		expect(groups).toHaveLength(expected.size);
		for (const group of groups) {
			const entry = expected.get(`${group.site_id} ${group.day}`)!;
			expect({ sessions: group.sessions, wh: wh(group.energy_kwh) }).toEqual({ sessions: entry.sessions, wh: entry.wh });
			expect(Math.abs(Number(group.duration_hours) - entry.ms / 3_600_000)).toBeLessThan(0.0006);
			expect(group.complete).toBe(true);
		}
		expect(totals.sessions).toBe(all.length);
		expect(wh(totals.energy_kwh)).toBe(all.reduce((sum, event) => sum + wh(event.energy_kwh), 0));
		expect(totals.groups).toBe(groups.length);
		// Berlin's 29 March is 23 hours long: the group says so.
		const dst = groups.find((group) => group.site_id === BERLIN && group.day === '2026-03-29');
		expect(dst).toMatchObject({ period_start: '2026-03-28T23:00:00Z', period_end: '2026-03-29T22:00:00Z', period_start_local: '2026-03-29T00:00:00+01:00', period_end_local: '2026-03-30T00:00:00+02:00' });
	});

	test('per driver card (ID tag) for one site: the reimbursement list', async () => {
		const all = await eventsOfSelection({ siteScope: 'one', siteId: rl(BERLIN) });
		const { items } = await runAt(at, summarize({ siteScope: 'one', siteId: rl(BERLIN), period: 'lastMonth', groupBy: ['idTag'] }));
		const byTag = new Map<string, number>();
		for (const event of all) byTag.set(String(event.id_tag), (byTag.get(String(event.id_tag)) ?? 0) + wh(event.energy_kwh));
		expect(json(items).map((group) => [group.id_tag, wh(group.energy_kwh)]).sort()).toEqual([...byTag].sort());
		expect(json(items).every((group) => group.period_start === '2026-02-28T23:00:00Z' && group.period_end === '2026-03-31T22:00:00Z')).toBe(true);
	});

	test('an empty period: no groups; the totals item says 0 sessions and null energy, not 0 kWh', async () => {
		const { items } = await runAt('2020-02-10T00:00:00Z', summarize({ siteId: rl(BERLIN), period: 'lastMonth', groupBy: ['site'], options: { includeTotals: true } }));
		expect(json(items)).toEqual([expect.objectContaining({ totals: true, sessions: 0, energy_kwh: null, duration_hours: null, complete: true })]);
	});

	test('a read ChargePilot leaves incomplete is said on every item (complete: false), not hidden', async () => {
		sandbox().configure({ truncated: true });
		const { items, error } = await runAt(at, summarize({ siteId: rl(KOLKATA), period: 'lastMonth', groupBy: ['site'], options: { includeTotals: true } }));
		expect(error).toBeUndefined();
		expect(json(items).every((item) => item.complete === false && /did not deliver every charging event of site site-kolkata-tech-park/.test(String(item.incomplete)))).toBe(true);
		const failing = await runAt(at, summarize({ siteId: rl(KOLKATA), period: 'lastMonth', groupBy: ['site'], options: { failOnTruncated: true } }));
		expect(failing.error?.message).toMatch(/did not deliver every charging event.*The summary would be short/);
	});

	test('Group By checks its values', async () => {
		const { error } = await runAt(at, summarize({ siteId: rl(BERLIN), period: 'lastMonth', groupBy: '={{ ["site", "weekday"] }}' }));
		expect(error?.message).toBe('Group By (item 0): "weekday" is not a group');
		expect(sandbox().requests).toHaveLength(0);
	});
});
