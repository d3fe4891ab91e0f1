/**
 * Date-time parameters to ISO 8601 UTC. n8n's date-time fields give local wall time without an
 * offset ("2026-01-01T08:00:00"), meant in the workflow's timezone; expressions may give a Date,
 * a Luxon DateTime or a string with an offset.
 *
 * Accepted text: YYYY-MM-DD, optionally followed by T, t or a space and hh:mm[:ss[.fraction]], and
 * then optionally Z, z or an offset ±hh:mm / ±hhmm. Only dates and times that exist are accepted,
 * with or without an offset: years 0001..9999 (four digits), month 01..12, the month's real days
 * (2024-02-29 yes, 2100-02-29 no), hours 00..23 (no 24:00), minutes and seconds 00..59 (no leap
 * second), offsets up to ±14:00. A fraction has 1..9 digits and is cut to milliseconds. A zone
 * designator needs a time. Without an offset the wall time is read in the time zone given (see
 * wallToUtc for skipped and repeated times); an unknown zone reads it as UTC.
 */
import { isTimeZone, utcMs, wallToUtc } from './timeZones';

const DATE_TIME =
	/^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** The largest offset in use (Pacific/Kiritimati, +14:00), in minutes. */
const MAX_OFFSET_MINUTES = 14 * 60;

export function isLeapYear(year: number): boolean {
	return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Days of month 1..12 of a year. */
export function daysInMonth(year: number, month: number): number {
	return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
}

/** Returns epoch milliseconds, or undefined when the value is not a date-time. */
export function parseDateTime(value: unknown, timeZone: string): number | undefined {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
	if (value && typeof value === 'object' && typeof (value as { toMillis?: unknown }).toMillis === 'function') {
		const ms = (value as { toMillis: () => number }).toMillis();
		return Number.isFinite(ms) ? ms : undefined;
	}
	if (typeof value !== 'string') return undefined;
	const match = DATE_TIME.exec(value.trim());
	if (!match) return undefined;
	const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => (part === undefined ? 0 : Number(part)));
	if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
	if (hour > 23 || minute > 59 || second > 59) return undefined;
	const millisecond = match[7] === undefined ? 0 : Number(match[7].slice(0, 3).padEnd(3, '0'));
	if (match[8] !== undefined) return utcMs(year, month, day, hour, minute, second, millisecond);
	if (match[9] !== undefined) {
		const offsetMinutes = Number(match[10]) * 60 + Number(match[11]);
		if (Number(match[11]) > 59 || offsetMinutes > MAX_OFFSET_MINUTES) return undefined;
		const sign = match[9] === '-' ? -1 : 1;
		return utcMs(year, month, day, hour, minute, second, millisecond) - sign * offsetMinutes * 60_000;
	}
	const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
	return wallToUtc({ year, month, day, hour, minute, second, millisecond }, zone);
}

/** ISO 8601 in UTC with a Z, without milliseconds when they are zero. */
export function toIsoUtc(ms: number): string {
	return new Date(ms).toISOString().replace('.000Z', 'Z');
}
