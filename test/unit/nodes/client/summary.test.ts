/**
 * The streaming summary: every group key and combinations, local days on DST days and at Kolkata's
 * half-hour offset, month and ISO week-year boundaries, null groups, exact sums (checked against
 * sums the test keeps itself, and against withLocalFields' per-event values), averages over the
 * sessions that have a value, deterministic order, periods.
 */
import type { IDataObject } from 'n8n-workflow';

import { withLocalFields } from '../../../../nodes/client/eventFields';
import { GROUP_KEYS, createSummary, type GroupKey, type SummarySite } from '../../../../nodes/client/summary';

const BERLIN: SummarySite = { id: 'site-berlin', name: 'Berlin Depot', timeZone: 'Europe/Berlin' };
const KOLKATA: SummarySite = { id: 'site-kolkata', name: 'Kolkata Yard', timeZone: 'Asia/Kolkata' };
const NEW_YORK: SummarySite = { id: 'site-ny', name: 'Brooklyn', timeZone: 'America/New_York' };

/** npm run mutate sets CHARGEPILOT_TEST_BULK=skip (test/setup-mutation.js): the sweeps run smaller there. */
const BULK = process.env.CHARGEPILOT_TEST_BULK !== 'skip';

let nextId = 1;
/** A sandbox-shaped event starting at `start` (UTC ISO) lasting `seconds`. */
function event(start: string, options: { seconds?: number; wh?: number | null; charger?: string; connector?: number; tag?: string } = {}): IDataObject {
	const seconds = options.seconds ?? 3600;
	const stop = new Date(Date.parse(start) + seconds * 1000).toISOString().replace('.000Z', 'Z');
	const out: IDataObject = { transaction_id: nextId++, start_time: start, stop_time: stop, duration: seconds };
	if (options.wh !== null) out.energy_wh = options.wh ?? 10_000;
	if (options.charger !== undefined) out.charger_id = options.charger;
	if (options.connector !== undefined) out.connector_id = options.connector;
	if (options.tag !== undefined) out.id_tag = options.tag;
	return out;
}

function summarize(groupBy: GroupKey[], items: Array<[IDataObject, SummarySite]>) {
	const summary = createSummary({ groupBy });
	for (const [e, site] of items) summary.add(e, site);
	return summary;
}

describe('GROUP_KEYS', () => {
	test('the options, in output order', () => {
		expect(GROUP_KEYS.map((key) => [key.value, key.name])).toEqual([
			['site', 'Site'],
			['day', 'Day'],
			['week', 'Week'],
			['month', 'Month'],
			['charger', 'Charger'],
			['connector', 'Connector'],
			['idTag', 'ID Tag'],
		]);
		for (const key of GROUP_KEYS) expect(key.description).not.toBe('');
	});

	test('an unknown key is a RangeError; duplicates and the order given do not matter', () => {
		expect(() => createSummary({ groupBy: ['site', 'hour' as GroupKey] })).toThrow(new RangeError('Unknown group key "hour"'));
		const items: Array<[IDataObject, SummarySite]> = [
			[event('2026-05-01T10:00:00Z', { charger: 'B' }), BERLIN],
			[event('2026-05-01T11:00:00Z', { charger: 'A' }), KOLKATA],
		];
		const a = summarize(['charger', 'site', 'charger'], items).groups();
		const b = summarize(['site', 'charger'], items).groups();
		expect(a).toEqual(b);
		expect(a.map((group) => Object.keys(group).slice(0, 3))).toEqual([
			['site_id', 'site_name', 'charger_id'],
			['site_id', 'site_name', 'charger_id'],
		]);
	});
});

describe('no grouping: one group over everything', () => {
	test('counts, sums, averages over sessions with the value, first start and last stop', () => {
		const summary = summarize(
			[],
			[
				[event('2026-05-01T10:00:00Z', { seconds: 1800, wh: 1000 }), BERLIN],
				[event('2026-05-01T08:00:00Z', { seconds: 5400, wh: 2001 }), BERLIN],
				[event('2026-05-02T09:00:00Z', { seconds: 3600, wh: null }), BERLIN],
			],
		);
		const [group] = summary.groups();
		expect(group).toEqual({
			sessions: 3,
			sessions_without_energy: 1,
			energy_kwh: 3.001,
			energy_kwh_avg: 1.501,
			sessions_without_duration: 0,
			duration_hours: 3,
			duration_hours_avg: 1,
			first_start: '2026-05-01T08:00:00Z',
			last_stop: '2026-05-02T10:00:00Z',
			period_start: null,
			period_end: null,
			period_start_local: null,
			period_end_local: null,
			time_zone: null,
		});
		expect(summary.sessions).toBe(3);
		expect(summary.withoutEnergy).toBe(1);
		expect(summary.withoutStart).toBe(0);
		expect(summary.energySources).toEqual(['energy_wh']);
		const { groups, sessions_without_start, ...rest } = summary.totals();
		expect(rest).toEqual(group);
		expect([groups, sessions_without_start]).toEqual([1, 0]);
	});

	test('no energy at all is null, never 0; no duration at all is null', () => {
		const summary = summarize([], [[{ transaction_id: 1 }, BERLIN]]);
		expect(summary.groups()[0]).toMatchObject({
			sessions: 1,
			sessions_without_energy: 1,
			energy_kwh: null,
			energy_kwh_avg: null,
			sessions_without_duration: 1,
			duration_hours: null,
			duration_hours_avg: null,
			first_start: null,
			last_stop: null,
		});
		expect(summary.energySources).toEqual([]);
	});

	test('a real 0 Wh session is energy 0 and counts in the average', () => {
		const summary = summarize(
			[],
			[
				[event('2026-05-01T10:00:00Z', { wh: 0 }), BERLIN],
				[event('2026-05-01T11:00:00Z', { wh: 3000 }), BERLIN],
			],
		);
		expect(summary.groups()[0]).toMatchObject({ energy_kwh: 3, energy_kwh_avg: 1.5, sessions_without_energy: 0 });
	});

	test('averages round to whole Wh and to 3 decimals of hours', () => {
		const summary = summarize(
			[],
			[
				[event('2026-05-01T10:00:00Z', { wh: 1, seconds: 1 }), BERLIN],
				[event('2026-05-01T11:00:00Z', { wh: 1, seconds: 1 }), BERLIN],
				[event('2026-05-01T12:00:00Z', { wh: 2, seconds: 2 }), BERLIN],
			],
		);
		// 4 Wh / 3 = 1.33 Wh -> 1 Wh; 4 s / 3 = 0.00037 h -> 0
		expect(summary.groups()[0]).toMatchObject({ energy_kwh: 0.004, energy_kwh_avg: 0.001, duration_hours: 0.001, duration_hours_avg: 0 });
	});

	test('the Energy Field option is used', () => {
		const summary = createSummary({ groupBy: [], energyField: { path: 'meter.kwh', unit: 'kWh' } });
		summary.add({ ...event('2026-05-01T10:00:00Z'), meter: { kwh: 2.5 } }, BERLIN);
		summary.add(event('2026-05-01T11:00:00Z'), BERLIN);
		expect(summary.groups()[0]).toMatchObject({ energy_kwh: 2.5, sessions_without_energy: 1 });
		expect(summary.withoutEnergy).toBe(1);
		expect(summary.energySources).toEqual(['meter.kwh']);
	});

	test('energy sources are listed once each, sorted', () => {
		const summary = createSummary({ groupBy: [] });
		summary.add({ transaction_data: { meter_start: 0, meter_stop: 3 } }, BERLIN);
		summary.add({ energy_wh: 5 }, BERLIN);
		summary.add({ EnergyDelivered: 5 }, BERLIN);
		summary.add({ energy_wh: 6 }, BERLIN);
		expect(summary.energySources).toEqual(['EnergyDelivered', 'energy_wh', 'transaction_data.meter_stop - transaction_data.meter_start']);
	});
});

describe('by site', () => {
	test('one group per site, ordered by ID, with the name and the query window as the period', () => {
		const window = { from: Date.parse('2026-04-30T22:00:00Z'), to: Date.parse('2026-05-01T22:00:00Z') };
		const kolkataWindow = { from: Date.parse('2026-04-30T18:30:00Z'), to: Date.parse('2026-05-01T18:30:00Z') };
		const summary = summarize(
			['site'],
			[
				[event('2026-05-01T10:00:00Z', { wh: 1000 }), { ...KOLKATA, window: kolkataWindow }],
				[event('2026-05-01T10:00:00Z', { wh: 2000 }), { ...BERLIN, window }],
				[event('2026-05-01T12:00:00Z', { wh: 4000 }), { ...BERLIN, window }],
			],
		);
		expect(summary.groups()).toEqual([
			expect.objectContaining({
				site_id: 'site-berlin',
				site_name: 'Berlin Depot',
				sessions: 2,
				energy_kwh: 6,
				energy_kwh_avg: 3,
				period_start: '2026-04-30T22:00:00Z',
				period_end: '2026-05-01T22:00:00Z',
				period_start_local: '2026-05-01T00:00:00+02:00',
				period_end_local: '2026-05-02T00:00:00+02:00',
				time_zone: 'Europe/Berlin',
			}),
			expect.objectContaining({
				site_id: 'site-kolkata',
				site_name: 'Kolkata Yard',
				sessions: 1,
				energy_kwh: 1,
				period_start: '2026-04-30T18:30:00Z',
				period_start_local: '2026-05-01T00:00:00+05:30',
				time_zone: 'Asia/Kolkata',
			}),
		]);
		// Totals: the hull of both windows; two zones, so no local times.
		expect(summary.totals()).toMatchObject({
			site_id: null,
			site_name: null,
			sessions: 3,
			energy_kwh: 7,
			groups: 2,
			period_start: '2026-04-30T18:30:00Z',
			period_end: '2026-05-01T22:00:00Z',
			period_start_local: null,
			period_end_local: null,
			time_zone: null,
		});
	});

	test('an empty query window (Today So Far at midnight) is a period of no length, not none', () => {
		const at = Date.parse('2026-05-01T22:00:00Z');
		const [group] = summarize(['site'], [[event('2026-05-01T10:00:00Z'), { ...BERLIN, window: { from: at, to: at } }]]).groups();
		expect(group).toMatchObject({ period_start: '2026-05-01T22:00:00Z', period_end: '2026-05-01T22:00:00Z', period_start_local: '2026-05-02T00:00:00+02:00' });
	});

	test('the first non-empty site name is kept', () => {
		const summary = summarize(
			['site'],
			[
				[event('2026-05-01T10:00:00Z'), { id: 's', timeZone: 'UTC' }],
				[event('2026-05-01T11:00:00Z'), { id: 's', name: '', timeZone: 'UTC' }],
				[event('2026-05-01T12:00:00Z'), { id: 's', name: 'First', timeZone: 'UTC' }],
				[event('2026-05-01T13:00:00Z'), { id: 's', name: 'Second', timeZone: 'UTC' }],
			],
		);
		expect(summary.groups()[0].site_name).toBe('First');
		expect(summarize(['site'], [[event('2026-05-01T10:00:00Z'), { id: 's', timeZone: 'UTC' }]]).groups()[0].site_name).toBeNull();
	});

	test("a site whose zone is unknown is a RangeError (the caller resolves zones first)", () => {
		const summary = createSummary({ groupBy: ['site'] });
		expect(() => summary.add(event('2026-05-01T10:00:00Z'), { id: 'x', timeZone: 'Mars/Base' })).toThrow(new RangeError('Unknown time zone "Mars/Base" of site x'));
		expect(summary.sessions).toBe(0);
	});
});

describe('by local day, week and month', () => {
	test('Berlin spring DST day: 00:30 and 23:30 local land on 29 March, whose period is 23 hours', () => {
		const summary = summarize(
			['day'],
			[
				[event('2026-03-28T22:59:59Z'), BERLIN], // 28 March 23:59:59 CET
				[event('2026-03-28T23:30:00Z'), BERLIN], // 29 March 00:30 CET
				[event('2026-03-29T21:30:00Z'), BERLIN], // 29 March 23:30 CEST
				[event('2026-03-29T22:00:00Z'), BERLIN], // 30 March 00:00 CEST
			],
		);
		const groups = summary.groups();
		expect(groups.map((group) => [group.day, group.sessions])).toEqual([
			['2026-03-28', 1],
			['2026-03-29', 2],
			['2026-03-30', 1],
		]);
		expect(groups[1]).toMatchObject({
			period_start: '2026-03-28T23:00:00Z',
			period_end: '2026-03-29T22:00:00Z',
			period_start_local: '2026-03-29T00:00:00+01:00',
			period_end_local: '2026-03-30T00:00:00+02:00',
			time_zone: 'Europe/Berlin',
		});
	});

	test('Berlin autumn DST day is 25 hours, and 00:30 and 23:30 local belong to it', () => {
		const summary = summarize(
			['day'],
			[
				[event('2026-10-24T22:30:00Z'), BERLIN], // 25 October 00:30 CEST
				[event('2026-10-25T22:30:00Z'), BERLIN], // 25 October 23:30 CET
			],
		);
		expect(summary.groups()).toEqual([
			expect.objectContaining({ day: '2026-10-25', sessions: 2, period_start: '2026-10-24T22:00:00Z', period_end: '2026-10-25T23:00:00Z' }),
		]);
	});

	test("Kolkata's days turn at 18:30Z", () => {
		const summary = summarize(
			['day'],
			[
				[event('2026-01-01T18:29:59Z'), KOLKATA],
				[event('2026-01-01T18:30:00Z'), KOLKATA],
				[event('2025-12-31T18:30:00Z'), KOLKATA],
			],
		);
		expect(summary.groups().map((group) => [group.day, group.sessions, group.period_start, group.period_start_local])).toEqual([
			['2026-01-01', 2, '2025-12-31T18:30:00Z', '2026-01-01T00:00:00+05:30'],
			['2026-01-02', 1, '2026-01-01T18:30:00Z', '2026-01-02T00:00:00+05:30'],
		]);
	});

	test('a month boundary: the last second of January and the first of February in Berlin', () => {
		const summary = summarize(
			['month'],
			[
				[event('2026-01-31T22:59:59Z'), BERLIN],
				[event('2026-01-31T23:00:00Z'), BERLIN],
			],
		);
		expect(summary.groups().map((group) => [group.month, group.period_start, group.period_end])).toEqual([
			['2026-01', '2025-12-31T23:00:00Z', '2026-01-31T23:00:00Z'],
			['2026-02', '2026-01-31T23:00:00Z', '2026-02-28T23:00:00Z'],
		]);
	});

	test('the ISO week-year: 31 December 2026 and 3 January 2027 are 2026-W53, 4 January 2027-W01', () => {
		const items: Array<[IDataObject, SummarySite]> = [
			[event('2026-12-31T12:00:00Z'), BERLIN],
			[event('2027-01-03T12:00:00Z'), BERLIN],
			[event('2027-01-04T12:00:00Z'), BERLIN],
		];
		expect(summarize(['week'], items).groups().map((group) => [group.week, group.sessions, group.period_start_local, group.period_end_local])).toEqual([
			['2026-W53', 2, '2026-12-28T00:00:00+01:00', '2027-01-04T00:00:00+01:00'],
			['2027-W01', 1, '2027-01-04T00:00:00+01:00', '2027-01-11T00:00:00+01:00'],
		]);
		// Week and month together: the part of the week in each month.
		expect(summarize(['week', 'month'], items).groups().map((group) => [group.week, group.month, group.sessions, group.period_start_local, group.period_end_local])).toEqual([
			['2026-W53', '2026-12', 1, '2026-12-28T00:00:00+01:00', '2027-01-01T00:00:00+01:00'],
			['2026-W53', '2027-01', 1, '2027-01-01T00:00:00+01:00', '2027-01-04T00:00:00+01:00'],
			['2027-W01', '2027-01', 1, '2027-01-04T00:00:00+01:00', '2027-01-11T00:00:00+01:00'],
		]);
	});

	test('day and week: the day is the period', () => {
		const [group] = summarize(['day', 'week'], [[event('2026-05-13T10:00:00Z'), BERLIN]]).groups();
		expect(group).toMatchObject({ day: '2026-05-13', week: '2026-W20', period_start: '2026-05-12T22:00:00Z', period_end: '2026-05-13T22:00:00Z' });
	});

	test('two sites in the same zone keep the local times of their shared day', () => {
		const other: SummarySite = { id: 'site-berlin-2', timeZone: 'Europe/Berlin' };
		const [group] = summarize(
			['day'],
			[
				[event('2026-05-01T10:00:00Z'), BERLIN],
				[event('2026-05-01T11:00:00Z'), other],
			],
		).groups();
		expect(group).toMatchObject({ sessions: 2, time_zone: 'Europe/Berlin', period_start_local: '2026-05-01T00:00:00+02:00' });
	});

	test("each site's own local day; one day key across zones covers the hull, without local times", () => {
		const summary = summarize(
			['day'],
			[
				[event('2026-05-01T23:30:00Z'), BERLIN], // 2 May in Berlin
				[event('2026-05-01T23:30:00Z'), NEW_YORK], // 1 May in New York
				[event('2026-05-01T10:00:00Z'), BERLIN], // 1 May
			],
		);
		expect(summary.groups()).toEqual([
			expect.objectContaining({
				day: '2026-05-01',
				sessions: 2,
				period_start: '2026-04-30T22:00:00Z',
				period_end: '2026-05-02T04:00:00Z',
				period_start_local: null,
				period_end_local: null,
				time_zone: null,
			}),
			expect.objectContaining({ day: '2026-05-02', sessions: 1, time_zone: 'Europe/Berlin', period_start_local: '2026-05-02T00:00:00+02:00' }),
		]);
	});

	test('sessions without a parseable start form the null day, last, with the query window as period', () => {
		const window = { from: Date.parse('2026-05-01T00:00:00Z'), to: Date.parse('2026-05-03T00:00:00Z') };
		const site = { ...BERLIN, window };
		const summary = summarize(
			['day'],
			[
				[{ transaction_id: 1, energy_wh: 500, start_time: 'not a time', stop_time: '2026-05-02T10:00:00Z' }, site],
				[event('2026-05-01T10:00:00Z', { wh: 1000 }), site],
				[{ transaction_id: 2 }, site],
			],
		);
		const groups = summary.groups();
		expect(groups.map((group) => [group.day, group.sessions])).toEqual([
			['2026-05-01', 1],
			[null, 2],
		]);
		expect(groups[1]).toMatchObject({
			energy_kwh: 0.5,
			sessions_without_energy: 1,
			first_start: null,
			last_stop: '2026-05-02T10:00:00Z',
			period_start: '2026-05-01T00:00:00Z',
			period_end: '2026-05-03T00:00:00Z',
			time_zone: 'Europe/Berlin',
		});
		expect(summary.withoutStart).toBe(2);
		expect(summary.totals()).toMatchObject({ day: null, sessions: 3, sessions_without_start: 2, groups: 2 });
	});
});

describe('by charger, connector and ID tag', () => {
	const items: Array<[IDataObject, SummarySite]> = [
		[event('2026-05-01T10:00:00Z', { charger: 'C2', connector: 10, tag: 'Müller' }), BERLIN],
		[event('2026-05-01T11:00:00Z', { charger: 'C1', connector: 2, tag: 'Peña' }), BERLIN],
		[event('2026-05-01T12:00:00Z', { charger: 'C1', connector: 10 }), BERLIN],
		[event('2026-05-01T13:00:00Z', { connector: 2, tag: 'Müller' }), BERLIN],
		[{ ...event('2026-05-01T14:00:00Z'), ChargerID: 'C1', ConnectorID: 1, Id: 'Peña' }, BERLIN],
	];

	test('missing values are a null group, last; digit strings sort by number', () => {
		expect(summarize(['charger'], items).groups().map((group) => [group.charger_id, group.sessions])).toEqual([
			['C1', 3],
			['C2', 1],
			[null, 1],
		]);
		expect(summarize(['connector'], items).groups().map((group) => [group.connector_id, group.sessions])).toEqual([
			['1', 1],
			['2', 2],
			['10', 2],
		]);
		expect(summarize(['idTag'], items).groups().map((group) => [group.id_tag, group.sessions])).toEqual([
			['Müller', 2],
			['Peña', 2],
			[null, 1],
		]);
	});

	test('charger and connector: one group per physical connector, ordered by charger then connector', () => {
		expect(summarize(['connector', 'charger'], items).groups().map((group) => [group.charger_id, group.connector_id, group.sessions])).toEqual([
			['C1', '1', 1],
			['C1', '2', 1],
			['C1', '10', 1],
			['C2', '10', 1],
			[null, '2', 1],
		]);
	});

	test('text by code units, digit strings by number: C10 before C2, 10a before 2b, 100 before 9x', () => {
		const summary = summarize(
			['charger', 'idTag'],
			[
				[event('2026-05-01T10:00:00Z', { charger: 'C2', tag: '2b' }), BERLIN],
				[event('2026-05-01T10:00:00Z', { charger: 'C10', tag: '9x' }), BERLIN],
				[event('2026-05-01T10:00:00Z', { charger: 'C10', tag: '100' }), BERLIN],
				[event('2026-05-01T10:00:00Z', { charger: 'C2', tag: '10a' }), BERLIN],
			],
		);
		expect(summary.groups().map((group) => [group.charger_id, group.id_tag])).toEqual([
			['C10', '100'],
			['C10', '9x'],
			['C2', '10a'],
			['C2', '2b'],
		]);
	});

	test('totals carry null for exactly the group key fields', () => {
		expect(Object.keys(summarize(['charger'], [[event('2026-05-01T10:00:00Z', { charger: 'A' }), BERLIN]]).totals()).slice(0, 2)).toEqual(['charger_id', 'sessions']);
	});

	test('without a calendar key the period is the query window, or null without one', () => {
		const [group] = summarize(['charger'], [[event('2026-05-01T10:00:00Z', { charger: 'A' }), BERLIN]]).groups();
		expect(group).toMatchObject({ period_start: null, period_end: null, period_start_local: null, time_zone: null });
	});
});

describe('combinations', () => {
	test('site and day', () => {
		const summary = summarize(
			['site', 'day'],
			[
				[event('2026-05-02T01:00:00Z'), NEW_YORK], // 1 May in New York
				[event('2026-05-01T23:00:00Z'), BERLIN], // 2 May in Berlin
				[event('2026-05-01T10:00:00Z'), BERLIN],
				[event('2026-05-01T10:00:00Z'), NEW_YORK],
			],
		);
		expect(summary.groups().map((group) => [group.site_id, group.day, group.sessions, group.period_start_local])).toEqual([
			['site-berlin', '2026-05-01', 1, '2026-05-01T00:00:00+02:00'],
			['site-berlin', '2026-05-02', 1, '2026-05-02T00:00:00+02:00'],
			['site-ny', '2026-05-01', 2, '2026-05-01T00:00:00-04:00'],
		]);
	});

	test('ID tag and month', () => {
		const summary = summarize(
			['idTag', 'month'],
			[
				[event('2026-04-30T21:59:59Z', { tag: 'B', wh: 1 }), BERLIN], // 30 April
				[event('2026-04-30T22:00:00Z', { tag: 'B', wh: 2 }), BERLIN], // 1 May
				[event('2026-05-10T10:00:00Z', { tag: 'A', wh: 4 }), BERLIN],
				[event('2026-05-11T10:00:00Z', { wh: 8 }), BERLIN],
			],
		);
		expect(summary.groups().map((group) => [group.month, group.id_tag, group.energy_kwh])).toEqual([
			['2026-04', 'B', 0.001],
			['2026-05', 'A', 0.004],
			['2026-05', 'B', 0.002],
			['2026-05', null, 0.008],
		]);
	});
});

describe('exact sums on generated data', () => {
	/** Deterministic pseudo-random numbers (mulberry32). */
	function random(seed: number) {
		return () => {
			seed = (seed + 0x6d2b79f5) | 0;
			let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
			t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
			return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
		};
	}

	const sites = [BERLIN, KOLKATA, NEW_YORK];
	const COUNT = BULK ? 3000 : 600;
	const next = random(7);
	const items: Array<[IDataObject, SummarySite]> = [];
	for (let index = 0; index < COUNT; index++) {
		const site = sites[Math.floor(next() * 3)];
		const start = Date.parse('2026-01-01T00:00:00Z') + Math.floor(next() * 366 * 86_400) * 1000;
		const seconds = Math.floor(next() * 20_000);
		const hasEnergy = next() > 0.1;
		const e: IDataObject = { transaction_id: index, start_time: new Date(start).toISOString(), stop_time: new Date(start + seconds * 1000).toISOString(), duration: seconds };
		if (hasEnergy) e.energy_wh = Math.floor(next() * 80_000);
		if (next() > 0.05) e.charger_id = `C${Math.floor(next() * 5)}`;
		if (next() > 0.05) e.connector_id = 1 + Math.floor(next() * 3);
		if (next() > 0.2) e.id_tag = `tag-${Math.floor(next() * 7)}`;
		items.push([e, site]);
	}

	/** The local date by Intl's own formatting (en-CA writes YYYY-MM-DD), independent of periods.ts. */
	const formats = new Map<string, Intl.DateTimeFormat>();
	const intlDay = (ms: number, timeZone: string) => {
		if (!formats.has(timeZone)) formats.set(timeZone, new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }));
		return formats.get(timeZone)!.format(new Date(ms));
	};

	test.each([[['site']], [['site', 'day']], [['month', 'charger']], [['week', 'connector', 'idTag']], [['site', 'day', 'week', 'month', 'charger', 'connector', 'idTag']]] as GroupKey[][][])(
		'totals equal the sums of the groups: %p',
		(groupBy) => {
			const summary = summarize(groupBy, items);
			const groups = summary.groups();
			const totals = summary.totals();
			const sum = (field: string, scale = 1) => groups.reduce((acc, group) => acc + Math.round(((group[field] as number) ?? 0) * scale), 0);
			expect(sum('sessions')).toBe(COUNT);
			expect(totals.sessions).toBe(COUNT);
			expect(sum('energy_kwh', 1000)).toBe(Math.round((totals.energy_kwh as number) * 1000));
			expect(sum('sessions_without_energy')).toBe(totals.sessions_without_energy);
			expect(totals.groups).toBe(groups.length);
			// Durations: each group rounds to 3 decimals of an hour, so the sum may differ by half a unit per group.
			expect(Math.abs(sum('duration_hours', 1000) - Math.round((totals.duration_hours as number) * 1000))).toBeLessThanOrEqual(groups.length / 2);
			// Deterministic: the same events in reverse give the same items.
			expect(summarize(groupBy, [...items].reverse()).groups()).toEqual(groups);
		},
	);

	test("energy and sessions per site and local day equal the test's own sums", () => {
		const expected = new Map<string, { sessions: number; wh: number; without: number; seconds: number }>();
		for (const [e, site] of items) {
			const key = `${site.id} ${intlDay(Date.parse(e.start_time as string), site.timeZone)}`;
			const entry = expected.get(key) ?? { sessions: 0, wh: 0, without: 0, seconds: 0 };
			entry.sessions++;
			if (typeof e.energy_wh === 'number') entry.wh += e.energy_wh;
			else entry.without++;
			entry.seconds += e.duration as number;
			expected.set(key, entry);
		}
		const groups = summarize(['site', 'day'], items).groups();
		expect(groups).toHaveLength(expected.size);
		const wrong: string[] = [];
		for (const group of groups) {
			const want = expected.get(`${group.site_id} ${group.day}`)!;
			if (group.sessions !== want.sessions || group.sessions_without_energy !== want.without) wrong.push(`${group.site_id} ${group.day} sessions`);
			if (Math.round((group.energy_kwh as number) * 1000) !== want.wh) wrong.push(`${group.site_id} ${group.day} energy`);
			// Thousandths of an hour, rounded half up in integers: s / 3.6 = 5s / 18.
			const milliHours = Math.floor((10 * want.seconds + 18) / 36);
			if (Math.round((group.duration_hours as number) * 1000) !== milliHours) wrong.push(`${group.site_id} ${group.day} duration`);
		}
		expect(wrong).toEqual([]);
	});

	test("a group's energy equals the sum of withLocalFields' energy_kwh over its events, in Wh", () => {
		const perCharger = new Map<string | null, number>();
		for (const [e, site] of items) {
			const key = (e.charger_id as string | undefined) ?? null;
			const kwh = withLocalFields(e, site.timeZone).energy_kwh as number | null;
			perCharger.set(key, (perCharger.get(key) ?? 0) + (kwh === null ? 0 : Math.round(kwh * 1000)));
		}
		const groups = summarize(['charger'], items).groups();
		expect(groups.map((group) => Math.round((group.energy_kwh as number) * 1000))).toEqual(groups.map((group) => perCharger.get(group.charger_id as string | null)));
	});

	test('memory follows groups: all sessions in one group keep one group', () => {
		const summary = summarize([], items);
		expect(summary.groups()).toHaveLength(1);
		expect(summary.sessions).toBe(COUNT);
	});
});
