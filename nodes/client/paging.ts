import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { isPlainObject } from '../../credentials/chargepilot';
import { apiRequest, type ApiContext, type ApiRequest } from './transport';

/** The API's page size ceiling for `take`. */
export const MAX_PAGE_SIZE = 1000;
/** Default ceiling on the events one paged read may collect (Return All), whatever the server says. */
export const DEFAULT_MAX_EVENTS = 100_000;
/** The highest ceiling a user may set. */
export const MAX_EVENTS_LIMIT = 1_000_000;

export interface OffsetPageResult {
	items: IDataObject[];
	/** Total matching records the API reported (the last page's `count`). */
	count: number | undefined;
	/** Whether any page said `truncated: true`. */
	truncated: boolean;
	pages: number;
	/** Other top-level fields of the last page, e.g. `dto_presence`. */
	extra: IDataObject;
	/**
	 * Set when the server contradicted itself and paging stopped early: a page brought nothing that
	 * an earlier page had not already brought, although `count` promised more. Says what it did.
	 */
	inconsistency?: string;
	/** Events a later page repeated (same ID as an earlier one); dropped from `items`. */
	duplicates: number;
}

export interface PagingLimits {
	/** Stop after this many items (Limit), without an error. */
	max: number;
	pageSize?: number;
	/**
	 * Ceiling for Return All: the read fails with an error naming what the server did when it
	 * would need more than this many items (a server that never stops must not exhaust memory).
	 */
	maxItems?: number;
	/** The identity of an item, to tell new items from repeated ones (default: `transaction_id`). */
	keyOf?: (item: IDataObject) => string | undefined;
}

function defaultKey(item: IDataObject): string | undefined {
	const id = item?.transaction_id;
	return typeof id === 'number' || typeof id === 'string' ? String(id) : undefined;
}

/**
 * Offset paging with `take`/`skip`. Every loop ends:
 * - a short page (fewer than `take`), an empty page, or `skip` reaching `count` ends it normally;
 * - `max` items (Limit) end it normally;
 * - a page that brings no item not already seen on an earlier page ends it (a server that ignores
 *   `skip` would otherwise be asked forever); if `count` promised more, `inconsistency` says so;
 * - more than `maxItems` items, or more pages than `maxItems` could fill, fail with a NodeApiError
 *   saying what the server did (e.g. `count: 1000000000000`).
 * Items a later page repeats (offsets shift while sessions are added) are dropped, so every item
 * is returned once.
 */
export async function fetchOffsetPages(
	this: ApiContext,
	request: ApiRequest,
	listKey: string,
	limits: PagingLimits,
): Promise<OffsetPageResult> {
	const node = this.getNode();
	return await pageThrough(
		async (take, skip) => (await apiRequest.call(this, { ...request, qs: { ...request.qs, take, skip } })).body,
		listKey,
		limits,
		(message, description) => new NodeApiError(node, { message }, { message, description, itemIndex: request.itemIndex }),
		request.path,
	);
}

/**
 * The paging loop itself, over any `fetchPage(take, skip)` that resolves with a page's body: pure
 * apart from what fetchPage does, so its endings are unit-tested without a server.
 */
export async function pageThrough(
	fetchPage: (take: number, skip: number) => Promise<unknown>,
	listKey: string,
	limits: PagingLimits,
	makeError: (message: string, description: string) => Error = (message) => new Error(message),
	what = 'the charging events',
): Promise<OffsetPageResult> {
	const { max } = limits;
	const pageSize = limits.pageSize ?? MAX_PAGE_SIZE;
	const maxItems = Math.min(limits.maxItems ?? DEFAULT_MAX_EVENTS, MAX_EVENTS_LIMIT);
	const keyOf = limits.keyOf ?? defaultKey;
	const maxPages = Math.ceil(maxItems / pageSize) + 1;
	const items: IDataObject[] = [];
	const seen = new Set<string>();
	let skip = 0;
	let count: number | undefined;
	let truncated = false;
	let pages = 0;
	let duplicates = 0;
	let extra: IDataObject = {};
	let inconsistency: string | undefined;
	const fail = (detail: string) =>
		makeError(
			`ChargePilot kept sending charging events for ${what}: ${detail}`,
			`The node stops at ${maxItems} events per request (Options → Max Events). Narrow the From/To window, or raise Max Events if the window really holds that many.`,
		);

	while (items.length < max) {
		if (pages >= maxPages) throw fail(`${pages} pages and ${items.length} events so far, and no end in sight (count ${String(count)})`);
		const take = Math.min(pageSize, max - items.length);
		const body = await fetchPage(take, skip);
		pages++;
		const page: unknown = Array.isArray(body) ? body : isPlainObject(body) ? body[listKey] : undefined;
		if (!Array.isArray(page)) {
			throw makeError(`ChargePilot answered ${what} without a "${listKey}" list`, `Use Custom Request to see the raw answer: ${JSON.stringify(body ?? null).slice(0, 200)}`);
		}
		if (isPlainObject(body)) {
			extra = { ...(body as IDataObject) };
			delete extra[listKey];
			if (typeof body.count === 'number' && Number.isFinite(body.count)) count = body.count;
			if (body.truncated === true) truncated = true;
		}
		let fresh = 0;
		for (const item of page as IDataObject[]) {
			const key = isPlainObject(item) ? keyOf(item as IDataObject) : undefined;
			if (key !== undefined) {
				if (seen.has(key)) {
					duplicates++;
					continue;
				}
				seen.add(key);
			}
			fresh++;
			if (items.length >= maxItems) {
				throw fail(`more than ${maxItems} events (count ${String(count)}) after ${pages} pages`);
			}
			items.push(item);
		}
		skip += page.length;
		if (page.length === 0 || page.length < take || (count !== undefined && skip >= count)) break;
		if (fresh === 0) {
			if (count !== undefined && items.length < count) {
				inconsistency = `page ${pages} (skip ${skip - page.length}) repeated only events already received, although count says ${count}; paging stopped with ${items.length} events`;
			}
			break;
		}
	}
	return { items: items.length > max ? items.slice(0, max) : items, count, truncated, pages, extra, inconsistency, duplicates };
}
