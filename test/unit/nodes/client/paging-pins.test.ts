/**
 * The paging mechanism's edges, pinned exactly: the requests made (window, take, skip), the items
 * handed to the sink and the exact fields and texts of the result, against scripted servers whose
 * every answer is written out in the test. Complements paging.test.ts (which plays realistic
 * servers); these are the cases mutation testing found unpinned.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	MIN_RECOVERY_REQUESTS,
	RECOVERY_REQUESTS_PER_PAGE,
	newReadState,
	pageThrough,
	readWindow,
	type PagingLimits,
	type Window,
	type WindowReader,
} from '../../../../nodes/client/paging';

const ids = (items: IDataObject[]) => items.map((item) => item.transaction_id);
const ev = (...list: Array<number | string>) => list.map((id) => ({ transaction_id: id }));

/** pageThrough over one request; `what` left to its default unless given. */
async function run(fetchPage: (take: number, skip: number) => Promise<unknown>, limits: PagingLimits, what?: string) {
	const batches: IDataObject[][] = [];
	const state = newReadState(limits, (fresh) => batches.push(fresh), (message) => new Error(message), 'site s1');
	const result = await (what === undefined ? pageThrough(fetchPage, 'charging_events', state) : pageThrough(fetchPage, 'charging_events', state, what));
	return { ...result, batches, items: batches.flat(), requests: state.requests };
}

describe('pageThrough: edges', () => {
	test('string IDs identify events too: a repeated string ID is handed on once and counted as repeated', async () => {
		const result = await run(async () => ({ charging_events: ev('a', 'a', 'b'), count: 3 }), { limit: Infinity });
		expect(ids(result.items)).toEqual(['a', 'b']);
		expect(result.duplicates).toBe(1);
		expect(result.distinct).toBe(2);
	});

	test('items without an ID each count: none is taken for a repeat of another', async () => {
		const result = await run(async () => ({ charging_events: [{ site: 'x' }, { site: 'x' }, 'not an object'], count: 3 }), { limit: Infinity });
		expect(result.items).toEqual([{ site: 'x' }, { site: 'x' }, 'not an object']);
		expect(result.duplicates).toBe(0);
		expect(result.distinct).toBe(3);
		expect(result.received).toBe(3);
	});

	test('an answer without the list: the default name in the message, and the raw answer (first 200 characters) in the description', async () => {
		const noList = run(async () => ({ nope: true }), { limit: 10 });
		await expect(noList).rejects.toThrow(new Error('ChargePilot answered the charging events without a "charging_events" list'));

		const descriptions: string[] = [];
		const makeError = (message: string, description: string) => {
			descriptions.push(description);
			return new Error(message);
		};
		const state = newReadState({ limit: 10 }, () => undefined, makeError, 'site s1');
		const big = { text: 'x'.repeat(500) };
		await expect(pageThrough(async () => big, 'charging_events', state, 'site s1', makeError)).rejects.toThrow('ChargePilot answered site s1 without a "charging_events" list');
		await expect(pageThrough(async () => undefined, 'charging_events', state, 'site s1', makeError)).rejects.toThrow('without a "charging_events" list');
		expect(descriptions).toEqual([`Use Custom Request to see the raw answer: ${`{"text":"${'x'.repeat(500)}`.slice(0, 200)}`, 'Use Custom Request to see the raw answer: null']);
		expect(descriptions[0]).toHaveLength('Use Custom Request to see the raw answer: '.length + 200);
	});

	test('Limit 0: no request at all, and the run says it is limited', async () => {
		const calls: number[][] = [];
		const result = await run(async (take, skip) => {
			calls.push([take, skip]);
			return { charging_events: ev(1, 2), count: 2 };
		}, { limit: 0 });
		expect(calls).toEqual([]);
		expect(result.limited).toBe(true);
		expect(result.items).toEqual([]);
		expect(result.pages).toBe(0);
	});

	test('extra holds the other top-level fields of an object answer; a bare list answer has none', async () => {
		const object = await run(async () => ({ charging_events: ev(1), count: 1, truncated: false, dto_presence: { energy: true } }), { limit: Infinity });
		expect(object.extra).toEqual({ count: 1, truncated: false, dto_presence: { energy: true } });
		const bare = await run(async (take, skip) => (skip === 0 ? ev(1, 2) : []), { limit: Infinity });
		expect(ids(bare.items)).toEqual([1, 2]);
		expect(bare.extra).toEqual({});
		expect(bare.count).toBeUndefined();
	});

	test('count 0 is a count', async () => {
		const result = await run(async () => ({ charging_events: [], count: 0 }), { limit: Infinity });
		expect(result.count).toBe(0);
		expect(result.requests).toBe(1);
	});

	test('a server that sends more than take: only up to the Limit reaches the sink, in the order sent', async () => {
		const calls: number[][] = [];
		const result = await run(async (take, skip) => {
			calls.push([take, skip]);
			return { charging_events: ev(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), count: 10 };
		}, { limit: 5 });
		expect(calls).toEqual([[5, 0]]);
		expect(ids(result.items)).toEqual([1, 2, 3, 4, 5]);
		expect(result.received).toBe(5);
		expect(result.limited).toBe(true);
	});

	test('the ceiling is exact: as many events as the ceiling pass, one more fails', async () => {
		const atCeiling = await run(async () => ({ charging_events: ev(1, 2, 3, 4, 5), count: 5 }), { limit: Infinity, ceiling: 5 });
		expect(ids(atCeiling.items)).toEqual([1, 2, 3, 4, 5]);
		const sink: IDataObject[] = [];
		const state = newReadState({ limit: Infinity, ceiling: 5 }, (fresh) => sink.push(...fresh), (message) => new Error(message), 'site s1');
		await expect(pageThrough(async () => ({ charging_events: ev(1, 2, 3, 4, 5, 6), count: 6 }), 'charging_events', state)).rejects.toThrow(
			new Error('ChargePilot kept sending charging events for site s1: more than 5 events (count 6) after 1 pages'),
		);
		expect(sink).toEqual([]);
	});

	test('the sink gets one batch per page that brought something new, never an empty one; received counts what it got', async () => {
		const result = await run(async (take, skip) => ({ charging_events: skip === 0 ? ev(1, 2, 3) : ev(1, 2), count: 6 }), { limit: Infinity, pageSize: 3 });
		expect(result.batches.map(ids)).toEqual([[1, 2, 3]]);
		expect(result.received).toBe(3);
		expect(result.requests).toBe(2);
	});

	test('without a count, full pages go on until a short one', async () => {
		const calls: number[][] = [];
		const result = await run(async (take, skip) => {
			calls.push([take, skip]);
			return { charging_events: Array.from({ length: Math.max(0, Math.min(take, 2500 - skip)) }, (_, i) => ({ transaction_id: skip + i })) };
		}, { limit: Infinity });
		expect(calls).toEqual([[1000, 0], [1000, 1000], [1000, 2000]]);
		expect(result.items).toHaveLength(2500);
		expect(result.count).toBeUndefined();
	});
});

const T = 1_780_000_000_000;
const iso = (offsetMs: number) => new Date(T + offsetMs).toISOString().replace('.000Z', 'Z');
const span = (from: number, to: number) => `${iso(from)}..${iso(to)}`;

interface Answer {
	items: Array<number | string>;
	count?: number;
	truncated?: boolean;
}

/**
 * A server whose answer for each window (milliseconds after T, `from-to`) is written out: one list
 * per window, paged by take/skip. A window not in the script fails the test (an unexpected request).
 */
function scripted(script: Record<string, Answer>, stableScript?: Record<string, Answer | undefined>, fallback?: Answer) {
	const requests: string[] = [];
	const answer = (kind: string, table: Record<string, Answer | undefined>, window: Window, take: number, skip: number, def?: Answer) => {
		const key = `${window.from - T}-${window.to - T}`;
		requests.push(`${kind}${key} take ${take} skip ${skip}`);
		if (!(key in table) && !def) throw new Error(`unexpected request for window ${key}`);
		const entry = key in table ? table[key] : def;
		if (entry === undefined) return undefined;
		return { charging_events: ev(...entry.items.slice(skip, skip + take)), ...(entry.count === undefined ? {} : { count: entry.count }), truncated: entry.truncated ?? false };
	};
	const reader: WindowReader = {
		fetchPage: async (window, take, skip) => answer('', script, window, take, skip, fallback),
		listKey: 'charging_events',
		what: 'site s1',
	};
	if (stableScript) reader.fetchPageStable = async (window, take, skip) => answer('stable ', stableScript, window, take, skip);
	return { requests, reader };
}

async function readAll(reader: WindowReader, window: Window, limits: PagingLimits = { limit: Infinity }) {
	const items: IDataObject[] = [];
	const result = await readWindow(reader, window, limits, (fresh) => items.push(...fresh));
	return { ...result, ids: ids(items) };
}

const W = (from: number, to: number): Window => ({ from: T + from, to: T + to });

describe('readWindow: recovery pinned', () => {
	test('without a makeError of the reader, a failure is a plain Error with the message', async () => {
		const reader: WindowReader = { fetchPage: async () => ({ nope: 1 }), listKey: 'charging_events', what: 'site s1' };
		await expect(readWindow(reader, W(0, 1000), { limit: Infinity }, () => undefined)).rejects.toThrow(new Error('ChargePilot answered site s1 without a "charging_events" list'));
	});

	test('a complete first read: nothing recovered, not limited, not truncated', async () => {
		const server = scripted({ '0-8000': { items: [1, 2, 3], count: 3 } });
		const result = await readAll(server.reader, W(0, 8000));
		expect(result).toMatchObject({ received: 3, count: 3, truncated: false, requests: 1, duplicates: 0, limited: false, stillTruncated: false });
		expect(result.recovered).toBeUndefined();
		expect(result.incomplete).toBeUndefined();
	});

	test('a stable read that completes the window: one part, its repeats counted, no halves', async () => {
		const server = scripted({ '0-8000': { items: [1, 2, 2], count: 3 } }, { '0-8000': { items: [1, 1, 2, 3], count: 3 } });
		const result = await readAll(server.reader, W(0, 8000));
		expect(server.requests).toEqual(['0-8000 take 1000 skip 0', 'stable 0-8000 take 1000 skip 0']);
		expect(result.ids).toEqual([1, 2, 3]);
		expect(result.duplicates).toBe(2);
		expect(result.recovered).toBe('2 distinct events arrived of the 3 ChargePilot counted (1 repeated); read again in 1 part, complete');
		expect(result.incomplete).toBeUndefined();
	});

	test('a stable read without a gap of its own ends the recovery even below the first count', async () => {
		// The stable answer has no count: its short page is the end, and nothing says it is missing.
		const server = scripted({ '0-8000': { items: [1, 2, 2], count: 5 } }, { '0-8000': { items: [1, 2, 3] } });
		const result = await readAll(server.reader, W(0, 8000));
		expect(server.requests).toEqual(['0-8000 take 1000 skip 0', '0-8000 take 1000 skip 3', 'stable 0-8000 take 1000 skip 0']);
		expect(result.ids).toEqual([1, 2, 3]);
		expect(result.recovered).toBe('2 distinct events arrived of the 5 ChargePilot counted (1 repeated); read again in 1 part, complete');
	});

	test('a server that refuses the stable order: nothing of the refusal reaches the sink', async () => {
		const server = scripted({ '0-2000': { items: [1, 1], count: 2 } }, { '0-2000': undefined });
		const result = await readAll(server.reader, W(0, 2000));
		expect(result.ids).toEqual([1]);
		expect(result.received).toBe(1);
		expect(result.incomplete).toBe(
			`1 distinct events arrived of the 2 ChargePilot counted (1 repeated); read again in 1 part (ChargePilot refused an order by transaction ID), 1 could not be completed: ${span(0, 2000)}: 1 distinct events arrived of the 2 ChargePilot counted (1 repeated), and the window cannot be split further`,
		);
	});

	test('a truncated window is never read in the stable order, neither whole nor as a part too short to split', async () => {
		const server = scripted({ '0-2000': { items: [1, 2], count: 2, truncated: true } }, {});
		const result = await readAll(server.reader, W(0, 2000));
		expect(server.requests).toEqual(['0-2000 take 1000 skip 0']);
		expect(result.stillTruncated).toBe(true);
		expect(result.incomplete).toBe(
			`ChargePilot marked the answer as truncated (count 2); read again in 0 parts, 1 could not be completed: ${span(0, 2000)}: ChargePilot marked the answer as truncated (count 2), and the window cannot be split further`,
		);
	});

	test('a part too short to split, short but not truncated, is completed in the stable order', async () => {
		const server = scripted(
			{ '0-3000': { items: [1, 3, 4], count: 3, truncated: true }, '0-2000': { items: [1, 3, 3], count: 3 }, '1000-3000': { items: [3, 4], count: 2 } },
			{ '0-2000': { items: [1, 2, 3], count: 3 } },
		);
		const result = await readAll(server.reader, W(0, 3000));
		expect(server.requests).toEqual(['0-3000 take 1000 skip 0', '0-2000 take 1000 skip 0', '1000-3000 take 1000 skip 0', 'stable 0-2000 take 1000 skip 0']);
		expect(result.ids).toEqual([1, 3, 4, 2]);
		expect(result.duplicates).toBe(1);
		expect(result.stillTruncated).toBe(false);
		expect(result.limited).toBe(false);
		expect(result.recovered).toBe('ChargePilot marked the answer as truncated (count 3); read again in 3 parts, complete');
		expect(result.incomplete).toBeUndefined();
	});

	test('when the stable read of a short part is itself short, the message says what it got', async () => {
		const server = scripted(
			{ '0-3000': { items: [1, 3, 4], count: 3, truncated: true }, '0-2000': { items: [1, 3, 3], count: 3 }, '1000-3000': { items: [3, 4], count: 2 } },
			{ '0-2000': { items: [1, 2, 3], count: 4 } },
		);
		const result = await readAll(server.reader, W(0, 3000));
		expect(server.requests).toEqual(['0-3000 take 1000 skip 0', '0-2000 take 1000 skip 0', '1000-3000 take 1000 skip 0', 'stable 0-2000 take 1000 skip 0', 'stable 0-2000 take 1000 skip 3']);
		expect(result.stillTruncated).toBe(false);
		expect(result.incomplete).toBe(
			`ChargePilot marked the answer as truncated (count 3); read again in 3 parts, 1 could not be completed: ${span(0, 2000)}: 3 distinct events arrived of the 4 ChargePilot counted, and the window cannot be split further`,
		);
	});

	test('a server that counts events but sends none: said per window, truncated or not', async () => {
		const truncated = await readAll(scripted({ '0-10000': { items: [], count: 5, truncated: true } }).reader, W(0, 10_000));
		expect(truncated.stillTruncated).toBe(true);
		expect(truncated.incomplete).toBe(`ChargePilot marked the answer as truncated (count 5); read again in 0 parts, 1 could not be completed: ${span(0, 10_000)}: ChargePilot counted 5 (truncated) but sent none`);
		const plain = await readAll(scripted({ '0-10000': { items: [], count: 5 } }).reader, W(0, 10_000));
		expect(plain.stillTruncated).toBe(false);
		expect(plain.incomplete).toBe(`0 distinct events arrived of the 5 ChargePilot counted; read again in 0 parts, 1 could not be completed: ${span(0, 10_000)}: ChargePilot counted 5 but sent none`);
	});

	test('Limit reached by the first read while count says more: nothing to recover, nothing missing', async () => {
		const server = scripted({ '0-8000': { items: [1, 2, 3], count: 10, truncated: true } }, {});
		const result = await readAll(server.reader, W(0, 8000), { limit: 2 });
		expect(server.requests).toEqual(['0-8000 take 2 skip 0']);
		expect(result.ids).toEqual([1, 2]);
		expect(result.limited).toBe(true);
		expect(result.recovered).toBeUndefined();
		expect(result.incomplete).toBeUndefined();
	});

	test('Limit reached in the first half: the second half is not read', async () => {
		const server = scripted({ '0-3000': { items: [1, 2], count: 2, truncated: true }, '0-2000': { items: [3, 4, 5], count: 3 } });
		const result = await readAll(server.reader, W(0, 3000), { limit: 3 });
		expect(server.requests).toEqual(['0-3000 take 3 skip 0', '0-2000 take 1 skip 0']);
		expect(result.ids).toEqual([1, 2, 3]);
		expect(result.limited).toBe(true);
		expect(result.recovered).toBe('ChargePilot marked the answer as truncated (count 2); read again in 1 part, complete');
	});

	test('Limit reached in the second half: parts still queued are not read, not even in the stable order', async () => {
		const server = scripted(
			{ '0-3000': { items: [1, 2], count: 2, truncated: true }, '0-2000': { items: [3, 3], count: 2 }, '1000-3000': { items: [4, 5, 6], count: 3 } },
			{},
		);
		const result = await readAll(server.reader, W(0, 3000), { limit: 4 });
		expect(server.requests).toEqual(['0-3000 take 4 skip 0', '0-2000 take 2 skip 0', '1000-3000 take 1 skip 0']);
		expect(result.ids).toEqual([1, 2, 3, 4]);
		expect(result.limited).toBe(true);
		expect(result.duplicates).toBe(1);
		expect(result.recovered).toBe('ChargePilot marked the answer as truncated (count 2); read again in 2 parts, complete');
	});

	test('once as many distinct events arrived as the whole window counted, queued parts are not read again', async () => {
		const server = scripted({ '0-8000': { items: [1, 2, 3, 3], count: 4 }, '0-5000': { items: [1, 2, 2], count: 3 }, '4000-8000': { items: [3, 4], count: 2 } });
		const result = await readAll(server.reader, W(0, 8000));
		expect(server.requests).toEqual(['0-8000 take 1000 skip 0', '0-5000 take 1000 skip 0', '4000-8000 take 1000 skip 0']);
		expect(result.ids).toEqual([1, 2, 3, 4]);
		expect(result.duplicates).toBe(2);
		expect(result.recovered).toBe('3 distinct events arrived of the 4 ChargePilot counted (1 repeated); read again in 2 parts, complete');
	});

	test('a part that could not be completed is no loss once the whole window\'s count arrived', async () => {
		const server = scripted({
			'0-8000': { items: [1, 1, 1], count: 3 },
			'0-5000': { items: [], count: 1 },
			'4000-8000': { items: [2, 2], count: 2 },
			'4000-7000': { items: [2, 3], count: 2 },
			'6000-8000': { items: [3], count: 1 },
		});
		const result = await readAll(server.reader, W(0, 8000));
		expect(server.requests).toEqual(['0-8000 take 1000 skip 0', '0-5000 take 1000 skip 0', '4000-8000 take 1000 skip 0', '4000-7000 take 1000 skip 0', '6000-8000 take 1000 skip 0']);
		expect(result.ids).toEqual([1, 2, 3]);
		expect(result.incomplete).toBeUndefined();
		expect(result.recovered).toBe('1 distinct events arrived of the 3 ChargePilot counted (2 repeated); read again in 4 parts, complete');
	});

	test('a part that could not be completed is no loss once the Limit is reached', async () => {
		const server = scripted({
			'0-8000': { items: [1], count: 1, truncated: true },
			'0-5000': { items: [], count: 1 },
			'4000-8000': { items: [2, 2], count: 2 },
			'4000-7000': { items: [3, 4], count: 2 },
		});
		const result = await readAll(server.reader, W(0, 8000), { limit: 3 });
		expect(server.requests).toEqual(['0-8000 take 3 skip 0', '0-5000 take 2 skip 0', '4000-8000 take 2 skip 0', '4000-7000 take 1 skip 0']);
		expect(result.ids).toEqual([1, 2, 3]);
		expect(result.limited).toBe(true);
		expect(result.incomplete).toBeUndefined();
		expect(result.recovered).toBe('ChargePilot marked the answer as truncated (count 1); read again in 3 parts, complete');
	});

	const repeats: Answer = { items: [1, 1], count: 2 };
	const repeatsWhy = '1 distinct events arrived of the 2 ChargePilot counted (1 repeated)';
	const cannot = (from: number, to: number) => `${span(from, to)}: ${repeatsWhy}, and the window cannot be split further`;

	test('three parts that cannot be completed: all three named, no tail', async () => {
		const server = scripted({}, undefined, repeats);
		const result = await readAll(server.reader, W(0, 4000));
		expect(server.requests.map((request) => request.split(' ')[0])).toEqual(['0-4000', '0-3000', '2000-4000', '0-2000', '1000-3000']);
		expect(result.duplicates).toBe(5);
		expect(result.incomplete).toBe(`${repeatsWhy}; read again in 4 parts, 3 could not be completed: ${cannot(2000, 4000)}; ${cannot(0, 2000)}; ${cannot(1000, 3000)}`);
	});

	test('more than three: the first three named, then how many more', async () => {
		const server = scripted({}, undefined, repeats);
		const result = await readAll(server.reader, W(0, 8000));
		expect(server.requests).toHaveLength(13);
		expect(result.incomplete).toBe(`${repeatsWhy}; read again in 12 parts, 7 could not be completed: ${cannot(6000, 8000)}; ${cannot(0, 2000)}; ${cannot(1000, 3000)}; and 4 more`);
	});
});

describe('readWindow: the request budget of a re-read', () => {
	test(`at least ${MIN_RECOVERY_REQUESTS} requests after the first read, and not one more; parts queued when it ran out are not read in the stable order either`, async () => {
		// Every read is one request and repeats one event; the stable order completes a part too short
		// to split (and repeats like the rest on a wider one).
		const requests: Array<{ stable: boolean; window: Window }> = [];
		const reader: WindowReader = {
			fetchPage: async (window) => {
				requests.push({ stable: false, window });
				return { charging_events: ev(1, 1), count: 2 };
			},
			fetchPageStable: async (window) => {
				requests.push({ stable: true, window });
				return window.to - window.from <= 2000 ? { charging_events: ev(1), count: 1 } : { charging_events: ev(1, 1), count: 2 };
			},
			listKey: 'charging_events',
			what: 'site s1',
		};
		const result = await readAll(reader, W(0, 40_000));
		expect(result.requests).toBe(1 + MIN_RECOVERY_REQUESTS);
		expect(requests).toHaveLength(1 + MIN_RECOVERY_REQUESTS);
		expect(result.stillTruncated).toBe(false);
		expect(result.incomplete).toContain(`re-reading stopped after ${1 + MIN_RECOVERY_REQUESTS} requests`);
		// A short part left when the budget ran out is reported, not read in the stable order.
		expect(result.incomplete).toMatch(/: 1 distinct events arrived of the 2 ChargePilot counted \(1 repeated\), and the window cannot be split further/);
	});

	test('truncated parts left unread when the budget ran out: still truncated', async () => {
		// A day, every window truncated: the budget runs out long before a part is too short to split.
		let requests = 0;
		const reader: WindowReader = {
			fetchPage: async () => {
				requests++;
				return { charging_events: ev(1), count: 1, truncated: true };
			},
			listKey: 'charging_events',
			what: 'site s1',
		};
		const result = await readAll(reader, W(0, 86_400_000));
		expect(requests).toBe(1 + MIN_RECOVERY_REQUESTS);
		expect(result.stillTruncated).toBe(true);
		expect(result.incomplete).toMatch(/^ChargePilot marked the answer as truncated \(count 1\); read again in 64 parts, \d+ could not be completed: [^;]+: not read again, re-reading stopped after 65 requests; /);
		expect(result.incomplete).not.toContain('cannot be split further');
	});

	test(`more when the first read took many pages: ${RECOVERY_REQUESTS_PER_PAGE} per page`, async () => {
		// 100 events, pages capped at 10, a count that never comes true: the first read takes 11
		// requests (10 pages and an empty one), every later read at most 11.
		const all = Array.from({ length: 100 }, (_, i) => ({ transaction_id: i + 1, start: T + i * 1000 }));
		const reader: WindowReader = {
			fetchPage: async (window, take, skip) => {
				const rows = all.filter((event) => event.start >= window.from && event.start < window.to);
				return { charging_events: rows.slice(skip, skip + Math.min(take, 10)), count: 1e12 };
			},
			listKey: 'charging_events',
			what: 'site s1',
		};
		const result = await readAll(reader, W(0, 100_000));
		const budget = 11 + RECOVERY_REQUESTS_PER_PAGE * 11;
		expect(result.requests).toBeGreaterThanOrEqual(budget);
		expect(result.requests).toBeLessThanOrEqual(budget + 10);
		expect(result.incomplete).toContain(`re-reading stopped after ${result.requests} requests`);
		expect(new Set(result.ids).size).toBe(100);
	});
});

describe('readWindow: a truncated part passed over, then the Limit reached', () => {
	test('the read is complete: recovered, not incomplete, and nothing still truncated', async () => {
		const server = scripted({
			'0-10000': { items: [1, 2, 3], count: 3, truncated: true },
			// The first half: truncated and empty (set aside as not completable) ...
			'0-6000': { items: [], count: 2, truncated: true },
			// ... the second: truncated with one event, so it is split again ...
			'5000-10000': { items: [4], count: 3, truncated: true },
			// ... and its first quarter brings the fifth event: the Limit.
			'5000-8000': { items: [5], count: 1 },
		});
		const result = await readAll(server.reader, W(0, 10_000), { limit: 5 });
		expect(server.requests).toEqual(['0-10000 take 5 skip 0', '0-6000 take 2 skip 0', '5000-10000 take 2 skip 0', '5000-10000 take 1 skip 1', '5000-8000 take 1 skip 0']);
		expect(result.ids).toEqual([1, 2, 3, 4, 5]);
		expect(result.limited).toBe(true);
		expect(result.incomplete).toBeUndefined();
		expect(result.stillTruncated).toBe(false);
		expect(result.recovered).toBe('ChargePilot marked the answer as truncated (count 3); read again in 3 parts, complete');
	});
});
