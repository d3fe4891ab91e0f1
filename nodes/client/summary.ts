/**
 * Charging Event → Summarize: a streaming aggregator. Events are added one at a time (page by page);
 * memory grows with the number of groups, not with the number of sessions: a group keeps counts,
 * sums and extremes, never the events or their IDs. A session is counted once because the caller
 * delivers each once (the paging layer dedupes by transaction_id), so nothing here remembers IDs.
 *
 * Groups: any of site, day, week (ISO, Monday start), month (local to the site's time zone, by the
 * session's start), charger, connector, ID tag. A missing charger, connector or ID tag is a group of
 * its own with the value null, not dropped; so is a session without a parseable start when grouping
 * by day, week or month (its day/week/month is null). `connector` is the connector number alone;
 * group by charger and connector for one group per physical connector.
 *
 * Exact sums: energy is summed in whole Wh and durations in whole ms (see eventFields.ts), so the
 * totals equal the sums of the groups, and a group's energy_kwh equals the sum of its events'
 * energy_kwh from withLocalFields when both are compared in Wh (× 1000, rounded). Averages are over
 * the sessions that have the value (energy_kwh_avg over sessions with energy); sessions without it
 * are counted in sessions_without_energy / sessions_without_duration, and a group where no session
 * has it shows null, never 0.
 *
 * Period of a group: with day/week/month keys, the local calendar period (the intersection of the
 * keys' periods: week + month is the part of the week in that month) in the site's zone; without
 * them (or when they are null), the query window the caller passed with the site (`site.window`),
 * else null. A group fed by sites in different zones covers from the earliest start to the latest
 * end, and its local times and time_zone are null.
 *
 * Order: by the group keys in the fixed order site, day, week, month, charger, connector, ID tag;
 * text by UTF-16 code units, digit strings by number (connector 2 before 10), null last.
 */
import type { IDataObject } from 'n8n-workflow';

import { toIsoUtc } from './dates';
import { chargerId, connectorId, divideRounded, durationMs, energyKwh, idTag, startMs, stopMs, type EnergyField } from './eventFields';
import { dayWindow, localDay, localIsoWeek, localMonth, monthWindow, toLocalIso, weekWindow, type TimeWindow } from './periods';
import { isTimeZone } from './timeZones';

export type GroupKey = 'site' | 'day' | 'week' | 'month' | 'charger' | 'connector' | 'idTag';

/** The Group By options, in output order. */
export const GROUP_KEYS: Array<{ name: string; value: GroupKey; description: string }> = [
	{ name: 'Site', value: 'site', description: 'One group per site' },
	{ name: 'Day', value: 'day', description: "The local day the session started, in the site's time zone" },
	{ name: 'Week', value: 'week', description: 'The local ISO week (Monday to Sunday) the session started' },
	{ name: 'Month', value: 'month', description: 'The local month the session started' },
	{ name: 'Charger', value: 'charger', description: 'The charging station' },
	{ name: 'Connector', value: 'connector', description: 'The connector number (with Charger: one group per connector)' },
	{ name: 'ID Tag', value: 'idTag', description: 'The RFID card (driver) that started the session' },
];

const KEY_ORDER: readonly GroupKey[] = GROUP_KEYS.map((key) => key.value);
const FIELD: Record<GroupKey, string> = {
	site: 'site_id',
	day: 'day',
	week: 'week',
	month: 'month',
	charger: 'charger_id',
	connector: 'connector_id',
	idTag: 'id_tag',
};
type PeriodKey = 'day' | 'week' | 'month';
const PERIODS: Record<PeriodKey, { key: (ms: number, timeZone: string) => string; window: (key: string, timeZone: string) => TimeWindow }> = {
	day: { key: localDay, window: dayWindow },
	week: { key: localIsoWeek, window: weekWindow },
	month: { key: localMonth, window: monthWindow },
};
const isPeriodKey = (key: GroupKey): key is PeriodKey => key === 'day' || key === 'week' || key === 'month';

/** The site an event belongs to: its ID, name, the zone its local periods use, the query window. */
export interface SummarySite {
	id: string;
	name?: string;
	timeZone: string;
	window?: TimeWindow;
}

export interface SummaryOptions {
	groupBy: GroupKey[];
	energyField?: EnergyField;
}

export interface Summary {
	/** Adds one session. Throws a RangeError when the site's zone is unknown. */
	add(event: IDataObject, site: SummarySite): void;
	/** One item per group, in order. */
	groups(): IDataObject[];
	/** One item over all sessions, with the group key fields null and the number of groups. */
	totals(): IDataObject;
	readonly sessions: number;
	readonly withoutEnergy: number;
	readonly withoutStart: number;
	/** Where energy was read from (paths, or 'stop - start' of meter pairs), sorted. */
	readonly energySources: string[];
}

/** Counts, sums and extremes of a set of sessions, and the period they cover. */
class Accumulator {
	sessions = 0;
	withEnergy = 0;
	wh = 0;
	withDuration = 0;
	durationMs = 0;
	firstStart = Infinity;
	lastStop = -Infinity;
	periodFrom = Infinity;
	periodTo = -Infinity;
	/** The zone of the period: undefined before any, null when sites in different zones fed it. */
	zone: string | null | undefined = undefined;
	/** Sites whose period is already in periodFrom/periodTo. */
	readonly periodSites = new Set<string>();

	count(wh: number | undefined, duration: number | undefined, start: number | undefined, stop: number | undefined): void {
		this.sessions++;
		if (wh !== undefined) {
			this.withEnergy++;
			this.wh += wh;
		}
		if (duration !== undefined) {
			this.withDuration++;
			this.durationMs += duration;
		}
		if (start !== undefined) this.firstStart = Math.min(this.firstStart, start);
		if (stop !== undefined) this.lastStop = Math.max(this.lastStop, stop);
	}

	/** Widens the period by a site's part of it, once per site. */
	cover(siteId: string, window: () => TimeWindow | undefined, timeZone: string): void {
		if (this.periodSites.has(siteId)) return;
		this.periodSites.add(siteId);
		const part = window();
		if (part === undefined) return;
		this.periodFrom = Math.min(this.periodFrom, part.from);
		this.periodTo = Math.max(this.periodTo, part.to);
		this.zone = this.zone === undefined || this.zone === timeZone ? timeZone : null;
	}

	fields(): IDataObject {
		const hasPeriod = this.periodFrom <= this.periodTo;
		const zone = hasPeriod ? this.zone ?? null : null;
		// The figures people read first come first (a table in n8n's editor, a sheet's columns).
		return {
			sessions: this.sessions,
			energy_kwh: this.withEnergy === 0 ? null : this.wh / 1000,
			energy_kwh_avg: this.withEnergy === 0 ? null : divideRounded(this.wh, this.withEnergy) / 1000,
			// Thousandths of an hour are 3600 ms.
			duration_hours: this.withDuration === 0 ? null : divideRounded(this.durationMs, 3600) / 1000,
			duration_hours_avg: this.withDuration === 0 ? null : divideRounded(this.durationMs, 3600 * this.withDuration) / 1000,
			sessions_without_energy: this.sessions - this.withEnergy,
			sessions_without_duration: this.sessions - this.withDuration,
			first_start: this.firstStart === Infinity ? null : toIsoUtc(this.firstStart),
			last_stop: this.lastStop === -Infinity ? null : toIsoUtc(this.lastStop),
			period_start: hasPeriod ? toIsoUtc(this.periodFrom) : null,
			period_end: hasPeriod ? toIsoUtc(this.periodTo) : null,
			period_start_local: zone === null ? null : toLocalIso(this.periodFrom, zone),
			period_end_local: zone === null ? null : toLocalIso(this.periodTo, zone),
			time_zone: zone,
		};
	}
}

interface Group {
	values: Array<string | null>;
	siteName: string | null;
	stats: Accumulator;
}

const DIGITS = /^\d+$/;

function compareText(a: string, b: string): number {
	if (DIGITS.test(a) && DIGITS.test(b) && a.length !== b.length) return a.length - b.length;
	return a < b ? -1 : 1;
}

function compareValues(a: Array<string | null>, b: Array<string | null>): number {
	for (const [index, x] of a.entries()) {
		const y = b[index];
		if (x === y) continue;
		if (x === null) return 1;
		if (y === null) return -1;
		return compareText(x, y);
	}
	return 0;
}

function intersect(a: TimeWindow | undefined, b: TimeWindow): TimeWindow {
	return a === undefined ? b : { from: Math.max(a.from, b.from), to: Math.min(a.to, b.to) };
}

export function createSummary(options: SummaryOptions): Summary {
	for (const key of options.groupBy) {
		if (!KEY_ORDER.includes(key)) throw new RangeError(`Unknown group key ${JSON.stringify(key)}`);
	}
	const keys = KEY_ORDER.filter((key) => options.groupBy.includes(key));
	const energyField = options.energyField;
	const groups = new Map<string, Group>();
	const total = new Accumulator();
	const sources = new Set<string>();
	let withoutStart = 0;

	function keyValue(key: GroupKey, event: IDataObject, site: SummarySite, start: number | undefined): string | null {
		if (key === 'site') return site.id;
		if (isPeriodKey(key)) return start === undefined ? null : PERIODS[key].key(start, site.timeZone);
		const read = key === 'charger' ? chargerId : key === 'connector' ? connectorId : idTag;
		return read(event) ?? null;
	}

	/** The calendar period of the group's non-null day/week/month values, else the site's window. */
	function periodOf(values: Array<string | null>, site: SummarySite): TimeWindow | undefined {
		let window: TimeWindow | undefined;
		keys.forEach((key, index) => {
			const value = values[index];
			if (isPeriodKey(key) && value !== null) window = intersect(window, PERIODS[key].window(value, site.timeZone));
		});
		return window ?? site.window;
	}

	return {
		add(event: IDataObject, site: SummarySite): void {
			if (!isTimeZone(site.timeZone)) throw new RangeError(`Unknown time zone ${JSON.stringify(site.timeZone)} of site ${site.id}`);
			const start = startMs(event);
			const energy = energyKwh(event, energyField);
			const duration = durationMs(event);
			const stop = stopMs(event);
			if (start === undefined) withoutStart++;
			if (energy !== undefined) sources.add(energy.source);
			const values = keys.map((key) => keyValue(key, event, site, start));
			const id = JSON.stringify(values);
			let group = groups.get(id);
			if (group === undefined) {
				group = { values, siteName: null, stats: new Accumulator() };
				groups.set(id, group);
			}
			if (group.siteName === null && site.name) group.siteName = site.name;
			group.stats.count(energy?.wh, duration, start, stop);
			group.stats.cover(site.id, () => periodOf(values, site), site.timeZone);
			total.count(energy?.wh, duration, start, stop);
			total.cover(site.id, () => site.window, site.timeZone);
		},

		groups(): IDataObject[] {
			return [...groups.values()]
				.sort((a, b) => compareValues(a.values, b.values))
				.map((group) => {
					const item: IDataObject = {};
					keys.forEach((key, index) => {
						item[FIELD[key]] = group.values[index];
						if (key === 'site') item.site_name = group.siteName;
					});
					return { ...item, ...group.stats.fields() };
				});
		},

		totals(): IDataObject {
			const item: IDataObject = {};
			for (const key of keys) {
				item[FIELD[key]] = null;
				if (key === 'site') item.site_name = null;
			}
			return { ...item, ...total.fields(), sessions_without_start: withoutStart, groups: groups.size };
		},

		get sessions() {
			return total.sessions;
		},
		get withoutEnergy() {
			return total.sessions - total.withEnergy;
		},
		get withoutStart() {
			return withoutStart;
		},
		get energySources() {
			return [...sources].sort();
		},
	};
}
