/**
 * The paging mechanism on its own, against scripted servers: every way a paged request ends
 * (pageThrough), and how a window is read completely or reported incomplete (readWindow), against
 * honest, capped, unstable, truncating and lying servers.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	MAX_PAGE_SIZE,
	MIN_RECOVERY_REQUESTS,
	newReadState,
	pageThrough,
	readWindow,
	type PagingLimits,
	type Window,
	type WindowReader,
} from '../../../../nodes/client/paging';

type Event = { transaction_id: number; start?: number };
const events = (from: number, n: number): Event[] => Array.from({ length: n }, (_, i) => ({ transaction_id: from + i }));

/** pageThrough over one request, collecting what reaches the sink. */
async function page(fetchPage: (take: number, skip: number) => Promise<unknown>, limits: PagingLimits) {
	const items: IDataObject[] = [];
	const state = newReadState(limits, (fresh) => items.push(...fresh), (message) => new Error(message), 'site s1');
	const run = await pageThrough(fetchPage, 'charging_events', state);
	return { ...run, items, requests: state.requests };
}

/** A server holding `total` events that pages honestly; records every (take, skip). */
function honest(total: number) {
	const calls: Array<[number, number]> = [];
	const fetchPage = async (take: number, skip: number) => {
		calls.push([take, skip]);
		const n = Math.max(0, Math.min(take, total - skip));
		return { charging_events: events(skip, n), count: total, truncated: false };
	};
	return { calls, fetchPage };
}

describe('pageThrough: one paged request', () => {
	test('reads every page until count, asking only for what is still needed', async () => {
		const server = honest(2500);
		const result = await page(server.fetchPage, { limit: Infinity });
		expect(result.items).toHaveLength(2500);
		expect(server.calls).toEqual([[1000, 0], [1000, 1000], [1000, 2000]]);
		expect(result.pages).toBe(3);
		expect(result.distinct).toBe(2500);
		expect(result.count).toBe(2500);
	});

	test('stops at count even when the pages are full (exactly 3000 events)', async () => {
		const server = honest(3000);
		const result = await page(server.fetchPage, { limit: Infinity });
		expect(result.items).toHaveLength(3000);
		// No fourth request: count says there is nothing more.
		expect(server.calls).toHaveLength(3);
	});

	test('Limit: stops at the limit and never asks for more than it needs', async () => {
		const server = honest(5000);
		const result = await page(server.fetchPage, { limit: 1500 });
		expect(result.items).toHaveLength(1500);
		expect(result.limited).toBe(true);
		expect(server.calls).toEqual([[1000, 0], [500, 1000]]);
	});

	test('a short page is not the end while count says more: paging goes on from what was received, and stops at count', async () => {
		// A server (or a proxy) that caps its pages at 100 while the client asks for 1000.
		const calls: Array<[number, number]> = [];
		const result = await page(async (take, skip) => {
			calls.push([take, skip]);
			return { charging_events: events(skip, Math.max(0, Math.min(100, 1000 - skip))), count: 1000 };
		}, { limit: Infinity });
		expect(result.items).toHaveLength(1000);
		expect(calls.map(([, skip]) => skip)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
		expect(calls.every(([take]) => take === 1000)).toBe(true);
	});

	test('a short page ends paging when the server sends no count', async () => {
		const calls: number[] = [];
		const result = await page(async (take, skip) => {
			calls.push(skip);
			return { charging_events: events(skip, skip === 0 ? 10 : take) };
		}, { limit: Infinity });
		expect(result.items).toHaveLength(10);
		expect(calls).toEqual([0]);
	});

	test('an empty page ends paging even when count says more', async () => {
		const calls: number[] = [];
		const result = await page(async (take, skip) => {
			calls.push(skip);
			return { charging_events: skip === 0 ? events(0, 300) : [], count: 5000 };
		}, { limit: Infinity });
		expect(result.items).toHaveLength(300);
		expect(calls).toEqual([0, 300]);
		expect(result.distinct).toBe(300);
	});

	test('a server that ignores skip: the page that brings nothing new ends it', async () => {
		let calls = 0;
		const result = await page(async (take) => {
			calls++;
			return { charging_events: events(1, take), count: 1e12, truncated: false };
		}, { limit: Infinity });
		expect(calls).toBe(2);
		expect(result.items).toHaveLength(MAX_PAGE_SIZE);
		expect(result.duplicates).toBe(MAX_PAGE_SIZE);
		expect(result.distinct).toBe(MAX_PAGE_SIZE);
	});

	test('a server that never stops sending new events: the ceiling fails it, bounded in pages', async () => {
		let calls = 0;
		const failure = page(async (take, skip) => {
			calls++;
			return { charging_events: events(skip, take), count: 1e12 };
		}, { limit: Infinity, ceiling: 5000 });
		await expect(failure).rejects.toThrow(/kept sending charging events for site s1: more than 5000 events \(count 1000000000000\)/);
		expect(calls).toBeLessThanOrEqual(6);
	});

	test('the page ceiling holds even when pages are tiny', async () => {
		let calls = 0;
		// Each page brings one new event and a repeat of the first: never short of "fresh".
		const failure = page(async (take, skip) => {
			calls++;
			return { charging_events: [...events(10_000 + skip, 1), ...events(0, take - 1)], count: 1e12 };
		}, { limit: Infinity, pageSize: 2, ceiling: 100 });
		await expect(failure).rejects.toThrow(/pages and .* events so far, and no end in sight/);
		expect(calls).toBeLessThanOrEqual(51);
	});

	test('events repeated across pages (offsets shifted meanwhile) are handed on once', async () => {
		const result = await page(async (take, skip) => ({ charging_events: skip === 0 ? events(1, take) : events(1 + skip - 5, 20), count: 1015 }), { limit: Infinity });
		const ids = result.items.map((event) => (event as Event).transaction_id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(result.duplicates).toBe(5);
		expect(ids).toHaveLength(1015);
	});

	test('an answer without the list fails with what it got', async () => {
		await expect(page(async () => ({ nope: true }), { limit: 10 })).rejects.toThrow(/without a "charging_events" list/);
	});

	test('an empty first page ends at once', async () => {
		const server = honest(0);
		const result = await page(server.fetchPage, { limit: Infinity });
		expect(result.items).toEqual([]);
		expect(server.calls).toHaveLength(1);
	});

	test('a negative or non-finite count is no count', async () => {
		for (const count of [-1, Infinity, NaN, '1000']) {
			const result = await page(async (take, skip) => ({ charging_events: events(skip, skip === 0 ? 10 : 0), count }), { limit: Infinity });
			expect(result.count).toBeUndefined();
			expect(result.pages).toBe(1);
		}
	});
});

/**
 * A server over a fixed set of events with start times (seconds), answering a window [from, to)
 * by start time, sorted by start time; ties in the order the `order` function gives per request.
 */
function windowServer(all: Array<Event & { start: number }>, options: { ceiling?: number; shuffleTies?: boolean; flipTies?: boolean; truncateAbove?: number; countLie?: number } = {}) {
	const requests: Array<{ window: Window; take: number; skip: number }> = [];
	let seed = 11;
	const random = () => {
		seed = (seed * 1103515245 + 12345) % 2 ** 31;
		return seed / 2 ** 31;
	};
	const fetchPage = async (window: Window, take: number, skip: number) => {
		requests.push({ window, take, skip });
		let rows = all.filter((event) => event.start * 1000 >= window.from && event.start * 1000 < window.to).sort((a, b) => a.start - b.start || a.transaction_id - b.transaction_id);
		if (options.shuffleTies) {
			// Each tie group in a new order on every request.
			const decorated = rows.map((event) => ({ event, key: random() }));
			decorated.sort((a, b) => a.event.start - b.event.start || a.key - b.key);
			rows = decorated.map((entry) => entry.event);
		}
		if (options.flipTies && skip > 0) {
			// Ties in ascending ID order for the first page, descending for every later one: the same
			// events are repeated and the same ones lost on every read.
			rows.sort((a, b) => a.start - b.start || b.transaction_id - a.transaction_id);
		}
		let count = rows.length;
		let truncated = false;
		if (options.truncateAbove !== undefined && count > options.truncateAbove) {
			count = options.truncateAbove;
			truncated = true;
		}
		const served = Math.min(take, options.ceiling ?? take);
		return { charging_events: rows.slice(skip, Math.min(count, skip + served)), count: options.countLie ?? count, truncated };
	};
	/** The same, sorted by the unique ID: no ties, so nothing can shift. */
	const fetchPageStable = async (window: Window, take: number, skip: number) => {
		requests.push({ window, take, skip });
		const rows = all.filter((event) => event.start * 1000 >= window.from && event.start * 1000 < window.to).sort((a, b) => a.transaction_id - b.transaction_id);
		return { charging_events: rows.slice(skip, skip + Math.min(take, options.ceiling ?? take)), count: rows.length };
	};
	return { requests, fetchPageStable, reader: { fetchPage, listKey: 'charging_events', what: 'site s1' } };
}

/** n events, `perSecond` of them starting in each second from t0 (so ties everywhere when > 1). */
function spread(n: number, perSecond: number, t0 = 1_780_000_000): Array<Event & { start: number }> {
	return Array.from({ length: n }, (_, i) => ({ transaction_id: 1 + i, start: t0 + Math.floor(i / perSecond) }));
}

async function readAll(server: { reader: WindowReader }, window: Window, limits: PagingLimits) {
	const items: IDataObject[] = [];
	const result = await readWindow(server.reader, window, limits, (fresh) => items.push(...fresh));
	return { ...result, items, ids: items.map((event) => (event as Event).transaction_id) };
}

const WHOLE: Window = { from: 1_780_000_000_000 - 60_000, to: 1_780_000_000_000 + 86_400_000 };

describe('readWindow: a window read completely, or said to be incomplete', () => {
	test('an honest server: one paged read, nothing recovered', async () => {
		const server = windowServer(spread(2500, 1));
		const result = await readAll(server, WHOLE, { limit: Infinity });
		expect(result.ids).toHaveLength(2500);
		expect(result.recovered).toBeUndefined();
		expect(result.incomplete).toBeUndefined();
		expect(server.requests).toHaveLength(3);
	});

	test('a page ceiling of 100 while the node asks for 1000: every event, no warning', async () => {
		const server = windowServer(spread(1000, 1), { ceiling: 100 });
		const result = await readAll(server, WHOLE, { limit: Infinity });
		expect(new Set(result.ids).size).toBe(1000);
		expect(result.incomplete).toBeUndefined();
		expect(result.recovered).toBeUndefined();
		expect(server.requests).toHaveLength(10);
	});

	test('an order that is not stable between requests (ties shuffled): the loss is found and the window read again in parts until complete', async () => {
		// 1,100 sessions, seven starting in each second: the tie group at offset 994..1000 straddles
		// the page boundary, and a shuffled order serves one of it twice and another never.
		const all = spread(1100, 7);
		const server = windowServer(all, { shuffleTies: true });
		const result = await readAll(server, WHOLE, { limit: Infinity });
		expect(new Set(result.ids).size).toBe(1100);
		expect(result.ids).toHaveLength(1100);
		expect(result.incomplete).toBeUndefined();
		expect(result.recovered).toMatch(/distinct events arrived of the 1100 ChargePilot counted.*read again in \d+ parts, complete/);
		expect(result.requests).toBeGreaterThan(2);
	});

	test('the same unstable server behind a page ceiling: still every event', async () => {
		const server = windowServer(spread(1100, 10), { shuffleTies: true, ceiling: 100 });
		const result = await readAll(server, WHOLE, { limit: Infinity });
		expect(new Set(result.ids).size).toBe(1100);
		expect(result.incomplete).toBeUndefined();
	});

	test('truncated answers: the window is split until no part is truncated', async () => {
		const server = windowServer(spread(3000, 1), { truncateAbove: 500 });
		const result = await readAll(server, WHOLE, { limit: Infinity });
		expect(new Set(result.ids).size).toBe(3000);
		expect(result.incomplete).toBeUndefined();
		expect(result.truncated).toBe(true);
		expect(result.recovered).toMatch(/truncated/);
	});

	test('the halves overlap by one second, so an event exactly at the split is read whatever the server\'s boundary rule', async () => {
		const server = windowServer(spread(40, 1), { truncateAbove: 30 });
		const window = { from: 1_780_000_000_000, to: 1_780_000_040_000 };
		await readAll(server, window, { limit: Infinity });
		const halves = server.requests.slice(1, 3).map((request) => request.window);
		expect(halves[0].from).toBe(window.from);
		expect(halves[1].to).toBe(window.to);
		expect(halves[0].to - halves[1].from).toBe(1000);
	});

	test('a count that lies (always 10^12): bounded re-reading, then reported incomplete with what arrived', async () => {
		const server = windowServer(spread(300, 1), { countLie: 1e12 });
		const result = await readAll(server, WHOLE, { limit: Infinity });
		expect(new Set(result.ids).size).toBe(300);
		expect(result.incomplete).toMatch(/300 distinct events arrived of the 1000000000000 ChargePilot counted; read again in \d+ parts, \d+ could not be completed/);
		// The budget (64 here), and at most the two requests of the read under way when it ran out.
		expect(result.requests).toBeLessThanOrEqual(2 + MIN_RECOVERY_REQUESTS + 2);
		expect(result.requests).toBeGreaterThanOrEqual(2 + MIN_RECOVERY_REQUESTS);
	});

	test('truncated even in a window of two seconds: reported, with stillTruncated', async () => {
		// 50 sessions in the same second: no split can make a part smaller than the server's cut.
		const server = windowServer(spread(50, 50), { truncateAbove: 10 });
		const result = await readAll(server, { from: 1_780_000_000_000, to: 1_780_000_002_000 }, { limit: Infinity });
		expect(result.incomplete).toMatch(/truncated.*cannot be split further/);
		expect(result.stillTruncated).toBe(true);
		expect(result.ids).toHaveLength(10);
	});

	test('Limit: a read that reached the limit is complete, whatever count says', async () => {
		const server = windowServer(spread(1100, 10), { shuffleTies: true });
		const result = await readAll(server, WHOLE, { limit: 50 });
		expect(result.ids).toHaveLength(50);
		expect(result.limited).toBe(true);
		expect(result.incomplete).toBeUndefined();
		expect(server.requests).toHaveLength(1);
	});

	test('Limit during a re-read in parts: stops at the limit', async () => {
		const server = windowServer(spread(3000, 1), { truncateAbove: 500 });
		const result = await readAll(server, WHOLE, { limit: 1200 });
		expect(result.ids).toHaveLength(1200);
		expect(new Set(result.ids).size).toBe(1200);
		expect(result.incomplete).toBeUndefined();
	});

	test('the sink gets every event once, also across overlapping parts', async () => {
		const server = windowServer(spread(2000, 3), { truncateAbove: 400, shuffleTies: true });
		const seen: number[] = [];
		const result = await readWindow(server.reader, WHOLE, { limit: Infinity }, (fresh) => seen.push(...fresh.map((event) => (event as Event).transaction_id)));
		expect(seen).toHaveLength(2000);
		expect(new Set(seen).size).toBe(2000);
		expect(result.received).toBe(2000);
	});

	describe('sessions that all share one start second (no split can separate them)', () => {
		const window = { from: 1_780_000_000_000, to: 1_780_000_060_000 };

		test('re-reads whose order changes every time: the union of what arrived completes it', async () => {
			const server = windowServer(spread(1100, 1100), { shuffleTies: true });
			const result = await readAll(server, window, { limit: Infinity });
			expect(result.incomplete).toBeUndefined();
			expect(new Set(result.ids).size).toBe(1100);
		});

		test('without an order free of ties, and the same ones lost every time: reported incomplete, never silently short', async () => {
			const server = windowServer(spread(1100, 1100), { flipTies: true });
			const result = await readAll(server, window, { limit: Infinity });
			expect(result.incomplete).toMatch(/distinct events arrived of the 1100 ChargePilot counted.*the window cannot be split further/);
			expect(result.ids.length).toBeLessThan(1100);
		});

		test('read once more in a stable order (by transaction ID): complete', async () => {
			const server = windowServer(spread(1100, 1100), { flipTies: true });
			const result = await readAll({ ...server, reader: { ...server.reader, fetchPageStable: server.fetchPageStable } }, window, { limit: Infinity });
			expect(result.incomplete).toBeUndefined();
			expect(new Set(result.ids).size).toBe(1100);
			expect(result.ids).toHaveLength(1100);
			expect(result.recovered).toMatch(/complete$/);
		});

		test('a server that refuses the stable order: reported incomplete, saying so', async () => {
			const server = windowServer(spread(1100, 1100), { flipTies: true });
			const result = await readAll({ ...server, reader: { ...server.reader, fetchPageStable: async () => undefined } }, window, { limit: Infinity });
			expect(result.incomplete).toMatch(/read again in \d+ parts \(ChargePilot refused an order by transaction ID\), \d+ could not be completed: .*the window cannot be split further/);
		});
	});
});
