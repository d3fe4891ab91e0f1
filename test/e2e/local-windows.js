'use strict';

/**
 * The windows of the Period presets, computed the slow, obvious way for the e2e suites, without the
 * package's own code (nodes/client/periods.ts): the local calendar date comes from Intl, and the
 * first instant of a local day is found by scanning UTC quarter hours around it (the sandbox's
 * zones and their DST changes all fall on quarter hours: Europe/Berlin, Europe/Amsterdam,
 * America/New_York, America/Los_Angeles, Asia/Kolkata at +05:30). Windows are [from, to) in epoch ms.
 */

const QUARTER_HOUR = 15 * 60_000;
const HOUR = 3_600_000;
const WEEKDAYS = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

const formats = new Map();
function format(timeZone) {
	if (!formats.has(timeZone)) {
		formats.set(timeZone, new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short' }));
	}
	return formats.get(timeZone);
}

/** The local calendar date of an instant: { year, month, day, weekday (1 = Monday .. 7 = Sunday) }. */
function localDate(ms, timeZone) {
	const parts = Object.fromEntries(format(timeZone).formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
	return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), weekday: WEEKDAYS[parts.weekday] };
}

const dateKey = ({ year, month, day }) => year * 10_000 + month * 100 + day;

/**
 * The first instant of the local day year-month-day (fields may overflow: day 0 is the last day of
 * the month before, month 0 December of the year before).
 */
function dayStart(year, month, day, timeZone) {
	const utcMidnight = Date.UTC(year, month - 1, day);
	const date = new Date(utcMidnight);
	const wanted = dateKey({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
	// A local midnight lies within 15 hours of the UTC one (offsets -12..+14).
	for (let t = utcMidnight - 15 * HOUR; t <= utcMidnight + 15 * HOUR; t += QUARTER_HOUR) {
		if (dateKey(localDate(t, timeZone)) >= wanted) return t;
	}
	throw new Error(`no start of ${wanted} found in ${timeZone}`);
}

/** The window of a preset at `now` in `timeZone` (the presets the examples and tools use). */
function presetWindow(preset, now, timeZone) {
	const today = localDate(now, timeZone);
	const start = (days) => dayStart(today.year, today.month, today.day + days, timeZone);
	switch (preset) {
		case 'yesterday':
			return { from: start(-1), to: start(0) };
		case 'lastWeek':
			return { from: start(1 - today.weekday - 7), to: start(1 - today.weekday) };
		case 'last7Days':
			return { from: start(-7), to: start(0) };
		case 'last30Days':
			return { from: start(-30), to: start(0) };
		case 'lastMonth':
			return { from: dayStart(today.year, today.month - 1, 1, timeZone), to: dayStart(today.year, today.month, 1, timeZone) };
		case 'today':
			return { from: start(0), to: now };
		case 'thisWeek':
			return { from: start(1 - today.weekday), to: now };
		case 'thisMonth':
			return { from: dayStart(today.year, today.month, 1, timeZone), to: now };
		default:
			throw new Error(`presetWindow: unknown preset ${preset}`);
	}
}

/** The local month before the one of `now` in `timeZone`, as yyyy-MM. */
function previousMonth(now, timeZone) {
	const { year, month } = localDate(now, timeZone);
	const date = new Date(Date.UTC(year, month - 2, 1));
	return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** A site's sandbox sessions that started in a window (from <= start_time < to, the sandbox's rule). */
function sessionsIn(sandbox, siteId, window) {
	return sandbox.getEvents(siteId).filter((event) => {
		const start = Date.parse(event.start_time);
		return start >= window.from && start < window.to;
	});
}

/** Whole-number sums of sessions: count, Wh, duration seconds, first start and last stop (ms). */
function totals(events) {
	return {
		sessions: events.length,
		wh: events.reduce((sum, event) => sum + event.energy_wh, 0),
		seconds: events.reduce((sum, event) => sum + event.duration, 0),
		firstStart: Math.min(...events.map((event) => Date.parse(event.start_time))),
		lastStop: Math.max(...events.map((event) => Date.parse(event.stop_time))),
	};
}

module.exports = { localDate, dayStart, presetWindow, previousMonth, sessionsIn, totals };
