/**
 * Date-time parameters to ISO 8601 UTC. n8n's date-time fields give local wall time without an
 * offset ("2026-01-01T08:00:00"), meant in the workflow's timezone; expressions may give a Date,
 * a Luxon DateTime or a string with an offset.
 */

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;
const WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

function zoneOffsetMs(instant: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(instant));
	const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
	const wall = Date.UTC(value('year'), value('month') - 1, value('day'), value('hour'), value('minute'), value('second'));
	return wall - Math.floor(instant / 1000) * 1000;
}

/** Wall-clock fields in a time zone to the UTC instant (DST gaps resolve forward). */
function zonedToUtc(fields: number[], timeZone: string): number {
	const [year, month, day, hour, minute, second, ms] = fields;
	const guess = Date.UTC(year, month - 1, day, hour, minute, second, ms);
	const first = guess - zoneOffsetMs(guess, timeZone);
	return guess - zoneOffsetMs(first, timeZone);
}

/** Returns epoch milliseconds, or undefined when the value is not a date-time. */
export function parseDateTime(value: unknown, timeZone: string): number | undefined {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
	if (value && typeof value === 'object' && typeof (value as { toMillis?: unknown }).toMillis === 'function') {
		const ms = (value as { toMillis: () => number }).toMillis();
		return Number.isFinite(ms) ? ms : undefined;
	}
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (WITH_ZONE.test(text)) {
		const ms = Date.parse(text);
		return Number.isNaN(ms) ? undefined : ms;
	}
	const match = LOCAL_DATE_TIME.exec(text);
	if (!match) return undefined;
	const fields = match.slice(1, 8).map((part, index) => {
		if (part === undefined) return 0;
		return index === 6 ? Number(part.slice(0, 3).padEnd(3, '0')) : Number(part);
	});
	const [year, month, day, hour, minute, second] = fields;
	if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
	let zone = timeZone;
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: zone });
	} catch {
		zone = 'UTC';
	}
	const ms = zonedToUtc(fields, zone);
	// Reject dates that do not exist, such as 2026-02-30.
	const check = new Date(Date.UTC(year, month - 1, day));
	if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
	return ms;
}

/** ISO 8601 in UTC with a Z, without milliseconds when they are zero. */
export function toIsoUtc(ms: number): string {
	return new Date(ms).toISOString().replace('.000Z', 'Z');
}
