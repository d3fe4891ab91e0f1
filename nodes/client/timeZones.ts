/**
 * Time-zone arithmetic: the one place in the package that converts between UTC instants and wall
 * clocks of an IANA time zone. Node's Intl holds the zone data; nothing else is needed.
 *
 * Speed: these run per event (100,000+ events). Creating an Intl.DateTimeFormat is slow, so there is
 * one per zone; formatToParts is slow too, so a zone's UTC offset is worked out once per UTC day
 * and kept: the offsets at the day's two ends, and when they differ, the exact second of the change
 * between them (a binary search over the day's seconds). Exact under one assumption, true of every
 * zone in the tz database in use: a zone's offset does not change twice within 24 hours.
 */

export const DAY_MS = 86_400_000;
const DAY_SECONDS = 86_400;
/** The Gregorian calendar repeats every 400 years, 146,097 days. */
const FOUR_CENTURIES_MS = 146_097 * DAY_MS;
/** Offset cache entries per zone (one per UTC day, about 11 years); then it starts again. */
export const CACHED_DAYS_PER_ZONE = 4096;

/** A wall-clock time: month 1..12, day 1..31. */
export interface WallTime {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
	millisecond: number;
}

/** A wall-clock time read in a zone, with the ISO weekday (1 = Monday .. 7 = Sunday). */
export interface LocalTime extends WallTime {
	weekday: number;
}

/** The offset of one UTC day: `before` until `at` (epoch ms), `after` from then on. */
interface DayOffsets {
	before: number;
	after: number;
	at: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, DayOffsets>>();

/** Offset strings such as '+01:00' are zones on Node 24 but not on Node 20: refused on both. */
const OFFSET_ZONE = /^[+-]/;

/** One formatter per zone; throws a RangeError for a zone Intl does not know. */
function formatter(timeZone: string): Intl.DateTimeFormat {
	let format = formatters.get(timeZone);
	if (format === undefined) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
		formatters.set(timeZone, format);
	}
	return format;
}

/** A time-zone name Intl knows ('UTC', 'Europe/Berlin', aliases such as 'US/Eastern'). */
export function isTimeZone(zone: unknown): zone is string {
	if (typeof zone !== 'string' || OFFSET_ZONE.test(zone)) return false;
	try {
		formatter(zone);
		return true;
	} catch {
		return false;
	}
}

/**
 * Date.UTC with month 1..12 and without its mapping of years 0..99 to 1900..1999: computed 400
 * years later (the same calendar) and moved back.
 */
export function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millisecond = 0): number {
	return Date.UTC(year + 400, month - 1, day, hour, minute, second, millisecond) - FOUR_CENTURIES_MS;
}

/** The offset (local minus UTC, ms) at a whole second, from Intl itself. Years 1 and later. */
function intlOffsetMs(second: number, timeZone: string): number {
	const fields: Record<string, number> = {};
	for (const part of formatter(timeZone).formatToParts(new Date(second * 1000))) fields[part.type] = Number(part.value);
	return utcMs(fields.year, fields.month, fields.day, fields.hour, fields.minute, fields.second) - second * 1000;
}

/** The offsets of UTC day `dayIndex` (days since 1970-01-01) and the second they change, if they do. */
function dayOffsets(dayIndex: number, timeZone: string): DayOffsets {
	let low = dayIndex * DAY_SECONDS;
	let high = low + DAY_SECONDS;
	const before = intlOffsetMs(low, timeZone);
	const after = intlOffsetMs(high, timeZone);
	if (before === after) return { before, after, at: Infinity };
	// Invariant: the offset at `low` is `before`, at `high` it is not; offsets change on whole seconds.
	while (high - low > 1) {
		const middle = Math.floor((low + high) / 2);
		if (intlOffsetMs(middle, timeZone) === before) low = middle;
		else high = middle;
	}
	return { before, after, at: high * 1000 };
}

/**
 * The zone's UTC offset at an instant, in ms (Europe/Berlin in winter: 3,600,000). Throws a
 * RangeError for an unknown zone or an invalid instant.
 */
export function zoneOffsetMs(instant: number, timeZone: string): number {
	let days = offsetCache.get(timeZone);
	if (days === undefined) {
		formatter(timeZone);
		days = new Map();
		offsetCache.set(timeZone, days);
	}
	const dayIndex = Math.floor(instant / DAY_MS);
	let offsets = days.get(dayIndex);
	if (offsets === undefined) {
		offsets = dayOffsets(dayIndex, timeZone);
		if (days.size >= CACHED_DAYS_PER_ZONE) days.clear();
		days.set(dayIndex, offsets);
	}
	return instant < offsets.at ? offsets.before : offsets.after;
}

/** The calendar fields of a UTC-based millisecond count (a UTC instant, or a wall time as if UTC). */
export function calendarFields(ms: number): LocalTime {
	const date = new Date(ms);
	return {
		year: date.getUTCFullYear(),
		month: date.getUTCMonth() + 1,
		day: date.getUTCDate(),
		hour: date.getUTCHours(),
		minute: date.getUTCMinutes(),
		second: date.getUTCSeconds(),
		millisecond: date.getUTCMilliseconds(),
		weekday: date.getUTCDay() || 7,
	};
}

/** The wall clock of `timeZone` at an instant. */
export function localTime(instant: number, timeZone: string): LocalTime {
	return calendarFields(instant + zoneOffsetMs(instant, timeZone));
}

/**
 * The instant a wall-clock time in `timeZone` means. A time that occurs twice (the hour repeated when
 * clocks go back) is its first occurrence; a time that does not occur (skipped when clocks go
 * forward) moves forward by the length of the gap (Berlin 2026-03-29 02:30 is 03:30 CEST), so a day
 * whose midnight is skipped starts at its first instant. (Temporal's 'compatible'.)
 */
export function wallToUtc(wall: WallTime, timeZone: string): number {
	const local = utcMs(wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
	const earlier = zoneOffsetMs(local - DAY_MS, timeZone);
	const later = zoneOffsetMs(local + DAY_MS, timeZone);
	const withEarlier = local - earlier;
	const withLater = local - later;
	const earlierFits = zoneOffsetMs(withEarlier, timeZone) === earlier;
	const laterFits = zoneOffsetMs(withLater, timeZone) === later;
	if (laterFits && !earlierFits) return withLater;
	// Both fit: a repeated time (or no change at all), and the earlier offset gives the first instant.
	// Neither fits: a skipped time, read with the offset before the gap.
	return withEarlier;
}
