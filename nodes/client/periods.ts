/**
 * Periods in a time zone: the presets of the Period parameter (Today So Far, Yesterday, ...), the
 * local calendar keys used to group events (day, ISO week, month) and the UTC window each covers.
 *
 * Windows are [from, to) in UTC epoch ms. Days are local calendar days: from the first instant of the
 * day to the first instant of the next, so a day is 23 or 25 hours long when the clocks change, and
 * a day whose midnight is skipped (America/Santiago's DST starts at 00:00) begins at 01:00. "So far"
 * presets end at now; at exactly local midnight Today So Far is empty (from == to): the caller asks
 * for nothing rather than for the whole of yesterday.
 *
 * Local times are written ISO 8601 with the offset in force at that instant, always as ±hh:mm (UTC
 * is +00:00, never Z, so every local time has the same shape); seconds always, milliseconds only
 * when not zero; ±hh:mm:ss for the few historical offsets with seconds (local mean time).
 * Years 0001..9999.
 */
import { toIsoUtc } from './dates';
import { DAY_MS, calendarFields, isTimeZone, utcMs, wallToUtc, zoneOffsetMs } from './timeZones';

export { isTimeZone } from './timeZones';

export type PeriodPreset = 'today' | 'yesterday' | 'thisWeek' | 'lastWeek' | 'last7Days' | 'last30Days' | 'thisMonth' | 'lastMonth';

/** [from, to) in UTC epoch milliseconds. */
export interface TimeWindow {
	from: number;
	to: number;
}

/** A window as the output shows it. */
export interface WindowDescription {
	from: string;
	to: string;
	fromLocal: string;
	toLocal: string;
	timeZone: string;
}

/** The Period options, in the order to show them ('custom' is the caller's). */
export const PERIOD_PRESETS: Array<{ name: string; value: PeriodPreset; description: string }> = [
	{ name: 'Today So Far', value: 'today', description: 'From local midnight until now' },
	{ name: 'Yesterday', value: 'yesterday', description: 'The whole of yesterday, local midnight to midnight' },
	{ name: 'This Week So Far', value: 'thisWeek', description: 'From Monday 00:00 (ISO week) until now' },
	{ name: 'Last Week', value: 'lastWeek', description: 'Monday to Sunday of the previous ISO week' },
	{ name: 'Last 7 Days', value: 'last7Days', description: 'The 7 full days before today (today not included)' },
	{ name: 'Last 30 Days', value: 'last30Days', description: 'The 30 full days before today (today not included)' },
	{ name: 'This Month So Far', value: 'thisMonth', description: 'From the 1st of this month 00:00 until now' },
	{ name: 'Last Month', value: 'lastMonth', description: 'The whole of last month' },
];

/** Where the time zone of a site's periods comes from, and what to tell the user about it. */
export interface ZoneChoice {
	timeZone: string;
	source: 'site' | 'workflow' | 'utc';
	/** Set when the zone wanted could not be used: a line for the output, never a silent fallback. */
	hint?: string;
}

const KEY_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const KEY_WEEK = /^(\d{4})-W(\d{2})$/;
const KEY_MONTH = /^(\d{4})-(\d{2})$/;

function assertZone(timeZone: string): void {
	if (!isTimeZone(timeZone)) throw new RangeError(`Unknown time zone ${JSON.stringify(timeZone)}`);
}

function describeZoneValue(value: unknown): string {
	if (value === undefined || value === null || value === '') return 'has no time zone';
	if (typeof value !== 'string') return `has a time zone that is not text (${typeof value})`;
	return `has the time zone ${JSON.stringify(value)}, which is not a known IANA time zone`;
}

/**
 * The time zone for a site's periods and local times: the site's `timezone` (default), or the
 * workflow's when `useWorkflowZone`. A site without a usable zone falls back to the workflow's, and
 * a workflow zone that is not usable to UTC, each with a hint.
 */
export function chooseTimeZone(
	site: { id?: unknown; name?: unknown; timezone?: unknown },
	workflowTimeZone: string,
	useWorkflowZone = false,
): ZoneChoice {
	if (!useWorkflowZone && isTimeZone(site.timezone)) return { timeZone: site.timezone, source: 'site' };
	const label = typeof site.name === 'string' && site.name !== '' ? `Site "${site.name}" (${String(site.id)})` : `Site ${String(site.id)}`;
	const siteHint = useWorkflowZone ? undefined : `${label} ${describeZoneValue(site.timezone)}`;
	if (isTimeZone(workflowTimeZone)) {
		if (siteHint === undefined) return { timeZone: workflowTimeZone, source: 'workflow' };
		return { timeZone: workflowTimeZone, source: 'workflow', hint: `${siteHint}; its periods and local times use the workflow's time zone, ${workflowTimeZone}.` };
	}
	const workflowHint = `the workflow's time zone ${JSON.stringify(workflowTimeZone)} is not a known IANA time zone either`;
	return {
		timeZone: 'UTC',
		source: 'utc',
		hint: siteHint === undefined ? `The workflow's time zone ${JSON.stringify(workflowTimeZone)} is not a known IANA time zone; UTC is used.` : `${siteHint} and ${workflowHint}; UTC is used.`,
	};
}

/** The first instant of a local calendar day; the fields may overflow (day 0, day 32, month 0 or 13). */
function dayStart(year: number, month: number, day: number, timeZone: string): number {
	const date = calendarFields(utcMs(year, month, day));
	return wallToUtc({ year: date.year, month: date.month, day: date.day, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
}

/** The UTC window of a preset at `nowMs`, in `timeZone`. Throws a RangeError for an unknown zone or preset. */
export function periodWindow(preset: PeriodPreset, nowMs: number, timeZone: string): TimeWindow {
	assertZone(timeZone);
	if (!Number.isFinite(nowMs)) throw new RangeError(`Invalid now: ${nowMs}`);
	const today = calendarFields(nowMs + zoneOffsetMs(nowMs, timeZone));
	const { year, month, day, weekday } = today;
	const start = (days: number) => dayStart(year, month, day + days, timeZone);
	switch (preset) {
		case 'today':
			return { from: start(0), to: nowMs };
		case 'yesterday':
			return { from: start(-1), to: start(0) };
		case 'thisWeek':
			return { from: start(1 - weekday), to: nowMs };
		case 'lastWeek':
			return { from: start(-6 - weekday), to: start(1 - weekday) };
		case 'last7Days':
			return { from: start(-7), to: start(0) };
		case 'last30Days':
			return { from: start(-30), to: start(0) };
		case 'thisMonth':
			return { from: dayStart(year, month, 1, timeZone), to: nowMs };
		case 'lastMonth':
			return { from: dayStart(year, month - 1, 1, timeZone), to: dayStart(year, month, 1, timeZone) };
		default:
			throw new RangeError(`Unknown period ${JSON.stringify(preset)}`);
	}
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function formatOffset(offsetMs: number): string {
	const total = Math.abs(offsetMs) / 1000;
	const seconds = total % 60;
	const text = `${offsetMs < 0 ? '-' : '+'}${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}`;
	return seconds === 0 ? text : `${text}:${pad(seconds)}`;
}

/** ISO 8601 with the zone's offset at that instant: 2026-10-25T02:30:00+01:00, 2026-01-01T05:30:00+05:30. */
export function toLocalIso(ms: number, timeZone: string): string {
	const offset = zoneOffsetMs(ms, timeZone);
	const f = calendarFields(ms + offset);
	const fraction = f.millisecond === 0 ? '' : `.${pad(f.millisecond, 3)}`;
	return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}T${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}${fraction}${formatOffset(offset)}`;
}

/** A window in UTC (Z) and local time, with the zone. */
export function describeWindow(window: TimeWindow, timeZone: string): WindowDescription {
	return {
		from: toIsoUtc(window.from),
		to: toIsoUtc(window.to),
		fromLocal: toLocalIso(window.from, timeZone),
		toLocal: toLocalIso(window.to, timeZone),
		timeZone,
	};
}

/** Local days since 1970-01-01 (day 0) of an instant. */
function localDayNumber(ms: number, timeZone: string): number {
	return Math.floor((ms + zoneOffsetMs(ms, timeZone)) / DAY_MS);
}

/** 'YYYY-MM-DD' of the local day. */
export function localDay(ms: number, timeZone: string): string {
	const f = calendarFields(localDayNumber(ms, timeZone) * DAY_MS);
	return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`;
}

/** 'YYYY-MM' of the local month. */
export function localMonth(ms: number, timeZone: string): string {
	const f = calendarFields(localDayNumber(ms, timeZone) * DAY_MS);
	return `${pad(f.year, 4)}-${pad(f.month)}`;
}

/** ISO weekday of a day number: 1 (Monday) .. 7 (Sunday); 1970-01-01 (day 0) was a Thursday. */
function isoWeekday(dayNumber: number): number {
	return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

/** ISO week of a day number: the week-year is the year of the week's Thursday; weeks start on Monday. */
function isoWeek(dayNumber: number): { weekYear: number; week: number } {
	const thursday = dayNumber + 4 - isoWeekday(dayNumber);
	const weekYear = calendarFields(thursday * DAY_MS).year;
	const firstDay = utcMs(weekYear, 1, 1) / DAY_MS;
	return { weekYear, week: Math.floor((thursday - firstDay) / 7) + 1 };
}

/** 'YYYY-Www' of the local ISO 8601 week (2026-12-31 and 2027-01-03 are 2026-W53). */
export function localIsoWeek(ms: number, timeZone: string): string {
	const { weekYear, week } = isoWeek(localDayNumber(ms, timeZone));
	return `${pad(weekYear, 4)}-W${pad(week)}`;
}

/** Weeks of an ISO week-year: 53 when it has 53 Thursdays, else 52 (28 December is always in its last week). */
export function isoWeeksInYear(weekYear: number): number {
	return isoWeek(utcMs(weekYear, 12, 28) / DAY_MS).week;
}

function badKey(kind: string, key: unknown): RangeError {
	return new RangeError(`Not a ${kind} key: ${JSON.stringify(key)}`);
}

/** The UTC window of a local day 'YYYY-MM-DD' (23 or 25 hours on DST days). */
export function dayWindow(key: string, timeZone: string): TimeWindow {
	assertZone(timeZone);
	const match = KEY_DAY.exec(key);
	if (!match) throw badKey('day', key);
	const [year, month, day] = match.slice(1).map(Number);
	const date = calendarFields(utcMs(year, month, day));
	// A day that does not exist rolls over into another month (2026-02-30 is 2 March, 2026-13-01 January).
	if (year < 1 || date.month !== month) throw badKey('day', key);
	return { from: dayStart(year, month, day, timeZone), to: dayStart(year, month, day + 1, timeZone) };
}

/** The UTC window of a local ISO week 'YYYY-Www', Monday 00:00 to the next Monday 00:00. */
export function weekWindow(key: string, timeZone: string): TimeWindow {
	assertZone(timeZone);
	const match = KEY_WEEK.exec(key);
	if (!match) throw badKey('week', key);
	const [weekYear, week] = match.slice(1).map(Number);
	if (weekYear < 1 || week < 1 || week > isoWeeksInYear(weekYear)) throw badKey('week', key);
	// Week 1 holds 4 January.
	const january4 = utcMs(weekYear, 1, 4) / DAY_MS;
	const monday = january4 - isoWeekday(january4) + 1 + (week - 1) * 7;
	const f = calendarFields(monday * DAY_MS);
	return { from: dayStart(f.year, f.month, f.day, timeZone), to: dayStart(f.year, f.month, f.day + 7, timeZone) };
}

/** The UTC window of a local month 'YYYY-MM'. */
export function monthWindow(key: string, timeZone: string): TimeWindow {
	assertZone(timeZone);
	const match = KEY_MONTH.exec(key);
	if (!match) throw badKey('month', key);
	const [year, month] = match.slice(1).map(Number);
	if (year < 1 || month < 1 || month > 12) throw badKey('month', key);
	return { from: dayStart(year, month, 1, timeZone), to: dayStart(year, month + 1, 1, timeZone) };
}
