/**
 * Reading a paged list completely, or saying what is missing: the one mechanism every read of
 * charging events goes through (the node's Get Many and Summarize, the polling trigger's polls and
 * its test run), so a server that caps pages, sorts unstably, truncates or contradicts itself is
 * handled once, for every caller.
 *
 * Two levels:
 * - `pageThrough`: offset paging (`take`/`skip`) over one request, bounded, with every item
 *   handed on once (by its key) as pages arrive;
 * - `readWindow`: a time window read with `pageThrough`, then checked: when fewer distinct items
 *   arrived than the server's `count`, or the server said `truncated`, the window is read again in
 *   an order without ties (by a unique ID, when the server offers one), then in halves (each half
 *   holds fewer items, so fewer pages and, in the end, one page whose order cannot shift) until
 *   every part is complete, within a request budget. What cannot be completed is reported in
 *   `incomplete`, never dropped silently.
 */
import type { IDataObject } from 'n8n-workflow';

import { isPlainObject } from '../../credentials/chargepilot';

/** The API's page size ceiling for `take`. */
export const MAX_PAGE_SIZE = 1000;
/** Default ceiling on the events one paged read may collect (Return All), whatever the server says. */
export const DEFAULT_MAX_EVENTS = 100_000;
/** The highest ceiling a user may set. */
export const MAX_EVENTS_LIMIT = 1_000_000;
/** A window is never split below this (timestamps have whole seconds). */
export const MIN_SPLIT_MS = 1000;
/** Requests a re-read in parts may make at least; more when the first read took many pages. */
export const MIN_RECOVERY_REQUESTS = 64;
/** Requests a re-read in parts may make per page of the first read. */
export const RECOVERY_REQUESTS_PER_PAGE = 8;

/** A time window, epoch milliseconds, `from` included and `to` excluded. */
export interface Window {
	from: number;
	to: number;
}

export interface PagingLimits {
	/** The node's Limit: stop quietly after this many items (Infinity with Return All). */
	limit: number;
	pageSize?: number;
	/**
	 * The node's Max Events: with Return All, the read fails with an error naming what the server
	 * did when it would need more than this many items (a server that never stops must not exhaust
	 * memory). Default DEFAULT_MAX_EVENTS.
	 */
	ceiling?: number;
	/** The identity of an item, to tell new items from repeated ones (default: `transaction_id`). */
	keyOf?: (item: IDataObject) => string | undefined;
}

/** Receives every item once, as its page arrives (repeats and items beyond `limit` never reach it). */
export type ItemSink = (items: IDataObject[]) => void;

/** What one offset-paged request brought. */
export interface PageRun {
	/** Items handed to the sink by this run (those no earlier run of the same read had). */
	received: number;
	/** Distinct items this run's pages held (by key; items without one each count). */
	distinct: number;
	/** Total matching records the server reported (the last page's `count`). */
	count: number | undefined;
	/** Whether any page said `truncated: true`. */
	truncated: boolean;
	pages: number;
	/** Other top-level fields of the last page, e.g. `dto_presence`. */
	extra: IDataObject;
	/** Items a page of this run repeated (an ID an earlier page of it had). */
	duplicates: number;
	/** Whether paging stopped because `limit` items had been received. */
	limited: boolean;
}

function defaultKey(item: IDataObject): string | undefined {
	const id = item?.transaction_id;
	return typeof id === 'number' || typeof id === 'string' ? String(id) : undefined;
}

/** The state one read shares across all the requests it makes: what was received, and the ceiling. */
export interface ReadState {
	readonly seen: Set<string>;
	received: number;
	requests: number;
	readonly ceiling: number;
	readonly pageSize: number;
	readonly limit: number;
	readonly keyOf: (item: IDataObject) => string | undefined;
	readonly sink: ItemSink;
	readonly fail: (detail: string) => Error;
}

export function newReadState(limits: PagingLimits, sink: ItemSink, makeError: (message: string, description: string) => Error, what: string): ReadState {
	const ceiling = Math.min(limits.ceiling ?? DEFAULT_MAX_EVENTS, MAX_EVENTS_LIMIT);
	return {
		seen: new Set(),
		received: 0,
		requests: 0,
		ceiling,
		pageSize: limits.pageSize ?? MAX_PAGE_SIZE,
		limit: limits.limit,
		keyOf: limits.keyOf ?? defaultKey,
		sink,
		fail: (detail) =>
			makeError(
				`ChargePilot kept sending charging events for ${what}: ${detail}`,
				`The node stops at ${ceiling} events per request (Options → Max Events). Narrow the From/To window, or raise Max Events if the window really holds that many.`,
			),
	};
}

/**
 * Offset paging with `take`/`skip` over one request. Every loop ends:
 * - `skip` reaching `count`, or an empty page, ends it normally; so does a short page (fewer than
 *   `take`) when the server sends no `count`. A short page while `count` says more is NOT the end
 *   (a server or proxy may cap its pages below `take`): paging goes on from what was received;
 * - `limit` items end it normally;
 * - a page that brings no item not already received ends it (a server that ignores `skip` would
 *   otherwise be asked forever); the caller compares what arrived with `count`;
 * - more than `ceiling` items, or more pages than `ceiling` could fill, fail with an error
 *   saying what the server did (e.g. `count: 1000000000000`).
 * Items a page repeats (offsets shift while sessions are added, or the order is not stable) are
 * handed on once.
 */
export async function pageThrough(
	fetchPage: (take: number, skip: number) => Promise<unknown>,
	listKey: string,
	state: ReadState,
	what = 'the charging events',
	makeError: (message: string, description: string) => Error = (message) => new Error(message),
): Promise<PageRun> {
	const maxPages = Math.ceil(state.ceiling / state.pageSize) + 1;
	const run: PageRun = { received: 0, distinct: 0, count: undefined, truncated: false, pages: 0, extra: {}, duplicates: 0, limited: state.received >= state.limit };
	// Keys this run's pages held: a page is "new" when it holds one, whether or not an earlier run
	// (another part of the window) already handed it on.
	const runKeys = new Set<string>();
	let skip = 0;
	while (!run.limited) {
		if (run.pages >= maxPages) throw state.fail(`${run.pages} pages and ${state.received} events so far, and no end in sight (count ${String(run.count)})`);
		const take = Math.min(state.pageSize, state.limit - state.received);
		const body = await fetchPage(take, skip);
		state.requests++;
		run.pages++;
		const page: unknown = Array.isArray(body) ? body : isPlainObject(body) ? body[listKey] : undefined;
		if (!Array.isArray(page)) {
			throw makeError(`ChargePilot answered ${what} without a "${listKey}" list`, `Use Custom Request to see the raw answer: ${JSON.stringify(body ?? null).slice(0, 200)}`);
		}
		if (isPlainObject(body)) {
			const extra = { ...(body as IDataObject) };
			delete extra[listKey];
			run.extra = extra;
			run.count = typeof body.count === 'number' && Number.isFinite(body.count) && body.count >= 0 ? body.count : undefined;
			if (body.truncated === true) run.truncated = true;
		}
		let newToRun = 0;
		const fresh: IDataObject[] = [];
		for (const item of page as IDataObject[]) {
			if (state.received + fresh.length >= state.limit) break;
			const key = isPlainObject(item) ? state.keyOf(item as IDataObject) : undefined;
			if (key !== undefined) {
				if (runKeys.has(key)) {
					run.duplicates++;
					continue;
				}
				runKeys.add(key);
			}
			newToRun++;
			if (key !== undefined && state.seen.has(key)) continue;
			if (key !== undefined) state.seen.add(key);
			if (state.received + fresh.length >= state.ceiling) {
				throw state.fail(`more than ${state.ceiling} events (count ${String(run.count)}) after ${run.pages} pages`);
			}
			fresh.push(item);
		}
		run.distinct += newToRun;
		if (fresh.length) state.sink(fresh);
		state.received += fresh.length;
		run.received += fresh.length;
		skip += page.length;
		if (state.received >= state.limit) run.limited = true;
		else if (page.length === 0 || newToRun === 0) break;
		else if (run.count === undefined ? page.length < take : skip >= run.count) break;
	}
	return run;
}

/** The result of reading a window completely (or as far as the server allowed). */
export interface WindowRead {
	/** Items handed to the sink. */
	received: number;
	/** What the server said about the whole window on the first read. */
	count: number | undefined;
	/** Whether the first read of the whole window said `truncated`. */
	truncated: boolean;
	/** Requests made, re-reads included. */
	requests: number;
	/** Top-level fields of the first answer besides the list, e.g. `dto_presence`. */
	extra: IDataObject;
	/** Items pages repeated (received once). */
	duplicates: number;
	/** Whether the read stopped at `limit`. */
	limited: boolean;
	/** Set when the window had to be read again in parts to get every item: says how it went. */
	recovered?: string;
	/**
	 * Set when the read is not complete and could not be completed: what is missing and why. Items
	 * received are still handed on; the caller decides (warn, or fail and retry later).
	 */
	incomplete?: string;
	/** Whether a part was still `truncated` when it could not be split further (subset of incomplete). */
	stillTruncated: boolean;
}

export interface WindowReader {
	/** One page of the request for this window. */
	fetchPage(window: Window, take: number, skip: number): Promise<unknown>;
	/**
	 * The same request in an order without ties (e.g. by a unique ID), if the server offers one: the
	 * last resort for a part too short to split whose order of ties shifts between requests.
	 * Resolves with undefined when the server refuses that order.
	 */
	fetchPageStable?(window: Window, take: number, skip: number): Promise<unknown>;
	listKey: string;
	/** Names the read in messages, e.g. "site site-berlin-depot". */
	what: string;
	makeError?: (message: string, description: string) => Error;
}

function iso(ms: number): string {
	return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Why a run of one window is not complete, or undefined when it is. */
function gap(run: PageRun): string | undefined {
	if (run.limited) return undefined;
	if (run.truncated) return `ChargePilot marked the answer as truncated (count ${String(run.count)})`;
	if (run.count !== undefined && run.distinct < run.count) {
		return `${run.distinct} distinct events arrived of the ${run.count} ChargePilot counted${run.duplicates ? ` (${run.duplicates} repeated)` : ''}`;
	}
	return undefined;
}

/**
 * Reads every item of `window`, handing each to `sink` once. When a read of a window is not complete
 * (fewer distinct items than `count`, or `truncated`), the window is read again in two halves that
 * overlap by one second (so no boundary rule of the server's can lose an item between them), and so
 * on, until every part is complete or cannot be split further, or the request budget is spent.
 * Items received on the way are never lost: repeats across parts reach the sink once.
 */
export async function readWindow(reader: WindowReader, window: Window, limits: PagingLimits, sink: ItemSink): Promise<WindowRead> {
	const makeError = reader.makeError ?? ((message: string) => new Error(message));
	const state = newReadState(limits, sink, makeError, reader.what);
	const read = (part: Window) => pageThrough((take, skip) => reader.fetchPage(part, take, skip), reader.listKey, state, reader.what, makeError);

	const first = await read(window);
	const result: WindowRead = {
		received: 0,
		count: first.count,
		truncated: first.truncated,
		requests: 0,
		extra: first.extra,
		duplicates: first.duplicates,
		limited: first.limited,
		stillTruncated: false,
	};
	const firstGap = gap(first);
	if (firstGap) {
		const budget = state.requests + Math.max(MIN_RECOVERY_REQUESTS, RECOVERY_REQUESTS_PER_PAGE * first.pages);
		// Every part lies inside the window: once as many distinct items arrived as the (untruncated)
		// count of the whole window, it is complete, whatever each part's read said.
		const wholeCount = !first.truncated && first.count !== undefined ? first.count : Infinity;
		const unresolved: string[] = [];
		let parts = 0;
		let stableRefused = false;
		/** A read of `part` in the order without ties; undefined when the reader has none or the server refused it. */
		const readStable = async (part: Window): Promise<PageRun | undefined> => {
			const stable = reader.fetchPageStable;
			if (!stable || stableRefused) return undefined;
			const run = await pageThrough(
				async (take, skip) => {
					const body = await stable(part, take, skip);
					if (body !== undefined) return body;
					stableRefused = true;
					return { [reader.listKey]: [] };
				},
				reader.listKey,
				state,
				reader.what,
				makeError,
			);
			parts++;
			result.duplicates += run.duplicates;
			return stableRefused ? undefined : run;
		};

		// Not truncated, only short: an order of ties that shifts between requests loses items under
		// offset paging; one read in an order without ties does not (when the server offers one).
		let complete = false;
		if (!first.truncated) {
			const stableRun = await readStable(window);
			// (As many as the whole window's count already arrived: the loop below does not start.)
			complete = stableRun !== undefined && !gap(stableRun);
		}

		// Then the window in halves, breadth first, so a budget that runs out leaves it covered
		// evenly, not one corner read to the second and the rest not at all.
		const queue: Array<{ part: Window; why: string; run: PageRun }> = complete ? [] : [{ part: window, why: firstGap, run: first }];
		for (let next = queue.shift(); next && state.received < wholeCount; next = queue.shift()) {
			const { part, why, run } = next;
			if (run.distinct === 0) {
				// Nothing at all on the first page: a smaller window holds no more than none.
				unresolved.push(`${iso(part.from)}..${iso(part.to)}: ChargePilot counted ${String(run.count)}${run.truncated ? ' (truncated)' : ''} but sent none`);
				if (run.truncated) result.stillTruncated = true;
				continue;
			}
			if (part.to - part.from <= 2 * MIN_SPLIT_MS) {
				// Too short to split (sessions that share a start second): in an order without ties, if any.
				const stableRun = !run.truncated && state.requests < budget ? await readStable(part) : undefined;
				const stableGap = stableRun ? gap(stableRun) : undefined;
				if (stableRun && !stableGap) continue;
				unresolved.push(`${iso(part.from)}..${iso(part.to)}: ${stableGap ?? why}, and the window cannot be split further`);
				if (run.truncated) result.stillTruncated = true;
				continue;
			}
			const middle = part.from + Math.max(MIN_SPLIT_MS, Math.floor((part.to - part.from) / 2 / MIN_SPLIT_MS) * MIN_SPLIT_MS);
			for (const half of [
				{ from: part.from, to: Math.min(part.to, middle + MIN_SPLIT_MS) },
				{ from: middle, to: part.to },
			]) {
				if (state.received >= state.limit) break;
				if (state.requests >= budget) {
					unresolved.push(`${iso(half.from)}..${iso(half.to)}: not read again, re-reading stopped after ${state.requests} requests`);
					if (run.truncated) result.stillTruncated = true;
					continue;
				}
				const halfRun = await read(half);
				parts++;
				result.duplicates += halfRun.duplicates;
				const halfGap = gap(halfRun);
				if (halfGap) queue.push({ part: half, why: halfGap, run: halfRun });
			}
			if (state.received >= state.limit) break;
		}
		if (state.received >= state.limit) result.limited = true;
		// The Limit reached, or as many as the whole window holds: nothing is missing.
		if (state.received >= wholeCount || state.received >= state.limit) {
			unresolved.length = 0;
			result.stillTruncated = false;
		}
		const how = `read again in ${parts} part${parts === 1 ? '' : 's'}${stableRefused ? ' (ChargePilot refused an order by transaction ID)' : ''}`;
		if (unresolved.length) {
			result.incomplete = `${firstGap}; ${how}, ${unresolved.length} could not be completed: ${unresolved.slice(0, 3).join('; ')}${unresolved.length > 3 ? `; and ${unresolved.length - 3} more` : ''}`;
		} else {
			result.recovered = `${firstGap}; ${how}, complete`;
		}
	}
	result.received = state.received;
	result.requests = state.requests;
	return result;
}
