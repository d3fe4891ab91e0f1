/**
 * parseDateTime: only date-times that exist are accepted, with or without an offset, and what is
 * accepted is the instant meant. Expected instants come from Date.parse of the same moment written
 * in UTC (an independent parser), or from the known offsets of the zones.
 */
import { daysInMonth, isLeapYear, parseDateTime, toIsoUtc } from '../../../../nodes/client/dates';

const utc = (text: string) => {
	const ms = Date.parse(text);
	if (Number.isNaN(ms)) throw new Error(`bad oracle ${text}`);
	return ms;
};

describe('calendar dates that do not exist are refused, with or without an offset (attack run defect)', () => {
	test.each([
		'2026-02-30T00:00:00Z',
		'2026-04-31T00:00:00Z',
		'2026-02-29T00:00:00+01:00',
		'2026-06-31T12:00:00-05:00',
		'2026-09-31T00:00:00z',
		'2026-11-31T00:00:00+0100',
		'2100-02-29T00:00:00Z',
		'1900-02-29T00:00:00Z',
		'2026-02-30T00:00:00',
		'2026-02-29',
		'2100-02-29',
		'2026-01-32',
		'2026-01-00T00:00:00Z',
		'2026-00-10T00:00:00Z',
		'2026-13-01T00:00:00Z',
		'2026-13-01',
	])('%s', (text) => {
		expect(parseDateTime(text, 'Europe/Berlin')).toBeUndefined();
	});

	test.each([
		['2024-02-29T00:00:00Z', '2024-02-29T00:00:00Z'],
		['2000-02-29T12:00:00+01:00', '2000-02-29T11:00:00Z'],
		['2028-02-29', '2028-02-29T00:00:00Z'],
		['2026-01-31T00:00:00Z', '2026-01-31T00:00:00Z'],
		['2026-02-28T00:00:00Z', '2026-02-28T00:00:00Z'],
		['2026-04-30T23:59:59Z', '2026-04-30T23:59:59Z'],
		['2026-12-31T23:59:59Z', '2026-12-31T23:59:59Z'],
		['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
	])('the last and first days that exist: %s', (text, expected) => {
		expect(parseDateTime(text, 'UTC')).toBe(utc(expected));
	});

	test('every day of every month of a common and a leap year, and one past', () => {
		for (const year of [2026, 2028]) {
			for (let month = 1; month <= 12; month++) {
				const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
				const mm = String(month).padStart(2, '0');
				expect(parseDateTime(`${year}-${mm}-${last}T00:00:00Z`, 'UTC')).toBe(Date.UTC(year, month - 1, last));
				expect(parseDateTime(`${year}-${mm}-${last + 1}T00:00:00Z`, 'UTC')).toBeUndefined();
				expect(parseDateTime(`${year}-${mm}-${last + 1}`, 'UTC')).toBeUndefined();
			}
		}
	});
});

describe('leap years', () => {
	test.each([
		[2024, true],
		[2028, true],
		[2000, true],
		[2400, true],
		[2026, false],
		[2100, false],
		[1900, false],
	])('%i', (year, leap) => {
		expect(isLeapYear(year)).toBe(leap);
		expect(daysInMonth(year, 2)).toBe(leap ? 29 : 28);
	});

	test('days of the other months', () => {
		expect([1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((month) => daysInMonth(2024, month))).toEqual([31, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
	});
});

describe('times that do not exist are refused', () => {
	test.each([
		'2026-03-01T24:00:00Z',
		'2026-03-01T24:00',
		'2026-03-01T23:60:00Z',
		'2026-03-01T23:59:60Z',
		'2026-03-01T23:59:60',
		'2026-03-01T25:00:00+01:00',
		'2026-03-01T99:00',
	])('%s', (text) => {
		expect(parseDateTime(text, 'UTC')).toBeUndefined();
	});

	test('the last second of a day is accepted', () => {
		expect(parseDateTime('2026-03-01T23:59:59Z', 'UTC')).toBe(utc('2026-03-01T23:59:59Z'));
		expect(parseDateTime('2026-03-01T23:59:59', 'UTC')).toBe(utc('2026-03-01T23:59:59Z'));
	});
});

describe('offsets', () => {
	test.each([
		['2026-03-01T08:00:00+01:00', '2026-03-01T07:00:00Z'],
		['2026-03-01T08:00:00-05:00', '2026-03-01T13:00:00Z'],
		['2026-03-01T08:00:00+0530', '2026-03-01T02:30:00Z'],
		['2026-03-01T08:00:00+05:45', '2026-03-01T02:15:00Z'],
		['2026-03-01T08:00:00+14:00', '2026-02-28T18:00:00Z'],
		['2026-03-01T08:00:00-14:00', '2026-03-01T22:00:00Z'],
		['2026-03-01T08:00:00+13:59', '2026-02-28T18:01:00Z'],
		['2026-03-01T08:00:00-00:00', '2026-03-01T08:00:00Z'],
		['2026-03-01T08:00:00+00:00', '2026-03-01T08:00:00Z'],
		['2026-03-01T08:00+01:00', '2026-03-01T07:00:00Z'],
		['2026-03-01T00:30:00+01:00', '2026-02-28T23:30:00Z'],
	])('%s is %s', (text, expected) => {
		expect(parseDateTime(text, 'America/New_York')).toBe(utc(expected));
	});

	test.each([
		'2026-03-01T08:00:00+14:01',
		'2026-03-01T08:00:00-14:01',
		'2026-03-01T08:00:00+15:00',
		'2026-03-01T08:00:00+25:00',
		'2026-03-01T08:00:00+01:60',
		'2026-03-01T08:00:00+01:99',
		'2026-03-01T08:00:00+01',
		'2026-03-01T08:00:00+1:00',
		'2026-03-01T08:00:00+01:0',
		'2026-03-01T08:00:00 +01:00',
		'2026-03-01T08:00:00ZZ',
		'2026-03-01T08:00:00Z+01:00',
		'2026-03-01Z',
		'2026-03-01+01:00',
	])('%s is refused', (text) => {
		expect(parseDateTime(text, 'UTC')).toBeUndefined();
	});
});

describe('years, separators, letters, fractions', () => {
	test.each(['26-03-01', '202-03-01', '02026-03-01', '+002026-03-01T00:00:00Z', '-2026-03-01', '0000-01-01T00:00:00Z', '0000-01-01'])(
		'%s is refused',
		(text) => {
			expect(parseDateTime(text, 'UTC')).toBeUndefined();
		},
	);

	test('years 0001..0099 are not read as 1900..1999', () => {
		expect(parseDateTime('0001-01-01T00:00:00Z', 'UTC')).toBe(utc('0001-01-01T00:00:00Z'));
		expect(parseDateTime('0050-06-15', 'UTC')).toBe(utc('0050-06-15T00:00:00Z'));
		expect(parseDateTime('0099-12-31T23:59:59+01:00', 'UTC')).toBe(utc('0099-12-31T22:59:59Z'));
		expect(parseDateTime('9999-12-31T23:59:59Z', 'UTC')).toBe(utc('9999-12-31T23:59:59Z'));
	});

	test('lower-case t and z, and a space, as RFC 3339 allows', () => {
		const expected = utc('2026-03-01T08:00:00Z');
		expect(parseDateTime('2026-03-01t08:00:00z', 'Europe/Berlin')).toBe(expected);
		expect(parseDateTime('2026-03-01 08:00:00Z', 'Europe/Berlin')).toBe(expected);
		expect(parseDateTime('2026-03-01t09:00:00', 'Europe/Berlin')).toBe(expected);
		expect(parseDateTime('2026-03-01 09:00', 'Europe/Berlin')).toBe(expected);
		expect(parseDateTime('2026-03-01x08:00:00Z', 'UTC')).toBeUndefined();
		expect(parseDateTime('2026-03-01T', 'UTC')).toBeUndefined();
		expect(parseDateTime('2026-03-01T08', 'UTC')).toBeUndefined();
		expect(parseDateTime('2026-03-01T8:00', 'UTC')).toBeUndefined();
		expect(parseDateTime('2026-3-01', 'UTC')).toBeUndefined();
		expect(parseDateTime('2026-03-1', 'UTC')).toBeUndefined();
		expect(parseDateTime('2026/03/01', 'UTC')).toBeUndefined();
		expect(parseDateTime('x2026-03-01', 'UTC')).toBeUndefined();
		expect(parseDateTime('2026-03-01x', 'UTC')).toBeUndefined();
	});

	test('fractions: 1..9 digits, cut (not rounded) to milliseconds, with and without an offset', () => {
		const base = utc('2026-03-01T08:00:00Z');
		expect(parseDateTime('2026-03-01T08:00:00.5Z', 'UTC')).toBe(base + 500);
		expect(parseDateTime('2026-03-01T08:00:00.05Z', 'UTC')).toBe(base + 50);
		expect(parseDateTime('2026-03-01T08:00:00.123Z', 'UTC')).toBe(base + 123);
		expect(parseDateTime('2026-03-01T08:00:00.999999999Z', 'UTC')).toBe(base + 999);
		expect(parseDateTime('2026-03-01T08:00:00.1239+00:00', 'UTC')).toBe(base + 123);
		expect(parseDateTime('2026-03-01T08:00:00.25', 'UTC')).toBe(base + 250);
		expect(parseDateTime('2026-03-01T08:00:00.1234567891Z', 'UTC')).toBeUndefined();
		expect(parseDateTime('2026-03-01T08:00:00.Z', 'UTC')).toBeUndefined();
		expect(parseDateTime('2026-03-01T08:00:00,5Z', 'UTC')).toBeUndefined();
		expect(parseDateTime('2026-03-01T08:00.5Z', 'UTC')).toBeUndefined();
	});

	test('surrounding white space is ignored', () => {
		expect(parseDateTime('  2026-03-01T08:00:00Z\n', 'UTC')).toBe(utc('2026-03-01T08:00:00Z'));
	});
});

describe('without an offset: the wall time in the zone given', () => {
	test.each([
		['2026-01-15T08:00:00', 'Europe/Berlin', '2026-01-15T07:00:00Z'],
		['2026-07-15T08:00:00', 'Europe/Berlin', '2026-07-15T06:00:00Z'],
		['2026-01-15', 'Europe/Berlin', '2026-01-14T23:00:00Z'],
		['2026-01-15T08:00:00', 'America/New_York', '2026-01-15T13:00:00Z'],
		['2026-07-15T08:00:00', 'America/New_York', '2026-07-15T12:00:00Z'],
		['2026-01-15T08:00:00', 'Asia/Kolkata', '2026-01-15T02:30:00Z'],
		['2026-01-15T08:00:00', 'UTC', '2026-01-15T08:00:00Z'],
		['2026-01-15T08:00:00.250', 'Asia/Kolkata', '2026-01-15T02:30:00.250Z'],
	])('%s in %s is %s', (text, zone, expected) => {
		expect(parseDateTime(text, zone)).toBe(utc(expected));
	});

	test('a skipped time (DST gap) moves forward by the gap, as before', () => {
		// Berlin 2026-03-29 02:00 -> 03:00; New York 2026-03-08 02:00 -> 03:00.
		expect(parseDateTime('2026-03-29T02:30:00', 'Europe/Berlin')).toBe(utc('2026-03-29T01:30:00Z'));
		expect(parseDateTime('2026-03-29T02:00:00', 'Europe/Berlin')).toBe(utc('2026-03-29T01:00:00Z'));
		expect(parseDateTime('2026-03-29T03:00:00', 'Europe/Berlin')).toBe(utc('2026-03-29T01:00:00Z'));
		expect(parseDateTime('2026-03-29T01:59:59', 'Europe/Berlin')).toBe(utc('2026-03-29T00:59:59Z'));
		expect(parseDateTime('2026-03-08T02:30:00', 'America/New_York')).toBe(utc('2026-03-08T07:30:00Z'));
	});

	test('a repeated time (clocks go back) is its first occurrence', () => {
		// Berlin 2026-10-25 03:00 CEST -> 02:00 CET; New York 2026-11-01 02:00 EDT -> 01:00 EST.
		expect(parseDateTime('2026-10-25T02:30:00', 'Europe/Berlin')).toBe(utc('2026-10-25T00:30:00Z'));
		expect(parseDateTime('2026-10-25T01:59:59', 'Europe/Berlin')).toBe(utc('2026-10-24T23:59:59Z'));
		expect(parseDateTime('2026-10-25T03:00:00', 'Europe/Berlin')).toBe(utc('2026-10-25T02:00:00Z'));
		expect(parseDateTime('2026-11-01T01:30:00', 'America/New_York')).toBe(utc('2026-11-01T05:30:00Z'));
		expect(parseDateTime('2026-11-01T02:00:00', 'America/New_York')).toBe(utc('2026-11-01T07:00:00Z'));
	});

	test('an unknown or empty zone reads the wall time as UTC', () => {
		expect(parseDateTime('2026-01-15T08:00:00', 'Mars/Base')).toBe(utc('2026-01-15T08:00:00Z'));
		expect(parseDateTime('2026-01-15T08:00:00', '')).toBe(utc('2026-01-15T08:00:00Z'));
	});

	test('an offset wins over the zone', () => {
		expect(parseDateTime('2026-01-15T08:00:00+02:00', 'America/New_York')).toBe(utc('2026-01-15T06:00:00Z'));
	});
});

describe('values that are not text', () => {
	test('a Date is its instant; an invalid Date is nothing', () => {
		expect(parseDateTime(new Date(Date.UTC(2026, 0, 1)), 'Europe/Berlin')).toBe(Date.UTC(2026, 0, 1));
		expect(parseDateTime(new Date(Number.NaN), 'UTC')).toBeUndefined();
	});

	test('a Luxon DateTime (anything with toMillis) is its instant when finite', () => {
		expect(parseDateTime({ toMillis: () => 1_767_225_600_000 }, 'UTC')).toBe(1_767_225_600_000);
		expect(parseDateTime({ toMillis: () => Number.NaN }, 'UTC')).toBeUndefined();
		expect(parseDateTime({ toMillis: () => Infinity }, 'UTC')).toBeUndefined();
		expect(parseDateTime({ toMillis: 5 }, 'UTC')).toBeUndefined();
		// Only objects: a function that happens to carry toMillis is not a date.
		expect(parseDateTime(Object.assign(() => 0, { toMillis: () => 5 }), 'UTC')).toBeUndefined();
	});

	test.each([[1_767_225_600_000], [null], [undefined], [true], [{}], [[]], ['']])('%p is nothing', (value) => {
		expect(parseDateTime(value, 'UTC')).toBeUndefined();
	});
});

describe('toIsoUtc', () => {
	test('drops zero milliseconds only', () => {
		expect(toIsoUtc(utc('2026-03-01T08:00:00Z'))).toBe('2026-03-01T08:00:00Z');
		expect(toIsoUtc(utc('2026-03-01T08:00:00Z') + 5)).toBe('2026-03-01T08:00:00.005Z');
	});
});
