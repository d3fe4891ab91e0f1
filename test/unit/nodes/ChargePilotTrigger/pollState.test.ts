/**
 * The polling trigger's memory on its own: which events are new, what is remembered and for how
 * long, and that neither a clock stepping back nor odd IDs can make an event come out twice.
 * Also: exactly which stored shapes are read and which are skipped, the stored form written, the
 * window at each of its bounds, and where a remembered start is clamped to.
 */
import type { IDataObject } from 'n8n-workflow';

import { advance, byStartThenId, eventKey, eventStart, readState, windowFor, writeState, type SiteState } from '../../../../nodes/ChargePilotTrigger/pollState';

const HOUR = 3_600_000;
const LOOKBACK = 24 * HOUR;
const T0 = Date.parse('2026-11-29T12:00:00Z');
const event = (id: number | string, startMs: number) => ({ transaction_id: id, start_time: new Date(startMs).toISOString() });
const ids = (events: Array<{ transaction_id?: unknown }>) => events.map((e) => e.transaction_id);

describe('advance', () => {
	test('first poll: nothing is emitted, everything read is remembered', () => {
		const window = windowFor(undefined, T0, LOOKBACK, 0);
		expect(window).toEqual({ from: T0 - LOOKBACK, to: T0 });
		const { fresh, next } = advance(undefined, [event(1, T0 - HOUR)], window, T0, LOOKBACK);
		expect(fresh).toEqual([]);
		expect([...next.seen.keys()]).toEqual(['1']);
		expect(next.until).toBe(T0);
		expect(next.horizon).toBe(T0 - LOOKBACK);
	});

	test('an event exactly at the window edge is read, emitted once, and remembered', () => {
		const first = advance(undefined, [], windowFor(undefined, T0, LOOKBACK, 0), T0, LOOKBACK).next;
		const t1 = T0 + HOUR;
		const window = windowFor(first, t1, LOOKBACK, 0);
		expect(window.from).toBe(T0 - LOOKBACK + 0); // max(horizon, until - lookback)
		const edge = event(7, window.from);
		const second = advance(first, [edge], window, t1, LOOKBACK);
		expect(ids(second.fresh)).toEqual([7]);
		// Its start is before the next horizon (t1 - lookback), so no later window can return it.
		expect(second.next.horizon).toBe(t1 - LOOKBACK);
		expect(windowFor(second.next, t1 + HOUR, LOOKBACK, 0).from).toBeGreaterThan(window.from);
	});

	test('an event the API leaves out of one poll is emitted when it shows up later (within look-back)', () => {
		let state = advance(undefined, [], windowFor(undefined, T0, LOOKBACK, 0), T0, LOOKBACK).next;
		const late = event(9, T0 + 10 * 60_000);
		// Poll 1 after it started: the API does not list it yet (still charging / not recorded).
		const t1 = T0 + HOUR;
		const poll1 = advance(state, [], windowFor(state, t1, LOOKBACK, 0), t1, LOOKBACK);
		expect(poll1.fresh).toEqual([]);
		state = poll1.next;
		// Poll 2, 20 h later: recorded now, start still inside the re-read window.
		const t2 = t1 + 20 * HOUR;
		const window2 = windowFor(state, t2, LOOKBACK, 0);
		expect(window2.from).toBeLessThanOrEqual(Date.parse(late.start_time));
		const poll2 = advance(state, [late], window2, t2, LOOKBACK);
		expect(ids(poll2.fresh)).toEqual([9]);
		const poll3 = advance(poll2.next, [late], windowFor(poll2.next, t2 + HOUR, LOOKBACK, 0), t2 + HOUR, LOOKBACK);
		expect(poll3.fresh).toEqual([]);
	});

	test('ties: events with the same start are told apart by ID, and sorted by it', () => {
		const state = advance(undefined, [], windowFor(undefined, T0, LOOKBACK, 0), T0, LOOKBACK).next;
		const t1 = T0 + HOUR;
		const same = T0 + 60_000;
		const result = advance(state, [event(12, same), event(10, same), event(11, same), event(10, same)], windowFor(state, t1, LOOKBACK, 0), t1, LOOKBACK);
		expect(ids(result.fresh)).toEqual([10, 11, 12]);
	});

	test('a clock stepping back 50 minutes re-reads nothing it has forgotten, and emits nothing twice', () => {
		let state = advance(undefined, [], windowFor(undefined, T0, LOOKBACK, 0), T0, LOOKBACK).next;
		// A late session: it started 23.5 h before the poll that first sees it.
		const t1 = T0 + HOUR;
		const late = event(42, t1 - 23.5 * HOUR);
		const poll1 = advance(state, [late], windowFor(state, t1, LOOKBACK, 0), t1, LOOKBACK);
		expect(ids(poll1.fresh)).toEqual([42]);
		state = poll1.next;
		// The next poll runs with the clock 50 minutes behind.
		const t2 = t1 - 50 * 60_000 + 60_000;
		const window2 = windowFor(state, t2, LOOKBACK, 0);
		expect(window2.from).toBeGreaterThanOrEqual(state.horizon);
		const poll2 = advance(state, [late], window2, t2, LOOKBACK);
		expect(poll2.fresh).toEqual([]);
		expect(poll2.next.horizon).toBe(state.horizon); // never moves back
		expect(poll2.next.until).toBe(state.until);
	});

	test('a clock far behind reads an empty window, not an inverted one', () => {
		const state: SiteState = { until: T0, horizon: T0 - LOOKBACK, seen: new Map() };
		const window = windowFor(state, T0 - 3 * LOOKBACK, LOOKBACK, 0);
		expect(window.to).toBeGreaterThanOrEqual(window.from);
	});

	test('an event a lying server returns from before the horizon is not emitted (it may have been before)', () => {
		const state: SiteState = { until: T0, horizon: T0 - LOOKBACK, seen: new Map() };
		const t1 = T0 + HOUR;
		const result = advance(state, [event(5, T0 - 2 * LOOKBACK), event(6, T0 - HOUR)], windowFor(state, t1, LOOKBACK, 0), t1, LOOKBACK);
		expect(ids(result.fresh)).toEqual([6]);
		expect(result.outside).toBe(1);
	});

	test('an event without a parseable start is remembered as long as its window can be re-read', () => {
		const state: SiteState = { until: T0, horizon: T0 - LOOKBACK, seen: new Map() };
		const t1 = T0 + HOUR;
		const window = windowFor(state, t1, LOOKBACK, 0);
		const odd = { transaction_id: 77, start_time: 'yesterday' };
		const first = advance(state, [odd], window, t1, LOOKBACK);
		expect(ids(first.fresh)).toEqual([77]);
		const t2 = t1 + 23 * HOUR;
		const second = advance(first.next, [odd], windowFor(first.next, t2, LOOKBACK, 0), t2, LOOKBACK);
		expect(second.fresh).toEqual([]);
	});

	test('backfill: emitFirst decides on the first poll', () => {
		const window = windowFor(undefined, T0, LOOKBACK, 3 * LOOKBACK);
		expect(window.from).toBe(T0 - 3 * LOOKBACK);
		const result = advance(undefined, [event(1, T0 - 2 * LOOKBACK), event(2, T0 - HOUR)], window, T0, LOOKBACK, (e) => e.transaction_id === 2);
		expect(ids(result.fresh)).toEqual([2]);
	});
});

describe('stored state', () => {
	test('Object.prototype names are ordinary IDs, for sites and for transactions', () => {
		const staticData: IDataObject = {};
		const state = readState(staticData, LOOKBACK);
		expect(state.get('constructor')).toBeUndefined();
		expect(state.get('__proto__')).toBeUndefined();
		state.set('constructor', { until: T0, horizon: T0 - LOOKBACK, seen: new Map([['toString', T0 - HOUR], ['__proto__', T0 - HOUR]]) });
		writeState(staticData, state);
		const again = readState(JSON.parse(JSON.stringify(staticData)), LOOKBACK);
		expect([...again.keys()]).toEqual(['constructor']);
		expect([...(again.get('constructor')?.seen.keys() ?? [])]).toEqual(['toString', '__proto__']);
		expect(again.get('hasOwnProperty')).toBeUndefined();
	});

	test('a transaction called "toString" is new until it was seen', () => {
		const state: SiteState = { until: T0, horizon: T0 - LOOKBACK, seen: new Map() };
		const result = advance(state, [{ transaction_id: 'toString', start_time: new Date(T0 - HOUR).toISOString() }], windowFor(state, T0 + HOUR, LOOKBACK, 0), T0 + HOUR, LOOKBACK);
		expect(ids(result.fresh)).toEqual(['toString']);
	});

	test('the 0.1.0 format (version 1) is read, with the horizon where 0.1.0 would have continued', () => {
		const v1 = { chargePilot: { version: 1, sites: { 'site-a': { until: T0, seen: { '5': T0 - HOUR, constructor: T0 - HOUR } } } } };
		const state = readState(v1, LOOKBACK);
		expect(state.get('site-a')).toEqual({ until: T0, horizon: T0 - LOOKBACK, seen: new Map([['5', T0 - HOUR], ['constructor', T0 - HOUR]]) });
	});

	test('garbage reads as empty', () => {
		expect(readState({ chargePilot: 'x' }, LOOKBACK).size).toBe(0);
		expect(readState({ chargePilot: { version: 2, sites: [{ id: 1 }, null, { id: 'ok', until: 1, horizon: 0, seen: [['a', 'b'], ['c', 2]] }] } }, LOOKBACK).get('ok')?.seen).toEqual(new Map([['c', 2]]));
	});
});

const MINUTE = 60_000;
const site = (until: number, horizon: number, seen: Array<[string, number]> = []): SiteState => ({ until, horizon, seen: new Map(seen) });

describe('readState: what is read and what is skipped', () => {
	const valid = { id: 'ok', until: T0, horizon: T0 - LOOKBACK, seen: [['1', T0 - HOUR]] };

	test.each([
		['no state', {}],
		['null', { chargePilot: null }],
		['a number', { chargePilot: 5 }],
		['no version', { chargePilot: { sites: [valid] } }],
		['version 3', { chargePilot: { version: 3, sites: [valid] } }],
		['version "2" as text', { chargePilot: { version: '2', sites: [valid] } }],
		['version 2 with sites as an object', { chargePilot: { version: 2, sites: { ok: valid } } }],
		['version 3 with sites as an object', { chargePilot: { version: 3, sites: { ok: { until: T0 } } } }],
		['version 1 with sites null', { chargePilot: { version: 1, sites: null } }],
	])('%s reads as empty', (_name, staticData) => {
		expect(readState(staticData as IDataObject, LOOKBACK)).toEqual(new Map());
	});

	test('state inherited from a prototype is not the workflow\'s state', () => {
		const staticData = Object.create({ chargePilot: { version: 2, sites: [valid] } }) as IDataObject;
		expect(readState(staticData, LOOKBACK).size).toBe(0);
	});

	test.each([
		['an id that is not text', { ...valid, id: 7 }],
		['no until', { ...valid, until: undefined }],
		['until as text', { ...valid, until: String(T0) }],
		['until Infinity', { ...valid, until: Infinity }],
		['until NaN', { ...valid, until: NaN }],
		['no horizon', { ...valid, horizon: undefined }],
		['horizon null', { ...valid, horizon: null }],
		['horizon -Infinity', { ...valid, horizon: -Infinity }],
		['no seen', { ...valid, seen: undefined }],
		['seen as an object', { ...valid, seen: { 1: T0 } }],
		['null', null],
		['a number', 5],
	])('version 2: a site with %s is skipped, the others are read', (_name, bad) => {
		const state = readState({ chargePilot: { version: 2, sites: [bad, { ...valid, id: 'next' }] } } as unknown as IDataObject, LOOKBACK);
		expect([...state]).toEqual([['next', { until: T0, horizon: T0 - LOOKBACK, seen: new Map([['1', T0 - HOUR]]) }]]);
	});

	test('version 2: only [text, finite number] pairs are remembered', () => {
		const seen = [['a', 1], { 0: 'b', 1: 2 }, [3, 3], ['c', Infinity], ['d', '4'], ['e', NaN], ['f'], 'g5', null, ['h', 0], ['i', -5, 'extra']];
		const state = readState({ chargePilot: { version: 2, sites: [{ ...valid, seen }] } } as unknown as IDataObject, LOOKBACK);
		expect(state.get('ok')?.seen).toEqual(new Map([['a', 1], ['h', 0], ['i', -5]]));
	});

	test('version 1: sites without a finite until are skipped; seen keeps finite starts only; horizon is until - lookback', () => {
		const sites = {
			a: null,
			b: { until: 'x' },
			c: { until: Infinity },
			d: { until: T0, seen: null },
			e: { until: T0 + HOUR },
			f: { until: T0, seen: { x: 'bad', y: T0 - HOUR, z: Infinity, w: 0 } },
		};
		const state = readState({ chargePilot: { version: 1, sites } } as unknown as IDataObject, 2 * HOUR);
		expect([...state]).toEqual([
			['d', { until: T0, horizon: T0 - 2 * HOUR, seen: new Map() }],
			['e', { until: T0 + HOUR, horizon: T0 - HOUR, seen: new Map() }],
			['f', { until: T0, horizon: T0 - 2 * HOUR, seen: new Map([['y', T0 - HOUR], ['w', 0]]) }],
		]);
	});
});

describe('writeState', () => {
	test('writes version 2: sites as a list, seen as [ID, start] pairs, in order; other static data stays', () => {
		const staticData: IDataObject = { other: 1 };
		writeState(staticData, new Map([
			['b', site(T0, T0 - LOOKBACK, [['2', T0 - HOUR], ['1', T0 - 2 * HOUR]])],
			['a', site(T0 + HOUR, T0 - HOUR)],
		]));
		expect(staticData).toEqual({
			other: 1,
			chargePilot: {
				version: 2,
				sites: [
					{ id: 'b', until: T0, horizon: T0 - LOOKBACK, seen: [['2', T0 - HOUR], ['1', T0 - 2 * HOUR]] },
					{ id: 'a', until: T0 + HOUR, horizon: T0 - HOUR, seen: [] },
				],
			},
		});
	});

	test('replaces what was stored; reads back to the same state through JSON', () => {
		const staticData: IDataObject = { chargePilot: { version: 1, sites: { old: { until: 1 } } } };
		const state = new Map([['s', site(T0, T0 - LOOKBACK, [['x', T0 - HOUR]])]]);
		writeState(staticData, state);
		expect(readState(JSON.parse(JSON.stringify(staticData)), LOOKBACK)).toEqual(state);
		writeState(staticData, new Map());
		expect(staticData).toEqual({ chargePilot: { version: 2, sites: [] } });
	});
});

describe('eventKey and eventStart', () => {
	test.each([
		[0, '0'],
		[42, '42'],
		['abc', 'abc'],
		['', ''],
		[true, undefined],
		[null, undefined],
		[undefined, undefined],
		[{ id: 1 }, undefined],
		[[1], undefined],
	])('transaction_id %j: key %j', (id, key) => {
		expect(eventKey({ transaction_id: id } as IDataObject)).toBe(key);
	});

	test.each([
		['start_time', { start_time: '2026-11-29T12:00:00Z' }, T0],
		['occurrence_time when there is no start_time', { occurrence_time: '2026-11-29T12:00:00Z' }, T0],
		['occurrence_time when start_time is null', { start_time: null, occurrence_time: '2026-11-29T12:00:00Z' }, T0],
		['start_time before occurrence_time', { start_time: '2026-11-29T12:00:00Z', occurrence_time: '2026-11-29T13:00:00Z' }, T0],
		['the epoch', { start_time: '1970-01-01T00:00:00Z' }, 0],
		['nothing', {}, undefined],
		['text that is no time', { start_time: 'yesterday' }, undefined],
	])('%s', (_name, event, expected) => {
		expect(eventStart(event)).toBe(expected);
	});
});

describe('byStartThenId', () => {
	const sorted = (events: IDataObject[]) => ids([...events].sort(byStartThenId));

	test('older first, whatever the IDs', () => {
		expect(sorted([event(1, T0 + HOUR), event(2, T0), event(3, T0 + MINUTE)])).toEqual([2, 3, 1]);
		expect(byStartThenId(event(1, T0), event(2, T0 + 1))).toBeLessThan(0);
		expect(byStartThenId(event(2, T0 + 1), event(1, T0))).toBeGreaterThan(0);
	});

	test('ties: by ID, numbers by value (9 before 10), text alphabetically; the same event is equal', () => {
		expect(sorted([event(10, T0), event(9, T0), event(100, T0)])).toEqual([9, 10, 100]);
		expect(sorted([event('b', T0), event('a', T0)])).toEqual(['a', 'b']);
		expect(byStartThenId(event(5, T0), event(5, T0))).toBe(0);
	});

	test('an event without a start counts as the oldest', () => {
		expect(sorted([event(1, T0), { transaction_id: 2 }])).toEqual([2, 1]);
	});
});

describe('windowFor at its bounds', () => {
	test.each([
		['first poll, no backfill: the look-back', undefined, 0, { from: T0 - LOOKBACK, to: T0 }],
		['first poll, backfill longer than the look-back', undefined, 2 * LOOKBACK, { from: T0 - 2 * LOOKBACK, to: T0 }],
		['first poll, backfill shorter than the look-back', undefined, HOUR, { from: T0 - LOOKBACK, to: T0 }],
		['until - look-back, when after the horizon', site(T0 - HOUR, T0 - 2 * LOOKBACK), 0, { from: T0 - HOUR - LOOKBACK, to: T0 }],
		['the horizon, when after until - look-back', site(T0 - HOUR, T0 - 2 * HOUR), 0, { from: T0 - 2 * HOUR, to: T0 }],
		['until ahead of the clock: now - look-back', site(T0 + 2 * HOUR, T0 - 2 * LOOKBACK), 0, { from: T0 - LOOKBACK, to: T0 }],
		['a clock far behind: an empty window at the horizon', site(T0 + 3 * LOOKBACK, T0 + HOUR), 0, { from: T0 + HOUR, to: T0 + HOUR }],
	])('%s', (_name, previous, backfill, expected) => {
		expect(windowFor(previous, T0, LOOKBACK, backfill)).toEqual(expected);
	});
});

describe('advance: what is emitted and remembered, exactly', () => {
	const t1 = T0 + HOUR;
	const horizon1 = t1 - LOOKBACK;

	test('remembered starts at the new horizon are kept, one millisecond before are forgotten', () => {
		const previous = site(T0, T0 - LOOKBACK, [['at', horizon1], ['before', horizon1 - 1], ['later', T0]]);
		expect(advance(previous, [], windowFor(previous, t1, LOOKBACK, 0), t1, LOOKBACK)).toEqual({
			fresh: [],
			next: { until: t1, horizon: horizon1, seen: new Map([['at', horizon1], ['later', T0]]) },
			outside: 0,
		});
	});

	test('an ID forgotten by this poll (start before the new horizon) is still known in it', () => {
		const previous = site(T0, T0 - LOOKBACK, [['old', horizon1 - MINUTE]]);
		const result = advance(previous, [event('old', horizon1 - MINUTE)], windowFor(previous, t1, LOOKBACK, 0), t1, LOOKBACK);
		expect(result.fresh).toEqual([]);
		expect(result.next.seen).toEqual(new Map());
	});

	test('starts are remembered clamped into the window read; unparseable ones at its end; emitted oldest first', () => {
		const previous = site(T0, T0 - LOOKBACK);
		const window = { from: T0, to: t1 };
		const events = [
			event('q', T0 + 10 * MINUTE),
			event('p', T0 - 10 * MINUTE),
			event('r', T0 + 3 * HOUR),
			{ transaction_id: 's' },
			event('t', T0 - 2 * LOOKBACK),
		];
		expect(advance(previous, events, window, t1, LOOKBACK)).toEqual({
			fresh: [{ transaction_id: 's' }, event('p', T0 - 10 * MINUTE), event('q', T0 + 10 * MINUTE), event('r', T0 + 3 * HOUR)],
			next: {
				until: t1,
				horizon: horizon1,
				seen: new Map([['q', T0 + 10 * MINUTE], ['p', T0], ['r', t1], ['s', t1], ['t', T0]]),
			},
			outside: 1,
		});
	});

	test('one millisecond before the previous horizon is outside; at the new horizon it is remembered', () => {
		const previous = site(T0, T0 - LOOKBACK);
		const result = advance(previous, [event(1, T0 - LOOKBACK - 1), event(2, horizon1)], windowFor(previous, t1, LOOKBACK, 0), t1, LOOKBACK);
		expect(ids(result.fresh)).toEqual([2]);
		expect(result.outside).toBe(1);
		expect(result.next.seen).toEqual(new Map([['2', horizon1]]));
	});

	test('the same ID with different starts: emitted once (as first read), remembered at the latest start', () => {
		const previous = site(T0, T0 - LOOKBACK, [['known', T0]]);
		const window = windowFor(previous, t1, LOOKBACK, 0);
		const result = advance(previous, [event('x', T0 + MINUTE), event('x', T0 - MINUTE), event('y', T0 - MINUTE), event('y', T0 + MINUTE), event('known', T0 - MINUTE)], window, t1, LOOKBACK);
		expect(result.fresh).toEqual([event('y', T0 - MINUTE), event('x', T0 + MINUTE)]);
		expect(result.next.seen).toEqual(new Map([['known', T0], ['x', T0 + MINUTE], ['y', T0 + MINUTE]]));
		const later = advance(previous, [event('known', T0 + MINUTE)], window, t1, LOOKBACK);
		expect(later.fresh).toEqual([]);
		expect(later.next.seen).toEqual(new Map([['known', T0 + MINUTE]]));
	});

	test('events without a usable transaction ID are neither emitted, remembered nor counted', () => {
		const previous = site(T0, T0 - LOOKBACK);
		const odd = [{ start_time: new Date(T0).toISOString() }, { transaction_id: null, start_time: new Date(T0).toISOString() }, { transaction_id: true, start_time: new Date(T0 - 2 * LOOKBACK).toISOString() }];
		expect(advance(previous, odd, windowFor(previous, t1, LOOKBACK, 0), t1, LOOKBACK)).toEqual({
			fresh: [],
			next: { until: t1, horizon: horizon1, seen: new Map() },
			outside: 0,
		});
	});

	test('first poll with backfill: emitFirst is asked once per new ID, nothing is outside, only starts from the horizon on are remembered', () => {
		const window = windowFor(undefined, T0, LOOKBACK, 3 * LOOKBACK);
		const asked: unknown[] = [];
		const result = advance(undefined, [event(2, T0 - HOUR), event(1, T0 - 2 * LOOKBACK), event(2, T0 - HOUR)], window, T0, LOOKBACK, (e) => {
			asked.push(e.transaction_id);
			return true;
		});
		expect(asked).toEqual([2, 1]);
		expect(ids(result.fresh)).toEqual([1, 2]);
		expect(result.outside).toBe(0);
		expect(result.next).toEqual({ until: T0, horizon: T0 - LOOKBACK, seen: new Map([['2', T0 - HOUR]]) });
	});
});
