/**
 * Reading a site's charging events (chargingEvents.ts) with a stand-in for the transport: the
 * request each page makes (path, window, query, take/skip, item and settings), the re-read in an
 * order without ties (asked for by transaction ID, refused with a 400, other failures kept as the
 * node's errors), what an error names, and the order events read in parts are put back into.
 * The engine suites (paging-attacks, answers) run the same code against the sandbox.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { collectChargingEvents, EVENTS_LIST_KEY, readChargingEvents, sortEvents } from '../../../../nodes/client/chargingEvents';
import type { ApiContext, ApiRequest, RequestSettings } from '../../../../nodes/client/transport';

type Answer = (request: ApiRequest) => unknown;
const mockAnswers: { answer: Answer; asked: ApiRequest[]; contexts: unknown[] } = { answer: () => ({}), asked: [], contexts: [] };
jest.mock('../../../../nodes/client/transport', () => ({
	...jest.requireActual('../../../../nodes/client/transport'),
	apiRequest: async function (this: unknown, request: ApiRequest) {
		mockAnswers.asked.push(request);
		mockAnswers.contexts.push(this);
		return { statusCode: 200, headers: {}, body: await mockAnswers.answer(request), attempts: 1, latencyMs: 1 };
	},
}));

const NODE: INode = { id: 'n1', name: 'ChargePilot', type: 'n8n-nodes-chargepilot.chargePilot', typeVersion: 1, position: [0, 0], parameters: {} };
const context = { getNode: () => NODE } as unknown as ApiContext;
const FROM = Date.parse('2026-03-01T00:00:00Z');
const TO = Date.parse('2026-03-02T00:00:00Z');
const SETTINGS: RequestSettings = { timeoutMs: 1234, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, retryNonIdempotent: false } };

const events = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ transaction_id: from + i }));

beforeEach(() => {
	mockAnswers.asked.length = 0;
	mockAnswers.contexts.length = 0;
});

async function failureOf(promise: Promise<unknown>): Promise<Error> {
	try {
		await promise;
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected the read to fail');
}

describe('the request of each page', () => {
	test('GET /charging-events/site/{id} with the window in UTC, the query, take and skip, the item and the settings', async () => {
		mockAnswers.answer = (request) => {
			const skip = Number(request.qs?.skip);
			return { [EVENTS_LIST_KEY]: events(skip, skip === 0 ? 1000 : 500), count: 1500 };
		};
		const result = await collectChargingEvents.call(
			context,
			{ siteId: 'site a-b', window: { from: FROM, to: TO + 500 }, qs: { search_text: 'x' }, settings: SETTINGS, itemIndex: 3 },
			{ limit: Infinity },
		);
		expect(result.items).toHaveLength(1500);
		expect(result.items.map((event) => event.transaction_id)).toEqual(events(0, 1500).map((event) => event.transaction_id));
		expect(result.incomplete).toBeUndefined();
		expect(mockAnswers.asked).toEqual([
			{ method: 'GET', path: '/charging-events/site/site%20a-b', qs: { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00.500Z', search_text: 'x', take: 1000, skip: 0 }, itemIndex: 3, settings: SETTINGS },
			{ method: 'GET', path: '/charging-events/site/site%20a-b', qs: { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00.500Z', search_text: 'x', take: 1000, skip: 1000 }, itemIndex: 3, settings: SETTINGS },
		]);
		// The node's own context makes the request (its credential, its helpers).
		expect(mockAnswers.contexts.every((asked) => asked === context)).toBe(true);
		// The query's order follows the window (from, to first; take and skip last).
		expect(Object.keys(mockAnswers.asked[0].qs ?? {})).toEqual(['from', 'to', 'search_text', 'take', 'skip']);
	});

	test('take and skip are the paging\'s, whatever the query holds', async () => {
		mockAnswers.answer = () => ({ [EVENTS_LIST_KEY]: events(0, 3), count: 3 });
		await collectChargingEvents.call(context, { siteId: 's1', window: { from: FROM, to: TO }, qs: { take: 5, skip: 9 } }, { limit: Infinity });
		expect(mockAnswers.asked[0].qs).toMatchObject({ take: 1000, skip: 0 });
	});

	test('a site ID that cannot be one path segment is refused before anything is sent', async () => {
		const error = await failureOf(collectChargingEvents.call(context, { siteId: '..', window: { from: FROM, to: TO } }, { limit: Infinity }));
		expect(error.message).toBe('Cannot build /charging-events/site/{id}: the ID ".." is a dot segment, not an ID');
		expect(mockAnswers.asked).toHaveLength(0);
	});

	test('readChargingEvents hands every event to the sink once, as pages arrive', async () => {
		mockAnswers.answer = (request) => {
			const skip = Number(request.qs?.skip);
			return { [EVENTS_LIST_KEY]: events(skip, Math.min(1000, 1200 - skip)), count: 1200 };
		};
		const pages: number[] = [];
		const result = await readChargingEvents.call(context, { siteId: 's1', window: { from: FROM, to: TO } }, { limit: Infinity }, (page) => pages.push(page.length));
		expect(pages).toEqual([1000, 200]);
		expect(result.received).toBe(1200);
		expect(result.requests).toBe(2);
	});
});

describe('an answer that is no list, or too many events: the error names the site and the item', () => {
	test('no charging_events list', async () => {
		mockAnswers.answer = () => ({ sites: [] });
		const error = await failureOf(collectChargingEvents.call(context, { siteId: 'site-berlin', window: { from: FROM, to: TO }, itemIndex: 4 }, { limit: Infinity }));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('ChargePilot answered site site-berlin without a "charging_events" list');
		expect((error as NodeApiError).description).toBe('Use Custom Request to see the raw answer: {"sites":[]}');
		expect((error as NodeApiError).context.itemIndex).toBe(4);
		// What n8n shows as the error's details carries the same message.
		expect((error as NodeApiError).errorResponse).toEqual({ message: error.message });
	});

	test('more than Max Events', async () => {
		mockAnswers.answer = (request) => ({ [EVENTS_LIST_KEY]: events(Number(request.qs?.skip), Number(request.qs?.take)), count: 1e9 });
		const error = await failureOf(collectChargingEvents.call(context, { siteId: 'site-berlin', window: { from: FROM, to: TO }, itemIndex: 1 }, { limit: Infinity, pageSize: 10, ceiling: 25 }));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('ChargePilot kept sending charging events for site site-berlin: more than 25 events (count 1000000000) after 3 pages');
		expect((error as NodeApiError).description).toMatch(/^The node stops at 25 events per request \(Options → Max Events\)\./);
		expect((error as NodeApiError).context.itemIndex).toBe(1);
	});
});

/**
 * A server holding `total` sessions that all start in the same second; its order of ties flips after
 * the first page (so the same sessions are lost on every read), except when asked to sort by
 * transaction ID: then `stable` decides (an answer, a refusal, or another failure).
 */
function flipping(total: number, stable: (request: ApiRequest) => unknown) {
	return (request: ApiRequest) => {
		const qs = request.qs ?? {};
		const skip = Number(qs.skip);
		const take = Number(qs.take);
		if (qs.sort_field === 'transaction_id') return stable(request);
		const ids = events(0, total);
		if (skip > 0) ids.reverse();
		return { [EVENTS_LIST_KEY]: ids.slice(skip, skip + take), count: total };
	};
}

function byTransactionId(total: number) {
	return (request: ApiRequest) => {
		const skip = Number(request.qs?.skip);
		return { [EVENTS_LIST_KEY]: events(0, total).slice(skip, skip + Number(request.qs?.take)), count: total };
	};
}

describe('the re-read in an order without ties', () => {
	const window = { from: FROM, to: FROM + 2000 };

	test('is asked for by transaction ID, ascending, with the rest of the query kept, and completes the read', async () => {
		mockAnswers.answer = flipping(1100, byTransactionId(1100));
		const result = await collectChargingEvents.call(context, { siteId: 's1', window, qs: { search_text: 'abc', sort_field: 'start_time', sort_order: 'desc' } }, { limit: Infinity });
		expect(result.incomplete).toBeUndefined();
		expect(new Set(result.items.map((event) => event.transaction_id)).size).toBe(1100);
		const stable = mockAnswers.asked.filter((request) => request.qs?.sort_field === 'transaction_id');
		expect(stable.length).toBeGreaterThan(0);
		expect(stable[0].qs).toEqual({ from: '2026-03-01T00:00:00Z', to: '2026-03-01T00:00:02Z', search_text: 'abc', sort_field: 'transaction_id', sort_order: 'asc', take: 1000, skip: 0 });
	});

	test('is not asked for when the read is already by transaction ID: the loss is reported', async () => {
		mockAnswers.answer = (request) => {
			const skip = Number(request.qs?.skip);
			// Ties that flip after the first page, also in this order (a server that ignores it).
			const ids = events(0, 1100);
			if (skip > 0) ids.reverse();
			return { [EVENTS_LIST_KEY]: ids.slice(skip, skip + Number(request.qs?.take)), count: 1100 };
		};
		const result = await collectChargingEvents.call(context, { siteId: 's1', window, qs: { sort_field: 'transaction_id', sort_order: 'desc' } }, { limit: Infinity });
		expect(result.incomplete).toMatch(/distinct events arrived of the 1100 ChargePilot counted.*cannot be split further/);
		expect(result.incomplete).not.toMatch(/refused/);
		expect(mockAnswers.asked.every((request) => request.qs?.sort_order === 'desc')).toBe(true);
	});

	test('a 400 to it is a refusal: the read is reported incomplete, saying ChargePilot refused the order', async () => {
		mockAnswers.answer = flipping(1100, () => {
			throw new NodeApiError(NODE, { message: 'sort_field must be one of start_time' }, { httpCode: '400' });
		});
		const result = await collectChargingEvents.call(context, { siteId: 's1', window }, { limit: Infinity });
		expect(result.incomplete).toMatch(/\(ChargePilot refused an order by transaction ID\)/);
		expect(result.items.length).toBeLessThan(1100);
	});

	test.each([
		['another NodeApiError (a 500) stays as it is', () => new NodeApiError(NODE, { message: 'boom' }, { httpCode: '500', message: 'ChargePilot answered 500' }), NodeApiError, 'ChargePilot answered 500'],
		['a NodeOperationError stays as it is', () => new NodeOperationError(NODE, 'refused by the credential'), NodeOperationError, 'refused by the credential'],
	])('%s', async (_name, make, type, message) => {
		const thrown = make();
		mockAnswers.answer = flipping(1100, () => {
			throw thrown;
		});
		const error = await failureOf(collectChargingEvents.call(context, { siteId: 's1', window }, { limit: Infinity }));
		expect(error).toBe(thrown);
		expect(error).toBeInstanceOf(type);
		expect(error.message).toBe(message);
	});

	test('any other failure becomes the node\'s NodeApiError', async () => {
		mockAnswers.answer = flipping(1100, () => {
			throw new Error('socket hang up');
		});
		const error = await failureOf(collectChargingEvents.call(context, { siteId: 's1', window }, { limit: Infinity }));
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).node).toBe(NODE);
	});
});

describe('sortEvents: events read in parts put back into the order asked for', () => {
	const ids = (list: IDataObject[]) => list.map((event) => event.transaction_id);

	test('dates by their instant, ascending and descending; ties by transaction ID ascending', () => {
		const list = [
			{ transaction_id: 4, start_time: '2026-03-01T10:00:00+02:00' }, // 08:00Z
			{ transaction_id: 2, start_time: '2026-03-01T09:00:00Z' },
			{ transaction_id: 3, start_time: '2026-03-01T08:30:00Z' },
			{ transaction_id: 1, start_time: '2026-03-01T08:00:00Z' },
		];
		expect(ids(sortEvents([...list], 'start_time', 'asc'))).toEqual([1, 4, 3, 2]);
		expect(ids(sortEvents([...list], 'start_time', 'desc'))).toEqual([2, 3, 1, 4]);
	});

	test('numbers by value (not as text)', () => {
		const list = [{ transaction_id: 1, energy: 10 }, { transaction_id: 2, energy: 9 }, { transaction_id: 3, energy: 100 }];
		expect(ids(sortEvents([...list], 'energy', 'asc'))).toEqual([2, 1, 3]);
		expect(ids(sortEvents([...list], 'energy', 'desc'))).toEqual([3, 1, 2]);
	});

	test('text that is not a date sorts as text; a date-like text that does not parse too', () => {
		const list = [{ transaction_id: 1, tag: 'b' }, { transaction_id: 2, tag: 'a' }, { transaction_id: 3, tag: 'c' }];
		expect(ids(sortEvents([...list], 'tag', 'asc'))).toEqual([2, 1, 3]);
		expect(ids(sortEvents([...list], 'tag', 'desc'))).toEqual([3, 1, 2]);
		const odd = [{ transaction_id: 1, t: '2026-13-99T99:00' }, { transaction_id: 2, t: '2026-01-01T00:00:00Z' }];
		// '2026-01…' < '2026-13…' as text; the first one is no instant, so both compare as text.
		expect(ids(sortEvents([...odd], 't', 'asc'))).toEqual([2, 1]);
	});

	test('only ISO timestamps are read as instants: other text that Date.parse would take ("9", "10") sorts as text', () => {
		const list = [{ transaction_id: 1, connector: '9' }, { transaction_id: 2, connector: '10' }];
		expect(ids(sortEvents([...list], 'connector', 'asc'))).toEqual([2, 1]);
	});

	test('a field that holds a number in one event and text in another sorts as text', () => {
		const list = [{ transaction_id: 1, slot: '9' }, { transaction_id: 2, slot: 10 }];
		expect(ids(sortEvents([...list], 'slot', 'asc'))).toEqual([2, 1]);
		expect(ids(sortEvents([...list], 'slot', 'desc'))).toEqual([1, 2]);
		// Whichever comes first in the input.
		expect(ids(sortEvents([list[1], list[0]], 'slot', 'asc'))).toEqual([2, 1]);
		expect(ids(sortEvents([list[1], list[0]], 'slot', 'desc'))).toEqual([1, 2]);
	});

	test('events without the field go last also after text that sorts late', () => {
		const list = [{ transaction_id: 1 }, { transaction_id: 2, tag: 'zz' }, { transaction_id: 3 }, { transaction_id: 4, tag: 'zzz' }];
		expect(ids(sortEvents([...list], 'tag', 'asc'))).toEqual([2, 4, 1, 3]);
		expect(ids(sortEvents([...list], 'tag', 'desc'))).toEqual([4, 2, 1, 3]);
	});

	test('events without the field go last, in either order, themselves by transaction ID', () => {
		const list = [{ transaction_id: 5 }, { transaction_id: 1, energy: 3 }, { transaction_id: 2, energy: null }, { transaction_id: 3, energy: 7 }, { transaction_id: 4 }];
		expect(ids(sortEvents([...list], 'energy', 'asc'))).toEqual([1, 3, 2, 4, 5]);
		expect(ids(sortEvents([...list], 'energy', 'desc'))).toEqual([3, 1, 2, 4, 5]);
	});

	test('ties by transaction ID ascending also in descending order, numbers and text IDs alike', () => {
		const list = [{ transaction_id: 10, s: 1 }, { transaction_id: 9, s: 1 }, { transaction_id: 11, s: 0 }];
		expect(ids(sortEvents([...list], 's', 'desc'))).toEqual([9, 10, 11]);
		const text = [{ transaction_id: 'b', s: 1 }, { transaction_id: 'a', s: 1 }];
		expect(ids(sortEvents([...text], 's', 'asc'))).toEqual(['a', 'b']);
	});

	test('sorts in place and returns the same array', () => {
		const list = [{ transaction_id: 2 }, { transaction_id: 1 }];
		expect(sortEvents(list, 'transaction_id', 'asc')).toBe(list);
		expect(ids(list)).toEqual([1, 2]);
	});
});
