import type { IDataObject } from 'n8n-workflow';

/**
 * What the polling trigger remembers per site, in the workflow's static data, and the rule that
 * decides which events are new. Pure functions, unit-tested without n8n.
 *
 * Per site:
 * - `until`: the end of the last window read completely (never moves backwards);
 * - `horizon`: no window ever starts before it again, so transaction IDs of sessions that started
 *   before it can be forgotten. It only moves forwards, so a clock that steps back (NTP, a restored
 *   VM) can never make a window reach behind what is still remembered;
 * - `seen`: transaction ID → start (epoch ms) of every session read whose start is >= horizon.
 *
 * Kept in Maps, never in plain objects: a site or transaction called "constructor" or "__proto__"
 * must not find something inherited. Stored as arrays of pairs (JSON), read back into Maps.
 */
export interface SiteState {
	until: number;
	horizon: number;
	seen: Map<string, number>;
}

export type PollState = Map<string, SiteState>;

interface StoredSite {
	id: string;
	until: number;
	horizon: number;
	seen: Array<[string, number]>;
}

interface StoredState {
	version: 2;
	sites: StoredSite[];
}

const STATE_KEY = 'chargePilot';

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

function finite(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Reads the state; an unknown shape reads as empty (the trigger starts over from now). Version 1
 * (0.1.0: objects keyed by site and by ID, no horizon) is converted: its horizon is where 0.1.0
 * would have started its next window.
 */
export function readState(staticData: IDataObject, lookbackMs: number): PollState {
	const state: PollState = new Map();
	const stored = hasOwn(staticData, STATE_KEY) ? (staticData[STATE_KEY] as unknown) : undefined;
	if (!stored || typeof stored !== 'object') return state;
	const version = (stored as { version?: unknown }).version;
	const sites = (stored as { sites?: unknown }).sites;
	if (version === 2 && Array.isArray(sites)) {
		for (const site of sites as StoredSite[]) {
			const until = finite(site?.until);
			const horizon = finite(site?.horizon);
			if (typeof site?.id !== 'string' || until === undefined || horizon === undefined || !Array.isArray(site.seen)) continue;
			const seen = new Map<string, number>();
			for (const pair of site.seen) {
				if (Array.isArray(pair) && typeof pair[0] === 'string' && finite(pair[1]) !== undefined) seen.set(pair[0], pair[1]);
			}
			state.set(site.id, { until, horizon, seen });
		}
	} else if (version === 1 && sites && typeof sites === 'object') {
		for (const id of Object.keys(sites)) {
			const site = (sites as Record<string, { until?: unknown; seen?: unknown }>)[id];
			const until = finite(site?.until);
			if (until === undefined) continue;
			const seen = new Map<string, number>();
			if (site.seen && typeof site.seen === 'object') {
				for (const key of Object.keys(site.seen)) {
					const start = finite((site.seen as Record<string, unknown>)[key]);
					if (start !== undefined) seen.set(key, start);
				}
			}
			state.set(id, { until, horizon: until - lookbackMs, seen });
		}
	}
	return state;
}

export function writeState(staticData: IDataObject, state: PollState): void {
	const stored: StoredState = {
		version: 2,
		sites: [...state].map(([id, site]) => ({ id, until: site.until, horizon: site.horizon, seen: [...site.seen] })),
	};
	staticData[STATE_KEY] = stored as unknown as IDataObject;
}

export function eventKey(event: IDataObject): string | undefined {
	const id = event.transaction_id;
	return typeof id === 'number' || typeof id === 'string' ? String(id) : undefined;
}

/** Start of a session (epoch ms), or undefined when the server sent none that parses. */
export function eventStart(event: IDataObject): number | undefined {
	const ms = Date.parse(String(event.start_time ?? event.occurrence_time ?? ''));
	return Number.isNaN(ms) ? undefined : ms;
}

/** Oldest first, ties by transaction ID: the order events are emitted in. */
export function byStartThenId(a: IDataObject, b: IDataObject): number {
	const difference = (eventStart(a) ?? 0) - (eventStart(b) ?? 0);
	if (difference !== 0) return difference;
	return String(eventKey(a)).localeCompare(String(eventKey(b)), undefined, { numeric: true });
}

/** The window a poll reads for a site: [from, to). */
export function windowFor(previous: SiteState | undefined, now: number, lookbackMs: number, backfillMs: number): { from: number; to: number } {
	if (!previous) return { from: now - Math.max(lookbackMs, backfillMs), to: now };
	const from = Math.max(previous.horizon, Math.min(previous.until, now) - lookbackMs);
	return { from, to: Math.max(now, from) };
}

export interface Advance {
	/** Events to emit, oldest first. */
	fresh: IDataObject[];
	next: SiteState;
	/** Events the server returned from before the horizon (outside the window asked for): not emitted. */
	outside: number;
}

/**
 * Given everything read for the window [from, to) at `now`, returns the events to emit and the
 * site's next state. An event is new when its ID is not remembered, and (after the first poll) it
 * did not start before the horizon: such an event can only come from a server that ignores the
 * window, and might have been emitted already. On the first poll (no previous state) nothing is
 * emitted unless `emitFirst` (Backfill Days) accepts it.
 */
export function advance(
	previous: SiteState | undefined,
	events: IDataObject[],
	window: { from: number; to: number },
	now: number,
	lookbackMs: number,
	emitFirst: (event: IDataObject) => boolean = () => false,
): Advance {
	// The next window starts at now - lookback at the earliest; the horizon never moves back.
	const horizon = Math.max(previous?.horizon ?? -Infinity, now - lookbackMs);
	const seen = new Map<string, number>();
	for (const [key, start] of previous?.seen ?? []) {
		if (start >= horizon) seen.set(key, start);
	}
	const fresh: IDataObject[] = [];
	let outside = 0;
	for (const event of events) {
		const key = eventKey(event);
		if (key === undefined) continue;
		const parsed = eventStart(event);
		// Remembered as starting inside the window it was read for, whatever the server says, so
		// it is kept while any later window could still return it.
		const start = Math.min(Math.max(parsed ?? window.to, window.from), window.to);
		const known = (previous?.seen.has(key) ?? false) || seen.has(key);
		if (!known) {
			if (previous === undefined) {
				if (emitFirst(event)) fresh.push(event);
			} else if (parsed !== undefined && parsed < previous.horizon) {
				outside++;
			} else {
				fresh.push(event);
			}
		}
		if (start >= horizon) seen.set(key, Math.max(seen.get(key) ?? start, start));
	}
	fresh.sort(byStartThenId);
	return {
		fresh,
		next: { until: Math.max(previous?.until ?? -Infinity, window.to), horizon, seen },
		outside,
	};
}
