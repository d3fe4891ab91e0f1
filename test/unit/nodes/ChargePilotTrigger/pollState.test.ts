/**
 * The polling trigger's memory on its own: which events are new, what is remembered and for how
 * long, and that neither a clock stepping back nor odd IDs can make an event come out twice.
 */
import type { IDataObject } from 'n8n-workflow';

import { advance, readState, windowFor, writeState, type SiteState } from '../../../../nodes/ChargePilotTrigger/pollState';

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
