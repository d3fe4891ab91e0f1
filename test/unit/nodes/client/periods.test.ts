/**
 * Periods in a zone: preset windows on ordinary days, DST days (23 and 25 hours), a skipped midnight,
 * month, leap-day and year boundaries, ISO week-years; local ISO text; calendar keys and their
 * windows; the choice of zone with its hint. Expected instants are written out from the zones'
 * known offsets (Berlin +01/+02, New York -05/-04, Kolkata +05:30, Santiago -04/-03).
 */
import {
	PERIOD_PRESETS,
	chooseTimeZone,
	dayWindow,
	describeWindow,
	isTimeZone,
	isoWeeksInYear,
	localDay,
	localIsoWeek,
	localMonth,
	monthWindow,
	periodWindow,
	toLocalIso,
	weekWindow,
	type PeriodPreset,
	type TimeWindow,
} from '../../../../nodes/client/periods';

const H = 3_600_000;
const DAY = 24 * H;
/** npm run mutate sets CHARGEPILOT_TEST_BULK=skip (test/setup-mutation.js): the sweeps run smaller there. */
const BULK = process.env.CHARGEPILOT_TEST_BULK !== 'skip';
const utc = (text: string) => {
	const ms = Date.parse(text);
	if (Number.isNaN(ms)) throw new Error(`bad oracle ${text}`);
	return ms;
};
const iso = (window: TimeWindow) => ({ from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() });
const period = (preset: PeriodPreset, now: string, zone: string) => iso(periodWindow(preset, utc(now), zone));
const hours = (window: TimeWindow) => (window.to - window.from) / H;

describe('PERIOD_PRESETS', () => {
	test('the values and names the node offers, in order', () => {
		expect(PERIOD_PRESETS.map((preset) => preset.value)).toEqual(['today', 'yesterday', 'thisWeek', 'lastWeek', 'last7Days', 'last30Days', 'thisMonth', 'lastMonth']);
		expect(PERIOD_PRESETS.map((preset) => preset.name)).toEqual([
			'Today So Far',
			'Yesterday',
			'This Week So Far',
			'Last Week',
			'Last 7 Days',
			'Last 30 Days',
			'This Month So Far',
			'Last Month',
		]);
		for (const preset of PERIOD_PRESETS) expect(preset.description).not.toBe('');
	});

	test('every preset gives a window that ends at or before now and does not start after it', () => {
		const now = utc('2026-05-15T12:34:56Z');
		for (const { value } of PERIOD_PRESETS) {
			const window = periodWindow(value, now, 'Europe/Berlin');
			expect(window.from).toBeLessThan(window.to);
			expect(window.to).toBeLessThanOrEqual(now);
		}
	});

	test('isTimeZone is re-exported for callers of this module', () => {
		expect(isTimeZone('Europe/Berlin')).toBe(true);
		expect(isTimeZone('Mars/Base')).toBe(false);
	});
});

describe('periodWindow on an ordinary day (UTC, Friday 2026-05-15 12:00)', () => {
	const now = '2026-05-15T12:00:00.000Z';
	test.each([
		['today', '2026-05-15T00:00:00.000Z', now],
		['yesterday', '2026-05-14T00:00:00.000Z', '2026-05-15T00:00:00.000Z'],
		['thisWeek', '2026-05-11T00:00:00.000Z', now],
		['lastWeek', '2026-05-04T00:00:00.000Z', '2026-05-11T00:00:00.000Z'],
		['last7Days', '2026-05-08T00:00:00.000Z', '2026-05-15T00:00:00.000Z'],
		['last30Days', '2026-04-15T00:00:00.000Z', '2026-05-15T00:00:00.000Z'],
		['thisMonth', '2026-05-01T00:00:00.000Z', now],
		['lastMonth', '2026-04-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z'],
	] as Array<[PeriodPreset, string, string]>)('%s', (preset, from, to) => {
		expect(period(preset, now, 'UTC')).toEqual({ from, to });
	});
});

describe('periodWindow in Berlin, New York and Kolkata', () => {
	test('Berlin: local midnight is 23:00Z in winter, 22:00Z in summer', () => {
		expect(period('today', '2026-01-15T12:00:00Z', 'Europe/Berlin')).toEqual({ from: '2026-01-14T23:00:00.000Z', to: '2026-01-15T12:00:00.000Z' });
		expect(period('yesterday', '2026-07-15T12:00:00Z', 'Europe/Berlin')).toEqual({ from: '2026-07-13T22:00:00.000Z', to: '2026-07-14T22:00:00.000Z' });
		// 23:30Z on 14 January is already the 15th in Berlin.
		expect(period('today', '2026-01-14T23:30:00Z', 'Europe/Berlin').from).toBe('2026-01-14T23:00:00.000Z');
	});

	test('New York: the 15th at 02:00Z is still the 14th there', () => {
		expect(period('today', '2026-01-15T02:00:00Z', 'America/New_York')).toEqual({ from: '2026-01-14T05:00:00.000Z', to: '2026-01-15T02:00:00.000Z' });
		expect(period('yesterday', '2026-07-15T12:00:00Z', 'America/New_York')).toEqual({ from: '2026-07-14T04:00:00.000Z', to: '2026-07-15T04:00:00.000Z' });
	});

	test('Kolkata: days start at 18:30Z, and no DST', () => {
		expect(period('today', '2026-01-01T18:29:59.999Z', 'Asia/Kolkata')).toEqual({ from: '2025-12-31T18:30:00.000Z', to: '2026-01-01T18:29:59.999Z' });
		expect(period('today', '2026-01-01T18:30:00.001Z', 'Asia/Kolkata')).toEqual({ from: '2026-01-01T18:30:00.000Z', to: '2026-01-01T18:30:00.001Z' });
		expect(period('lastMonth', '2026-04-10T00:00:00Z', 'Asia/Kolkata')).toEqual({ from: '2026-02-28T18:30:00.000Z', to: '2026-03-31T18:30:00.000Z' });
	});
});

describe('DST changes of 2026', () => {
	test('Berlin spring (29 March): Yesterday on the 30th is 23 hours', () => {
		const window = periodWindow('yesterday', utc('2026-03-30T08:00:00Z'), 'Europe/Berlin');
		expect(iso(window)).toEqual({ from: '2026-03-28T23:00:00.000Z', to: '2026-03-29T22:00:00.000Z' });
		expect(hours(window)).toBe(23);
	});

	test('Berlin autumn (25 October): Yesterday on the 26th is 25 hours', () => {
		const window = periodWindow('yesterday', utc('2026-10-26T08:00:00Z'), 'Europe/Berlin');
		expect(iso(window)).toEqual({ from: '2026-10-24T22:00:00.000Z', to: '2026-10-25T23:00:00.000Z' });
		expect(hours(window)).toBe(25);
	});

	test('New York spring (8 March) 23 hours, autumn (1 November) 25 hours', () => {
		const spring = periodWindow('yesterday', utc('2026-03-09T16:00:00Z'), 'America/New_York');
		expect(iso(spring)).toEqual({ from: '2026-03-08T05:00:00.000Z', to: '2026-03-09T04:00:00.000Z' });
		expect(hours(spring)).toBe(23);
		const autumn = periodWindow('yesterday', utc('2026-11-02T17:00:00Z'), 'America/New_York');
		expect(iso(autumn)).toEqual({ from: '2026-11-01T04:00:00.000Z', to: '2026-11-02T05:00:00.000Z' });
		expect(hours(autumn)).toBe(25);
	});

	test('Today so far on the change day starts at local midnight before the change', () => {
		expect(period('today', '2026-03-29T10:00:00Z', 'Europe/Berlin').from).toBe('2026-03-28T23:00:00.000Z');
		expect(period('today', '2026-10-25T10:00:00Z', 'Europe/Berlin').from).toBe('2026-10-24T22:00:00.000Z');
	});

	test('Last 7 Days and Last Week across the spring change are one hour short', () => {
		const week = periodWindow('last7Days', utc('2026-04-01T08:00:00Z'), 'Europe/Berlin');
		expect(iso(week)).toEqual({ from: '2026-03-24T23:00:00.000Z', to: '2026-03-31T22:00:00.000Z' });
		expect(hours(week)).toBe(7 * 24 - 1);
		// Monday 30 March: last week is 23..29 March.
		const lastWeek = periodWindow('lastWeek', utc('2026-03-30T08:00:00Z'), 'Europe/Berlin');
		expect(iso(lastWeek)).toEqual({ from: '2026-03-22T23:00:00.000Z', to: '2026-03-29T22:00:00.000Z' });
	});

	test('Last Month over a change: March in Berlin is 31 days less an hour, October 31 days and an hour', () => {
		expect(hours(periodWindow('lastMonth', utc('2026-04-15T08:00:00Z'), 'Europe/Berlin'))).toBe(31 * 24 - 1);
		expect(hours(periodWindow('lastMonth', utc('2026-11-15T08:00:00Z'), 'Europe/Berlin'))).toBe(31 * 24 + 1);
	});

	test('a skipped midnight (America/Santiago, 6 September 2026 starts at 01:00): the first instant of the day', () => {
		const yesterday = periodWindow('yesterday', utc('2026-09-07T15:00:00Z'), 'America/Santiago');
		expect(iso(yesterday)).toEqual({ from: '2026-09-06T04:00:00.000Z', to: '2026-09-07T03:00:00.000Z' });
		expect(hours(yesterday)).toBe(23);
		expect(period('today', '2026-09-06T15:00:00Z', 'America/Santiago').from).toBe('2026-09-06T04:00:00.000Z');
	});
});

describe('month, leap-day and year boundaries', () => {
	test('the last moment of a month still belongs to it', () => {
		// 2026-03-31 23:59:59.999 CEST.
		const now = '2026-03-31T21:59:59.999Z';
		expect(period('thisMonth', now, 'Europe/Berlin')).toEqual({ from: '2026-02-28T23:00:00.000Z', to: now });
		expect(period('lastMonth', now, 'Europe/Berlin')).toEqual({ from: '2026-01-31T23:00:00.000Z', to: '2026-02-28T23:00:00.000Z' });
		expect(period('today', now, 'Europe/Berlin').from).toBe('2026-03-30T22:00:00.000Z');
	});

	test('the first moment of the next month starts a new one (This Month So Far empty)', () => {
		const now = utc('2026-03-31T22:00:00Z');
		expect(periodWindow('thisMonth', now, 'Europe/Berlin')).toEqual({ from: now, to: now });
		expect(period('lastMonth', '2026-03-31T22:00:00Z', 'Europe/Berlin')).toEqual({ from: '2026-02-28T23:00:00.000Z', to: '2026-03-31T22:00:00.000Z' });
	});

	test('leap day: Last Month in March 2028 covers 29 days; Yesterday on 1 March 2028 is 29 February', () => {
		const february = periodWindow('lastMonth', utc('2028-03-10T09:00:00Z'), 'Europe/Berlin');
		expect(iso(february)).toEqual({ from: '2028-01-31T23:00:00.000Z', to: '2028-02-29T23:00:00.000Z' });
		expect(february.to - february.from).toBe(29 * DAY);
		expect(period('yesterday', '2028-03-01T09:00:00Z', 'UTC')).toEqual({ from: '2028-02-29T00:00:00.000Z', to: '2028-03-01T00:00:00.000Z' });
		expect(periodWindow('lastMonth', utc('2026-03-10T09:00:00Z'), 'UTC').to - periodWindow('lastMonth', utc('2026-03-10T09:00:00Z'), 'UTC').from).toBe(28 * DAY);
	});

	test('January: Last Month is December of last year; early days reach back into it', () => {
		expect(period('lastMonth', '2027-01-15T09:00:00Z', 'Europe/Berlin')).toEqual({ from: '2026-11-30T23:00:00.000Z', to: '2026-12-31T23:00:00.000Z' });
		expect(period('last7Days', '2027-01-03T09:00:00Z', 'UTC')).toEqual({ from: '2026-12-27T00:00:00.000Z', to: '2027-01-03T00:00:00.000Z' });
		expect(period('yesterday', '2027-01-01T09:00:00Z', 'UTC')).toEqual({ from: '2026-12-31T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' });
		// 1 January 2027 is a Friday: this week began on Monday 28 December 2026.
		expect(period('thisWeek', '2027-01-01T09:00:00Z', 'UTC')).toEqual({ from: '2026-12-28T00:00:00.000Z', to: '2027-01-01T09:00:00.000Z' });
		expect(period('lastWeek', '2027-01-01T09:00:00Z', 'UTC')).toEqual({ from: '2026-12-21T00:00:00.000Z', to: '2026-12-28T00:00:00.000Z' });
		expect(period('thisMonth', '2027-01-01T09:00:00Z', 'UTC').from).toBe('2027-01-01T00:00:00.000Z');
		// New Year in New York is still 31 December at 02:00Z.
		expect(period('lastMonth', '2027-01-01T02:00:00Z', 'America/New_York')).toEqual({ from: '2026-11-01T04:00:00.000Z', to: '2026-12-01T05:00:00.000Z' });
	});

	test('weeks: Sunday is the last day of its week, Monday the first', () => {
		// Sunday 17 May 2026.
		expect(period('thisWeek', '2026-05-17T23:00:00Z', 'UTC').from).toBe('2026-05-11T00:00:00.000Z');
		expect(period('lastWeek', '2026-05-17T23:00:00Z', 'UTC')).toEqual({ from: '2026-05-04T00:00:00.000Z', to: '2026-05-11T00:00:00.000Z' });
		// Monday 18 May 2026.
		expect(period('thisWeek', '2026-05-18T00:00:01Z', 'UTC').from).toBe('2026-05-18T00:00:00.000Z');
		expect(period('lastWeek', '2026-05-18T00:00:01Z', 'UTC')).toEqual({ from: '2026-05-11T00:00:00.000Z', to: '2026-05-18T00:00:00.000Z' });
	});
});

describe('now exactly at local midnight', () => {
	test('Today So Far is empty (from == to); Yesterday is the whole previous day', () => {
		const midnight = utc('2026-03-29T22:00:00Z'); // 30 March 00:00 CEST
		expect(periodWindow('today', midnight, 'Europe/Berlin')).toEqual({ from: midnight, to: midnight });
		expect(periodWindow('yesterday', midnight, 'Europe/Berlin')).toEqual({ from: utc('2026-03-28T23:00:00Z'), to: midnight });
		expect(periodWindow('today', midnight + 1, 'Europe/Berlin')).toEqual({ from: midnight, to: midnight + 1 });
		expect(periodWindow('today', midnight - 1, 'Europe/Berlin').from).toBe(utc('2026-03-28T23:00:00Z'));
	});

	test('This Week So Far is empty at Monday 00:00', () => {
		const monday = utc('2026-05-18T00:00:00Z');
		expect(periodWindow('thisWeek', monday, 'UTC')).toEqual({ from: monday, to: monday });
	});
});

describe('invalid input', () => {
	test.each(['Mars/Base', '', '+01:00'])('zone %p is a RangeError', (zone) => {
		expect(() => periodWindow('today', utc('2026-05-15T12:00:00Z'), zone)).toThrow(new RangeError(`Unknown time zone ${JSON.stringify(zone)}`));
	});

	test('an unknown preset or an invalid now is a RangeError', () => {
		expect(() => periodWindow('custom' as PeriodPreset, 0, 'UTC')).toThrow(new RangeError('Unknown period "custom"'));
		expect(() => periodWindow('today', Number.NaN, 'UTC')).toThrow(new RangeError('Invalid now: NaN'));
		expect(() => periodWindow('today', Infinity, 'UTC')).toThrow(RangeError);
	});
});

describe('toLocalIso', () => {
	test.each([
		['2026-10-25T01:30:00Z', 'Europe/Berlin', '2026-10-25T02:30:00+01:00'],
		['2026-10-25T00:30:00Z', 'Europe/Berlin', '2026-10-25T02:30:00+02:00'],
		['2026-03-28T23:00:00Z', 'Europe/Berlin', '2026-03-29T00:00:00+01:00'],
		['2026-01-01T00:00:00Z', 'Asia/Kolkata', '2026-01-01T05:30:00+05:30'],
		['2026-01-01T00:00:00Z', 'UTC', '2026-01-01T00:00:00+00:00'],
		['2026-01-01T00:00:00Z', 'America/New_York', '2025-12-31T19:00:00-05:00'],
		['2026-07-01T00:00:00Z', 'America/New_York', '2026-06-30T20:00:00-04:00'],
		['2026-01-01T00:00:00Z', 'America/St_Johns', '2025-12-31T20:30:00-03:30'],
		['2026-01-01T00:00:00Z', 'Asia/Kathmandu', '2026-01-01T05:45:00+05:45'],
		['2026-01-01T00:00:00.005Z', 'UTC', '2026-01-01T00:00:00.005+00:00'],
		['2026-01-01T00:00:00.120Z', 'UTC', '2026-01-01T00:00:00.120+00:00'],
		['2026-01-01T09:08:07Z', 'UTC', '2026-01-01T09:08:07+00:00'],
		['0999-03-04T05:06:07Z', 'UTC', '0999-03-04T05:06:07+00:00'],
		// Local mean time had seconds: Berlin +00:53:28, New York -04:56:02.
		['1880-01-01T00:00:00Z', 'Europe/Berlin', '1880-01-01T00:53:28+00:53:28'],
		['1880-01-01T12:00:00Z', 'America/New_York', '1880-01-01T07:03:58-04:56:02'],
	])('%s in %s is %s', (instant, zone, expected) => {
		expect(toLocalIso(utc(instant), zone)).toBe(expected);
		// What it writes is the same instant: the wall time less the offset written.
		const [, wallText, sign, hh, mm, ss] = /^(.*)([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(expected)!;
		const offset = (Number(hh) * 3600 + Number(mm) * 60 + Number(ss ?? 0)) * 1000 * (sign === '-' ? -1 : 1);
		expect(utc(`${wallText}Z`) - offset).toBe(utc(instant));
	});
});

describe('describeWindow', () => {
	test('UTC with Z and local with the offset at each end, and the zone', () => {
		const window = periodWindow('yesterday', utc('2026-03-30T08:00:00Z'), 'Europe/Berlin');
		expect(describeWindow(window, 'Europe/Berlin')).toEqual({
			from: '2026-03-28T23:00:00Z',
			to: '2026-03-29T22:00:00Z',
			fromLocal: '2026-03-29T00:00:00+01:00',
			toLocal: '2026-03-30T00:00:00+02:00',
			timeZone: 'Europe/Berlin',
		});
		expect(describeWindow({ from: utc('2026-01-01T00:00:00Z'), to: utc('2026-01-01T00:00:00.250Z') }, 'Asia/Kolkata')).toEqual({
			from: '2026-01-01T00:00:00Z',
			to: '2026-01-01T00:00:00.250Z',
			fromLocal: '2026-01-01T05:30:00+05:30',
			toLocal: '2026-01-01T05:30:00.250+05:30',
			timeZone: 'Asia/Kolkata',
		});
	});
});

describe('local calendar keys', () => {
	test('day and month change at local midnight, not at UTC midnight', () => {
		expect(localDay(utc('2026-03-28T22:59:59.999Z'), 'Europe/Berlin')).toBe('2026-03-28');
		expect(localDay(utc('2026-03-28T23:00:00Z'), 'Europe/Berlin')).toBe('2026-03-29');
		expect(localDay(utc('2026-03-29T21:59:59.999Z'), 'Europe/Berlin')).toBe('2026-03-29');
		expect(localDay(utc('2026-03-29T22:00:00Z'), 'Europe/Berlin')).toBe('2026-03-30');
		expect(localDay(utc('2026-01-01T18:29:59.999Z'), 'Asia/Kolkata')).toBe('2026-01-01');
		expect(localDay(utc('2026-01-01T18:30:00Z'), 'Asia/Kolkata')).toBe('2026-01-02');
		expect(localMonth(utc('2026-01-31T18:29:59Z'), 'Asia/Kolkata')).toBe('2026-01');
		expect(localMonth(utc('2026-01-31T18:30:00Z'), 'Asia/Kolkata')).toBe('2026-02');
		expect(localMonth(utc('2026-01-01T04:59:59Z'), 'America/New_York')).toBe('2025-12');
		expect(localDay(utc('2026-01-01T04:59:59Z'), 'America/New_York')).toBe('2025-12-31');
		expect(localDay(utc('0999-03-04T05:06:07Z'), 'UTC')).toBe('0999-03-04');
		expect(localMonth(utc('0999-03-04T05:06:07Z'), 'UTC')).toBe('0999-03');
	});

	test.each([
		['2026-12-31T12:00:00Z', '2026-W53'],
		['2027-01-03T12:00:00Z', '2026-W53'],
		['2027-01-04T12:00:00Z', '2027-W01'],
		['2026-01-01T12:00:00Z', '2026-W01'],
		['2025-12-29T12:00:00Z', '2026-W01'],
		['2025-12-28T12:00:00Z', '2025-W52'],
		['2026-01-04T12:00:00Z', '2026-W01'],
		['2026-01-05T12:00:00Z', '2026-W02'],
		['2024-12-30T12:00:00Z', '2025-W01'],
		['2021-01-03T12:00:00Z', '2020-W53'],
		['2021-01-04T12:00:00Z', '2021-W01'],
		['1969-12-29T12:00:00Z', '1970-W01'],
		['1969-12-28T12:00:00Z', '1969-W52'],
	])('ISO week of %s is %s', (instant, week) => {
		expect(localIsoWeek(utc(instant), 'UTC')).toBe(week);
	});

	test('the week changes at local Monday 00:00', () => {
		// Monday 2027-01-04 00:00 in Berlin is 2027-01-03T23:00Z; in New York 2027-01-04T05:00Z.
		expect(localIsoWeek(utc('2027-01-03T22:59:59Z'), 'Europe/Berlin')).toBe('2026-W53');
		expect(localIsoWeek(utc('2027-01-03T23:00:00Z'), 'Europe/Berlin')).toBe('2027-W01');
		expect(localIsoWeek(utc('2027-01-04T04:59:59Z'), 'America/New_York')).toBe('2026-W53');
		expect(localIsoWeek(utc('2027-01-04T05:00:00Z'), 'America/New_York')).toBe('2027-W01');
	});

	test('ISO weeks agree with counting Thursdays, every day of 1995..2035', () => {
		const wrong: string[] = [];
		for (let t = utc(BULK ? '1995-01-01T12:00:00Z' : '2019-12-25T12:00:00Z'); t < utc(BULK ? '2036-01-01T00:00:00Z' : '2028-01-10T00:00:00Z'); t += DAY) {
			const date = new Date(t);
			const thursday = new Date(t + (4 - (date.getUTCDay() || 7)) * DAY);
			let first = Date.UTC(thursday.getUTCFullYear(), 0, 1);
			while (new Date(first).getUTCDay() !== 4) first += DAY;
			const week = Math.floor((thursday.getTime() - first) / (7 * DAY)) + 1;
			const expected = `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
			if (localIsoWeek(t, 'UTC') !== expected) wrong.push(`${date.toISOString()} ${expected}`);
		}
		expect(wrong).toEqual([]);
	});

	test('weeks in a year: 53 when the year has 53 Thursdays', () => {
		expect([2015, 2020, 2026, 2032, 2004, 2009, 1992].map(isoWeeksInYear)).toEqual([53, 53, 53, 53, 53, 53, 53]);
		expect([2021, 2024, 2025, 2027, 2028, 2000].map(isoWeeksInYear)).toEqual([52, 52, 52, 52, 52, 52]);
	});
});

describe('the window of a key', () => {
	test('a day: 23 and 25 hours on Berlin DST days, 24 in Kolkata, skipped midnight in Santiago', () => {
		const spring = dayWindow('2026-03-29', 'Europe/Berlin');
		expect(iso(spring)).toEqual({ from: '2026-03-28T23:00:00.000Z', to: '2026-03-29T22:00:00.000Z' });
		expect(hours(spring)).toBe(23);
		expect(hours(dayWindow('2026-10-25', 'Europe/Berlin'))).toBe(25);
		expect(hours(dayWindow('2026-03-08', 'America/New_York'))).toBe(23);
		expect(iso(dayWindow('2026-01-01', 'Asia/Kolkata'))).toEqual({ from: '2025-12-31T18:30:00.000Z', to: '2026-01-01T18:30:00.000Z' });
		expect(iso(dayWindow('2026-09-06', 'America/Santiago'))).toEqual({ from: '2026-09-06T04:00:00.000Z', to: '2026-09-07T03:00:00.000Z' });
		expect(iso(dayWindow('2026-12-31', 'UTC'))).toEqual({ from: '2026-12-31T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' });
		expect(iso(dayWindow('2028-02-29', 'UTC'))).toEqual({ from: '2028-02-29T00:00:00.000Z', to: '2028-03-01T00:00:00.000Z' });
	});

	test('a week: Monday to Monday, across the year and a DST change', () => {
		expect(iso(weekWindow('2026-W53', 'Europe/Berlin'))).toEqual({ from: '2026-12-27T23:00:00.000Z', to: '2027-01-03T23:00:00.000Z' });
		expect(iso(weekWindow('2027-W01', 'UTC'))).toEqual({ from: '2027-01-04T00:00:00.000Z', to: '2027-01-11T00:00:00.000Z' });
		expect(iso(weekWindow('2026-W01', 'UTC'))).toEqual({ from: '2025-12-29T00:00:00.000Z', to: '2026-01-05T00:00:00.000Z' });
		expect(iso(weekWindow('2027-W52', 'UTC'))).toEqual({ from: '2027-12-27T00:00:00.000Z', to: '2028-01-03T00:00:00.000Z' });
		expect(iso(weekWindow('2021-W01', 'UTC'))).toEqual({ from: '2021-01-04T00:00:00.000Z', to: '2021-01-11T00:00:00.000Z' });
		// 23..29 March 2026 holds the spring change.
		expect(hours(weekWindow('2026-W13', 'Europe/Berlin'))).toBe(7 * 24 - 1);
	});

	test('a month: 29 days in February 2028, March 2026 in Berlin an hour short, December to January', () => {
		const february = monthWindow('2028-02', 'UTC');
		expect(february.to - february.from).toBe(29 * DAY);
		expect(hours(monthWindow('2026-03', 'Europe/Berlin'))).toBe(31 * 24 - 1);
		expect(iso(monthWindow('2026-12', 'Europe/Berlin'))).toEqual({ from: '2026-11-30T23:00:00.000Z', to: '2026-12-31T23:00:00.000Z' });
		expect(iso(monthWindow('2026-01', 'UTC'))).toEqual({ from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' });
	});

	test('every key covers the instants that have it, and only those (Berlin, hourly through 2026)', () => {
		const wrong: string[] = [];
		for (let t = utc('2026-01-01T00:00:00Z'); t < utc('2027-01-01T00:00:00Z'); t += (BULK ? 1 : 5) * H) {
			for (const [key, window] of [
				[localDay(t, 'Europe/Berlin'), dayWindow],
				[localIsoWeek(t, 'Europe/Berlin'), weekWindow],
				[localMonth(t, 'Europe/Berlin'), monthWindow],
			] as Array<[string, typeof dayWindow]>) {
				const { from, to } = window(key, 'Europe/Berlin');
				if (!(from <= t && t < to)) wrong.push(`${new Date(t).toISOString()} ${key}`);
			}
		}
		expect(wrong).toEqual([]);
		const day = dayWindow('2026-03-29', 'Europe/Berlin');
		expect(localDay(day.from, 'Europe/Berlin')).toBe('2026-03-29');
		expect(localDay(day.from - 1, 'Europe/Berlin')).toBe('2026-03-28');
		expect(localDay(day.to - 1, 'Europe/Berlin')).toBe('2026-03-29');
		expect(localDay(day.to, 'Europe/Berlin')).toBe('2026-03-30');
	});

	test.each([
		[dayWindow, '2026-02-30', 'day'],
		[dayWindow, '2026-04-31', 'day'],
		[dayWindow, '2026-13-01', 'day'],
		[dayWindow, '2026-00-01', 'day'],
		[dayWindow, '2026-01-00', 'day'],
		[dayWindow, '0000-01-01', 'day'],
		[dayWindow, '2026-1-01', 'day'],
		[dayWindow, ' 2026-01-01', 'day'],
		[dayWindow, '2026-01-01T00:00', 'day'],
		[dayWindow, '2026-01-99', 'day'],
		[dayWindow, 'x2026-01-01', 'day'],
		[weekWindow, '2027-W53', 'week'],
		[weekWindow, '2026-W54', 'week'],
		[weekWindow, '2026-W00', 'week'],
		[weekWindow, '2026-W1', 'week'],
		[weekWindow, '0000-W01', 'week'],
		[weekWindow, '2026-w01', 'week'],
		[weekWindow, '2026-01', 'week'],
		[weekWindow, ' 2026-W01', 'week'],
		[weekWindow, '2026-W01x', 'week'],
		[monthWindow, '2026-13', 'month'],
		[monthWindow, '2026-00', 'month'],
		[monthWindow, '0000-01', 'month'],
		[monthWindow, '2026-1', 'month'],
		[monthWindow, '2026-01-01', 'month'],
		[monthWindow, 'x2026-01', 'month'],
		[monthWindow, '2026-01x', 'month'],
	] as Array<[typeof dayWindow, string, string]>)('%p %s is refused', (window, key, kind) => {
		expect(() => window(key, 'UTC')).toThrow(new RangeError(`Not a ${kind} key: ${JSON.stringify(key)}`));
	});

	test('the last valid week of a 53-week year and the first of any year are accepted', () => {
		expect(() => weekWindow('2026-W53', 'UTC')).not.toThrow();
		expect(() => weekWindow('0001-W01', 'UTC')).not.toThrow();
		expect(() => dayWindow('0001-01-01', 'UTC')).not.toThrow();
		expect(() => monthWindow('0001-01', 'UTC')).not.toThrow();
	});

	test('an unknown zone is a RangeError for every key', () => {
		expect(() => dayWindow('2026-01-01', 'Mars/Base')).toThrow(new RangeError('Unknown time zone "Mars/Base"'));
		expect(() => weekWindow('2026-W01', 'Mars/Base')).toThrow(new RangeError('Unknown time zone "Mars/Base"'));
		expect(() => monthWindow('2026-01', 'Mars/Base')).toThrow(new RangeError('Unknown time zone "Mars/Base"'));
	});
});

describe('chooseTimeZone', () => {
	test("the site's zone by default, no hint", () => {
		expect(chooseTimeZone({ id: 's1', name: 'Depot', timezone: 'Europe/Berlin' }, 'America/New_York')).toEqual({ timeZone: 'Europe/Berlin', source: 'site' });
	});

	test("the workflow's zone when asked for, no hint, even when the site has none", () => {
		expect(chooseTimeZone({ id: 's1', timezone: 'Europe/Berlin' }, 'America/New_York', true)).toEqual({ timeZone: 'America/New_York', source: 'workflow' });
		expect(chooseTimeZone({ id: 's1' }, 'America/New_York', true)).toEqual({ timeZone: 'America/New_York', source: 'workflow' });
	});

	test.each([
		[{ id: 's1', name: 'Depot' }, 'Site "Depot" (s1) has no time zone'],
		[{ id: 's1', name: 'Depot', timezone: null }, 'Site "Depot" (s1) has no time zone'],
		[{ id: 's1', name: 'Depot', timezone: '' }, 'Site "Depot" (s1) has no time zone'],
		[{ id: 's1', name: '', timezone: 'Mars/Base' }, 'Site s1 has the time zone "Mars/Base", which is not a known IANA time zone'],
		[{ id: 's1', timezone: 60 }, 'Site s1 has a time zone that is not text (number)'],
		[{ id: 7, name: 7, timezone: '+01:00' }, 'Site 7 has the time zone "+01:00", which is not a known IANA time zone'],
	])('a site without a usable zone falls back to the workflow\'s, with a hint: %p', (site, start) => {
		expect(chooseTimeZone(site, 'America/New_York')).toEqual({
			timeZone: 'America/New_York',
			source: 'workflow',
			hint: `${start}; its periods and local times use the workflow's time zone, America/New_York.`,
		});
	});

	test('and when the workflow zone is not usable either, UTC, with a hint', () => {
		expect(chooseTimeZone({ id: 's1', name: 'Depot' }, 'Mars/Base')).toEqual({
			timeZone: 'UTC',
			source: 'utc',
			hint: 'Site "Depot" (s1) has no time zone and the workflow\'s time zone "Mars/Base" is not a known IANA time zone either; UTC is used.',
		});
		expect(chooseTimeZone({ id: 's1', timezone: 'Europe/Berlin' }, '', true)).toEqual({
			timeZone: 'UTC',
			source: 'utc',
			hint: 'The workflow\'s time zone "" is not a known IANA time zone; UTC is used.',
		});
	});
});
