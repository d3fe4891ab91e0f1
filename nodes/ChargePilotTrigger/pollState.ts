import type { IDataObject } from 'n8n-workflow';

/**
 * What the polling trigger remembers per site, in the workflow's static data: the end of the last
 * polled window, and the transaction IDs already emitted whose sessions still fall inside the
 * look-back window (so a re-read window never emits an event twice, also when events share a
 * timestamp or arrive late).
 */
export interface SiteState {
	/** End (epoch ms) of the last window that was read completely. */
	until: number;
	/** transaction_id → start time (epoch ms) of events already emitted or known at activation. */
	seen: Record<string, number>;
}

export interface PollState {
	version: 1;
	sites: Record<string, SiteState>;
}

export function readState(staticData: IDataObject): PollState {
	const state = staticData.chargePilot as PollState | undefined;
	if (state && state.version === 1 && state.sites && typeof state.sites === 'object') return state;
	return { version: 1, sites: {} };
}

export function writeState(staticData: IDataObject, state: PollState): void {
	staticData.chargePilot = state as unknown as IDataObject;
}

export function eventKey(event: IDataObject): string | undefined {
	const id = event.transaction_id;
	return typeof id === 'number' || typeof id === 'string' ? String(id) : undefined;
}

export function eventStart(event: IDataObject): number {
	const ms = Date.parse(String(event.start_time ?? event.occurrence_time ?? ''));
	return Number.isNaN(ms) ? 0 : ms;
}

/** Oldest first, ties by transaction ID: the order events are emitted in. */
export function byStartThenId(a: IDataObject, b: IDataObject): number {
	const difference = eventStart(a) - eventStart(b);
	if (difference !== 0) return difference;
	return String(eventKey(a)).localeCompare(String(eventKey(b)), undefined, { numeric: true });
}

/**
 * Given everything read for a window, returns the events not seen before and the site's next
 * state; IDs older than the next window's start are forgotten, since they cannot come back.
 */
export function advance(
	previous: SiteState | undefined,
	events: IDataObject[],
	windowEnd: number,
	nextWindowStart: number,
	emitKnown: boolean,
): { fresh: IDataObject[]; next: SiteState } {
	const seen: Record<string, number> = {};
	for (const [key, start] of Object.entries(previous?.seen ?? {})) {
		if (start >= nextWindowStart) seen[key] = start;
	}
	const fresh: IDataObject[] = [];
	const batch = new Set<string>();
	for (const event of events) {
		const key = eventKey(event);
		if (key === undefined || batch.has(key)) continue;
		batch.add(key);
		const known = previous !== undefined ? key in (previous.seen ?? {}) : !emitKnown;
		if (!known) fresh.push(event);
		const start = eventStart(event);
		if (start >= nextWindowStart) seen[key] = start;
	}
	fresh.sort(byStartThenId);
	return { fresh, next: { until: windowEnd, seen } };
}
