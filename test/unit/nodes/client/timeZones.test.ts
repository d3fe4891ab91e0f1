/**
 * Zone arithmetic: offsets exact to the second at DST changes (the per-day cache must not smear a
 * change over its day), wall times to instants (skipped and repeated times), calendar fields.
 * The oracle for offsets is a fresh Intl.DateTimeFormat with the zone's offset printed
 * (timeZoneName: 'longOffset'), not the code under test.
 */
import {
	CACHED_DAYS_PER_ZONE,
	DAY_MS,
	calendarFields,
	isTimeZone,
	localTime,
	utcMs,
	wallToUtc,
	zoneOffsetMs,
} from '../../../../nodes/client/timeZones';

const H = 3_600_000;
/** npm run mutate sets CHARGEPILOT_TEST_BULK=skip (test/setup-mutation.js): the sweeps run smaller there. */
const BULK = process.env.CHARGEPILOT_TEST_BULK !== 'skip';
const utc = (text: string) => Date.parse(text);

/** The offset Intl prints for the instant, e.g. 'GMT+05:30' -> 19,800,000 ms. */
const oracles = new Map<string, Intl.DateTimeFormat>();
function oracleOffset(instant: number, timeZone: string): number {
	if (!oracles.has(timeZone)) oracles.set(timeZone, new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }));
	const name = oracles
		.get(timeZone)!
		.formatToParts(new Date(instant))
		.find((part) => part.type === 'timeZoneName')!.value;
	const match = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name);
	if (!match) throw new Error(`unexpected offset ${name}`);
	if (match[1] === undefined) return 0;
	const ms = (Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4] ?? 0)) * 1000;
	return match[1] === '-' ? -ms : ms;
}

describe('isTimeZone', () => {
	test.each(['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'europe/berlin', 'US/Eastern', 'Etc/GMT+1', 'Etc/GMT-14', 'America/Port-au-Prince', 'GMT'])(
		'%s is a zone',
		(zone) => {
			expect(isTimeZone(zone)).toBe(true);
		},
	);

	test.each(['', 'Mars/Base', 'Europe/Berlinn', '+01:00', '-05:00', '+0100', '-01', 'Z', ' Europe/Berlin', 'Europe/Berlin ', '1Europe/Berlin', '_UTC'])('%p is not', (zone) => {
		expect(isTimeZone(zone)).toBe(false);
	});

	test.each([[undefined], [null], [1], [{}], [['UTC']], [new String('UTC')]])('%p (not a string) is not', (zone) => {
		expect(isTimeZone(zone)).toBe(false);
	});
});

describe('utcMs', () => {
	test('months count from 1, and the omitted fields are 0', () => {
		expect(utcMs(2026, 1, 1)).toBe(utc('2026-01-01T00:00:00Z'));
		expect(utcMs(2026, 12, 31, 23, 59, 59, 999)).toBe(utc('2026-12-31T23:59:59.999Z'));
		expect(utcMs(2026, 3, 1, 8)).toBe(utc('2026-03-01T08:00:00Z'));
		expect(utcMs(2026, 3, 1, 8, 5)).toBe(utc('2026-03-01T08:05:00Z'));
		expect(utcMs(2026, 3, 1, 8, 5, 7)).toBe(utc('2026-03-01T08:05:07Z'));
	});

	test('years 0..99 are themselves (Date.UTC would make them 1900..1999), and leap days in them exist', () => {
		expect(utcMs(0, 1, 1)).toBe(utc('0000-01-01T00:00:00Z'));
		expect(utcMs(1, 1, 1)).toBe(utc('0001-01-01T00:00:00Z'));
		expect(utcMs(4, 2, 29)).toBe(utc('0004-02-29T00:00:00Z'));
		expect(utcMs(99, 12, 31, 23, 59, 59, 999)).toBe(utc('0099-12-31T23:59:59.999Z'));
		expect(utcMs(100, 1, 1)).toBe(utc('0100-01-01T00:00:00Z'));
		expect(utcMs(-1, 1, 1)).toBe(utc('-000001-01-01T00:00:00Z'));
	});

	test('overflowing fields roll over like Date.UTC (callers check fields first)', () => {
		expect(utcMs(2026, 1, 32)).toBe(utc('2026-02-01T00:00:00Z'));
		expect(utcMs(2026, 3, 0)).toBe(utc('2026-02-28T00:00:00Z'));
	});
});

// 2026's DST changes: Berlin 03-29 01:00Z and 10-25 01:00Z; New York 03-08 07:00Z and 11-01 06:00Z.
const CHANGES: Array<[string, string, number, number]> = [
	['Europe/Berlin', '2026-03-29T01:00:00Z', 1 * H, 2 * H],
	['Europe/Berlin', '2026-10-25T01:00:00Z', 2 * H, 1 * H],
	['America/New_York', '2026-03-08T07:00:00Z', -5 * H, -4 * H],
	['America/New_York', '2026-11-01T06:00:00Z', -4 * H, -5 * H],
	// Lord Howe: half-hour DST, changing at half past a UTC hour.
	['Australia/Lord_Howe', '2026-04-04T15:00:00Z', 11 * H, 10.5 * H],
	['Australia/Lord_Howe', '2026-10-03T15:30:00Z', 10.5 * H, 11 * H],
];

describe('zoneOffsetMs', () => {
	test.each(CHANGES)('%s changes at %s: exact 1 s and 1 ms either side, whichever side is asked first', (zone, at, before, after) => {
		const change = utc(at);
		jest.isolateModules(() => {
			// Fresh caches: the later instant first.
			const fresh = require('../../../../nodes/client/timeZones') as typeof import('../../../../nodes/client/timeZones');
			expect(fresh.zoneOffsetMs(change + 1000, zone)).toBe(after);
			expect(fresh.zoneOffsetMs(change - 1000, zone)).toBe(before);
		});
		expect(zoneOffsetMs(change - 1000, zone)).toBe(before);
		expect(zoneOffsetMs(change - 1, zone)).toBe(before);
		expect(zoneOffsetMs(change, zone)).toBe(after);
		expect(zoneOffsetMs(change + 1, zone)).toBe(after);
		expect(zoneOffsetMs(change + 1000, zone)).toBe(after);
		expect(oracleOffset(change - 1000, zone)).toBe(before);
		expect(oracleOffset(change, zone)).toBe(after);
	});

	test('UTC and Asia/Kolkata (no DST) are constant', () => {
		for (const at of ['2026-01-01T00:00:00Z', '2026-03-29T01:00:00Z', '2026-07-01T18:29:59Z', '2026-12-31T23:59:59.999Z']) {
			expect(zoneOffsetMs(utc(at), 'UTC')).toBe(0);
			expect(zoneOffsetMs(utc(at), 'Asia/Kolkata')).toBe(5.5 * H);
		}
	});

	test('agrees with Intl every 97 minutes through 2026 in zones with odd offsets and changes', () => {
		const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/Santiago', 'America/St_Johns', 'Pacific/Chatham'];
		let checked = 0;
		const wrong: string[] = [];
		for (const zone of zones) {
			for (let t = utc('2026-01-01T00:00:00Z'); t < utc('2027-01-01T00:00:00Z'); t += (BULK ? 97 : 997) * 60_000) {
				if (zoneOffsetMs(t, zone) !== oracleOffset(t, zone)) wrong.push(`${zone} ${new Date(t).toISOString()}`);
				checked++;
			}
		}
		expect(wrong).toEqual([]);
		expect(checked).toBeGreaterThan(BULK ? 40_000 : 4_000);
	});

	test('offsets with seconds (local mean time before zones existed)', () => {
		// Berlin kept LMT +00:53:28 until 1893.
		const instant = utc('1880-06-01T12:00:00Z');
		expect(zoneOffsetMs(instant, 'Europe/Berlin')).toBe((53 * 60 + 28) * 1000);
		expect(zoneOffsetMs(instant, 'Europe/Berlin')).toBe(oracleOffset(instant, 'Europe/Berlin'));
	});

	test('instants before 1970 and on the first/last ms of a UTC day', () => {
		expect(zoneOffsetMs(utc('1969-12-31T23:59:59.999Z'), 'America/New_York')).toBe(-5 * H);
		expect(zoneOffsetMs(utc('1970-01-01T00:00:00Z'), 'America/New_York')).toBe(-5 * H);
		expect(zoneOffsetMs(utc('1960-07-01T00:00:00Z'), 'America/New_York')).toBe(-4 * H);
	});

	test('still exact after the per-zone cache filled and started again', () => {
		const zone = 'Europe/Paris';
		const start = utc('2000-01-01T12:00:00Z');
		const wrong: number[] = [];
		for (let day = 0; day <= CACHED_DAYS_PER_ZONE + 10; day++) {
			const t = start + day * DAY_MS;
			if (zoneOffsetMs(t, zone) !== oracleOffset(t, zone)) wrong.push(day);
		}
		expect(wrong).toEqual([]);
		expect(zoneOffsetMs(utc('2026-03-29T00:59:59Z'), zone)).toBe(1 * H);
		expect(zoneOffsetMs(utc('2026-03-29T01:00:00Z'), zone)).toBe(2 * H);
	});

	test('an unknown zone or an invalid instant is a RangeError', () => {
		expect(() => zoneOffsetMs(0, 'Mars/Base')).toThrow(RangeError);
		expect(() => zoneOffsetMs(Number.NaN, 'UTC')).toThrow(RangeError);
	});
});

describe('what the caches save (the per-event cost at 100,000 events)', () => {
	type Module = typeof import('../../../../nodes/client/timeZones');
	/** A fresh copy of the module (empty caches), with Intl's formatter and formatToParts counted. */
	function counted(run: (module: Module, calls: { created: () => number; formatted: () => number }) => void) {
		const formatted = jest.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
		const created = jest.spyOn(Intl, 'DateTimeFormat');
		try {
			jest.isolateModules(() => {
				const module = require('../../../../nodes/client/timeZones') as Module;
				created.mockClear();
				formatted.mockClear();
				run(module, { created: () => created.mock.calls.length, formatted: () => formatted.mock.calls.length });
			});
		} finally {
			created.mockRestore();
			formatted.mockRestore();
		}
	}

	test('one formatter per zone, however many lookups and zone checks', () => {
		counted((module, calls) => {
			for (let day = 0; day < 50; day++) module.zoneOffsetMs(utc('2026-01-01T12:00:00Z') + day * DAY_MS, 'Europe/Berlin');
			expect(module.isTimeZone('Europe/Berlin')).toBe(true);
			expect(calls.created()).toBe(1);
			module.zoneOffsetMs(0, 'Asia/Kolkata');
			expect(calls.created()).toBe(2);
		});
	});

	test('a UTC day without a change costs two Intl readings once; a day with one a binary search once', () => {
		counted((module, calls) => {
			module.zoneOffsetMs(utc('2026-05-01T10:00:00Z'), 'Europe/Berlin');
			expect(calls.formatted()).toBe(2);
			module.zoneOffsetMs(utc('2026-05-01T23:59:59Z'), 'Europe/Berlin');
			module.zoneOffsetMs(utc('2026-05-01T00:00:00Z'), 'Europe/Berlin');
			expect(calls.formatted()).toBe(2);
			module.zoneOffsetMs(utc('2026-03-29T10:00:00Z'), 'Europe/Berlin');
			// 86,400 seconds take 17 halvings.
			expect(calls.formatted()).toBe(2 + 2 + 17);
			module.zoneOffsetMs(utc('2026-03-29T00:00:00Z'), 'Europe/Berlin');
			expect(calls.formatted()).toBe(2 + 2 + 17);
			// Another zone has its own days.
			module.zoneOffsetMs(utc('2026-05-01T10:00:00Z'), 'America/New_York');
			expect(calls.formatted()).toBe(2 + 2 + 17 + 2);
		});
	});

	test(`a zone keeps at most ${CACHED_DAYS_PER_ZONE} days, then starts again`, () => {
		counted((module, calls) => {
			const day = (index: number) => utc('2000-01-01T12:00:00Z') + index * DAY_MS;
			for (let index = 0; index < module.CACHED_DAYS_PER_ZONE; index++) module.zoneOffsetMs(day(index), 'UTC');
			const full = calls.formatted();
			module.zoneOffsetMs(day(0), 'UTC');
			expect(calls.formatted()).toBe(full);
			// One more day: the cache starts again with it, so day 0 is read again.
			module.zoneOffsetMs(day(module.CACHED_DAYS_PER_ZONE), 'UTC');
			expect(calls.formatted()).toBe(full + 2);
			module.zoneOffsetMs(day(module.CACHED_DAYS_PER_ZONE), 'UTC');
			expect(calls.formatted()).toBe(full + 2);
			module.zoneOffsetMs(day(0), 'UTC');
			expect(calls.formatted()).toBe(full + 4);
		});
	});
});

describe('calendarFields and localTime', () => {
	test('fields with month 1..12 and the ISO weekday', () => {
		expect(calendarFields(utc('2026-03-29T23:05:06.007Z'))).toEqual({ year: 2026, month: 3, day: 29, hour: 23, minute: 5, second: 6, millisecond: 7, weekday: 7 });
		expect(calendarFields(utc('2026-03-30T00:00:00Z')).weekday).toBe(1);
		expect(calendarFields(utc('2026-04-04T00:00:00Z')).weekday).toBe(6);
	});

	test('the wall clock of a zone', () => {
		expect(localTime(utc('2026-03-29T22:30:00Z'), 'Europe/Berlin')).toEqual({ year: 2026, month: 3, day: 30, hour: 0, minute: 30, second: 0, millisecond: 0, weekday: 1 });
		expect(localTime(utc('2026-03-29T00:59:59Z'), 'Europe/Berlin')).toMatchObject({ day: 29, hour: 1, minute: 59, second: 59 });
		expect(localTime(utc('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toMatchObject({ day: 29, hour: 3, minute: 0, second: 0 });
		expect(localTime(utc('2026-01-01T18:29:59Z'), 'Asia/Kolkata')).toMatchObject({ day: 1, hour: 23, minute: 59, second: 59 });
		expect(localTime(utc('2026-01-01T18:30:00Z'), 'Asia/Kolkata')).toMatchObject({ day: 2, hour: 0, minute: 0, second: 0 });
	});
});

const wall = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millisecond = 0) => ({ year, month, day, hour, minute, second, millisecond });

describe('wallToUtc', () => {
	test('ordinary times, every zone kind', () => {
		expect(wallToUtc(wall(2026, 1, 15, 8), 'Europe/Berlin')).toBe(utc('2026-01-15T07:00:00Z'));
		expect(wallToUtc(wall(2026, 7, 15, 8), 'Europe/Berlin')).toBe(utc('2026-07-15T06:00:00Z'));
		expect(wallToUtc(wall(2026, 1, 15, 8, 0, 0, 1), 'Asia/Kolkata')).toBe(utc('2026-01-15T02:30:00.001Z'));
		expect(wallToUtc(wall(2026, 1, 15), 'UTC')).toBe(utc('2026-01-15T00:00:00Z'));
	});

	test('right after a change the new offset applies (only the later offset fits)', () => {
		expect(wallToUtc(wall(2026, 3, 29, 3, 30), 'Europe/Berlin')).toBe(utc('2026-03-29T01:30:00Z'));
		expect(wallToUtc(wall(2026, 3, 30), 'Europe/Berlin')).toBe(utc('2026-03-29T22:00:00Z'));
		expect(wallToUtc(wall(2026, 10, 25, 3), 'Europe/Berlin')).toBe(utc('2026-10-25T02:00:00Z'));
		expect(wallToUtc(wall(2026, 10, 26), 'Europe/Berlin')).toBe(utc('2026-10-25T23:00:00Z'));
	});

	test('skipped times move forward by the gap', () => {
		expect(wallToUtc(wall(2026, 3, 29, 2, 30), 'Europe/Berlin')).toBe(utc('2026-03-29T01:30:00Z'));
		expect(wallToUtc(wall(2026, 3, 8, 2, 59, 59), 'America/New_York')).toBe(utc('2026-03-08T07:59:59Z'));
		expect(wallToUtc(wall(2026, 10, 4, 2, 15), 'Australia/Lord_Howe')).toBe(utc('2026-10-03T15:45:00Z'));
	});

	test('repeated times are their first occurrence', () => {
		expect(wallToUtc(wall(2026, 10, 25, 2), 'Europe/Berlin')).toBe(utc('2026-10-25T00:00:00Z'));
		expect(wallToUtc(wall(2026, 10, 25, 2, 59, 59, 999), 'Europe/Berlin')).toBe(utc('2026-10-25T00:59:59.999Z'));
		expect(wallToUtc(wall(2026, 11, 1, 1), 'America/New_York')).toBe(utc('2026-11-01T05:00:00Z'));
	});

	test('a skipped midnight is the first instant of its day (America/Santiago 2026-09-06 starts at 01:00)', () => {
		const start = wallToUtc(wall(2026, 9, 6), 'America/Santiago');
		expect(start).toBe(utc('2026-09-06T04:00:00Z'));
		expect(localTime(start, 'America/Santiago')).toMatchObject({ day: 6, hour: 1, minute: 0 });
		expect(localTime(start - 1, 'America/Santiago')).toMatchObject({ day: 5, hour: 23, minute: 59 });
	});

	test('a skipped day (Pacific/Apia jumped from 2011-12-29 to 2011-12-31) is the start of the next day', () => {
		expect(wallToUtc(wall(2011, 12, 30), 'Pacific/Apia')).toBe(utc('2011-12-30T10:00:00Z'));
		expect(wallToUtc(wall(2011, 12, 31), 'Pacific/Apia')).toBe(utc('2011-12-30T10:00:00Z'));
		expect(wallToUtc(wall(2011, 12, 29, 23, 59, 59), 'Pacific/Apia')).toBe(utc('2011-12-30T09:59:59Z'));
	});

	test('round trip: every 2026 wall hour that exists once maps back to itself', () => {
		const wrong: string[] = [];
		let repeated = 0;
		for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'America/Santiago']) {
			for (let t = utc('2026-01-01T00:00:00Z'); t < utc('2027-01-01T00:00:00Z'); t += H) {
				const local = localTime(t, zone);
				const back = wallToUtc(local, zone);
				const again = localTime(back, zone);
				// A repeated wall time maps to its first occurrence, one hour (or half) earlier.
				if (back !== t) {
					repeated++;
					if (t - back !== zoneOffsetMs(back, zone) - zoneOffsetMs(t, zone)) wrong.push(`${zone} ${t}`);
				}
				if (again.hour !== local.hour || again.minute !== local.minute || again.day !== local.day) wrong.push(`${zone} ${t} fields`);
			}
		}
		expect(wrong).toEqual([]);
		// One sampled UTC hour per zone shows a repeated wall time: Berlin 01:00Z (02:00 CET, first at
		// 00:00Z), New York 06:00Z, Santiago 03:00Z, and Lord Howe 15:00Z (01:30 again, first at 14:30Z).
		expect(repeated).toBe(4);
	});
});
