/**
 * Reading a site's charging events (`GET /charging-events/site/{id}`) for a time window: the
 * request of one page, handed to the paging mechanism (`paging.ts`), which reads the window
 * completely or says what is missing. The node's Get Many and Summarize and the polling trigger
 * all read events through here.
 */
import type { IDataObject, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { toIsoUtc } from './dates';
import { readWindow, type ItemSink, type PagingLimits, type Window, type WindowRead } from './paging';
import { sitePath } from './sites';
import { apiRequest, type ApiContext, type RequestSettings } from './transport';

export const EVENTS_LIST_KEY = 'charging_events';

/** An order without ties: transaction IDs are unique. */
const STABLE_ORDER: IDataObject = { sort_field: 'transaction_id', sort_order: 'asc' };

export interface EventsRequest {
	siteId: string;
	window: Window;
	/** More query parameters, sent after from/to: search_text, sort_field, sort_order. */
	qs?: IDataObject;
	settings?: RequestSettings;
	itemIndex?: number;
}

/** Every charging event of a site in the window, each handed to `sink` once, as pages arrive. */
export async function readChargingEvents(this: ApiContext, request: EventsRequest, limits: PagingLimits, sink: ItemSink): Promise<WindowRead> {
	const node = this.getNode();
	const path = sitePath('/charging-events/site', request.siteId);
	const page = async (window: Window, qs: IDataObject | undefined, take: number, skip: number) =>
		(
			await apiRequest.call(this, {
				method: 'GET',
				path,
				qs: { from: toIsoUtc(window.from), to: toIsoUtc(window.to), ...qs, take, skip },
				itemIndex: request.itemIndex,
				settings: request.settings,
			})
		).body;
	return await readWindow(
		{
			fetchPage: async (window, take, skip) => await page(window, request.qs, take, skip),
			// Sessions that share a start second are told apart by their transaction ID, which is unique.
			fetchPageStable:
				request.qs?.sort_field === 'transaction_id'
					? undefined
					: async (window, take, skip) => {
							try {
								return await page(window, { ...request.qs, ...STABLE_ORDER }, take, skip);
							} catch (error) {
								// A server that does not sort by transaction_id says so with a 400: no stable order then.
								if ((error as { httpCode?: unknown }).httpCode === '400') return undefined;
								throw error instanceof NodeApiError || error instanceof NodeOperationError ? error : new NodeApiError(node, error as JsonObject);
							}
						},
			listKey: EVENTS_LIST_KEY,
			what: `site ${request.siteId}`,
			makeError: (message, description) => new NodeApiError(node, { message }, { message, description, itemIndex: request.itemIndex }),
		},
		request.window,
		limits,
		sink,
	);
}

/** The same, collected into an array (in the order the pages brought them). */
export async function collectChargingEvents(
	this: ApiContext,
	request: EventsRequest,
	limits: PagingLimits,
): Promise<WindowRead & { items: IDataObject[] }> {
	const items: IDataObject[] = [];
	const result = await readChargingEvents.call(this, request, limits, (page) => {
		for (const event of page) items.push(event);
	});
	return { ...result, items };
}

function sortValue(event: IDataObject, field: string): number | string | undefined {
	const value = event[field];
	if (typeof value === 'number') return value;
	if (typeof value !== 'string') return undefined;
	if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
		const ms = Date.parse(value);
		if (!Number.isNaN(ms)) return ms;
	}
	return value;
}

function compareValues(a: number | string | undefined, b: number | string | undefined): number {
	if (a === b) return 0;
	if (a === undefined) return 1;
	if (b === undefined) return -1;
	if (typeof a === 'number' && typeof b === 'number') return a - b;
	return String(a).localeCompare(String(b));
}

/**
 * Events read in several parts put back into the order asked for (the server sorts each part; the
 * parts overlap and follow each other in time): by `field` (dates by their instant, numbers by value)
 * in `order`, ties by transaction ID ascending, as the server breaks them. Events without the field
 * go last. Sorts in place and returns the array.
 */
export function sortEvents(events: IDataObject[], field: string, order: 'asc' | 'desc'): IDataObject[] {
	const direction = order === 'desc' ? -1 : 1;
	return events.sort((a, b) => {
		const first = sortValue(a, field);
		const second = sortValue(b, field);
		const byField = first === undefined || second === undefined ? compareValues(first, second) : direction * compareValues(first, second);
		return byField || compareValues(sortValue(a, 'transaction_id'), sortValue(b, 'transaction_id'));
	});
}
