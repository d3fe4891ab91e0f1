/**
 * The paging loop on its own, against scripted servers: every way it ends, and that it always does.
 */
import { MAX_PAGE_SIZE, pageThrough } from '../../../../nodes/client/paging';

type Event = { transaction_id: number };
const events = (from: number, n: number): Event[] => Array.from({ length: n }, (_, i) => ({ transaction_id: from + i }));

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

test('reads every page until count, asking only for what is still needed', async () => {
	const server = honest(2500);
	const result = await pageThrough(server.fetchPage, 'charging_events', { max: Infinity });
	expect(result.items).toHaveLength(2500);
	expect(server.calls).toEqual([[1000, 0], [1000, 1000], [1000, 2000]]);
	expect(result.pages).toBe(3);
	expect(result.inconsistency).toBeUndefined();
});

test('stops at count even when the pages are full (exactly 3000 events)', async () => {
	const server = honest(3000);
	const result = await pageThrough(server.fetchPage, 'charging_events', { max: Infinity });
	expect(result.items).toHaveLength(3000);
	// No fourth request: count says there is nothing more.
	expect(server.calls).toHaveLength(3);
});

test('Limit: stops at max and never asks for more than it needs', async () => {
	const server = honest(5000);
	const result = await pageThrough(server.fetchPage, 'charging_events', { max: 1500 });
	expect(result.items).toHaveLength(1500);
	expect(server.calls).toEqual([[1000, 0], [500, 1000]]);
});

test('a short page ends paging even when count claims more', async () => {
	const calls: number[] = [];
	const result = await pageThrough(
		async (take, skip) => {
			calls.push(skip);
			return { charging_events: events(skip, skip === 0 ? take : 10), count: 1e12 };
		},
		'charging_events',
		{ max: Infinity },
	);
	expect(result.items).toHaveLength(1010);
	expect(calls).toEqual([0, 1000]);
});

test('a server that ignores skip: the repeated page ends it, and the contradiction is reported', async () => {
	let calls = 0;
	const result = await pageThrough(
		async (take) => {
			calls++;
			return { charging_events: events(1, take), count: 1e12, truncated: false };
		},
		'charging_events',
		{ max: Infinity },
	);
	expect(calls).toBe(2);
	expect(result.items).toHaveLength(MAX_PAGE_SIZE);
	expect(result.duplicates).toBe(MAX_PAGE_SIZE);
	expect(result.inconsistency).toMatch(/page 2 \(skip 1000\) repeated only events already received, although count says 1000000000000/);
});

test('a server that never stops sending new events: the ceiling fails it, bounded in pages', async () => {
	let calls = 0;
	const failure = pageThrough(
		async (take, skip) => {
			calls++;
			return { charging_events: events(skip, take), count: 1e12 };
		},
		'charging_events',
		{ max: Infinity, maxItems: 5000 },
	);
	await expect(failure).rejects.toThrow(/kept sending charging events.*more than 5000 events \(count 1000000000000\)/);
	expect(calls).toBeLessThanOrEqual(6);
});

test('the page ceiling holds even when pages are tiny', async () => {
	let calls = 0;
	// Each page brings one new event and a repeat of the first: never short of "fresh".
	const failure = pageThrough(
		async (take, skip) => {
			calls++;
			return { charging_events: [...events(10_000 + skip, 1), ...events(0, take - 1)], count: 1e12 };
		},
		'charging_events',
		{ max: Infinity, pageSize: 2, maxItems: 100 },
	);
	await expect(failure).rejects.toThrow(/pages and .* events so far, and no end in sight/);
	expect(calls).toBeLessThanOrEqual(51);
});

test('events repeated across pages (offsets shifted meanwhile) are returned once', async () => {
	const result = await pageThrough(
		async (take, skip) => ({ charging_events: skip === 0 ? events(1, take) : events(1 + skip - 5, 20), count: 1015 }),
		'charging_events',
		{ max: Infinity },
	);
	const ids = result.items.map((event) => (event as Event).transaction_id);
	expect(new Set(ids).size).toBe(ids.length);
	expect(result.duplicates).toBe(5);
	expect(ids).toHaveLength(1015);
});

test('an answer without the list fails with what it got', async () => {
	await expect(pageThrough(async () => ({ nope: true }), 'charging_events', { max: 10 })).rejects.toThrow(/without a "charging_events" list/);
});

test('an empty first page ends at once', async () => {
	const server = honest(0);
	const result = await pageThrough(server.fetchPage, 'charging_events', { max: Infinity });
	expect(result.items).toEqual([]);
	expect(server.calls).toHaveLength(1);
});
