import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { isPlainObject } from '../helpers/validation';
import { apiRequest, type ApiContext, type ApiRequest } from './index';

/** The API's page size ceiling for `take`. */
export const MAX_PAGE_SIZE = 1000;

export interface OffsetPageResult {
	items: IDataObject[];
	/** Total matching records the API reported (the last page's `count`). */
	count: number | undefined;
	/** Whether any page said `truncated: true`. */
	truncated: boolean;
	pages: number;
	/** Other top-level fields of the last page, e.g. `dto_presence`. */
	extra: IDataObject;
}

/**
 * Offset paging with `take`/`skip` until `count` is reached, a short or empty page arrives, or
 * `max` items are collected. Never asks for more than it still needs.
 */
export async function fetchOffsetPages(
	this: ApiContext,
	request: ApiRequest,
	listKey: string,
	max: number,
	pageSize: number = MAX_PAGE_SIZE,
): Promise<OffsetPageResult> {
	const items: IDataObject[] = [];
	let skip = 0;
	let count: number | undefined;
	let truncated = false;
	let pages = 0;
	let extra: IDataObject = {};
	while (items.length < max) {
		const take = Math.min(pageSize, max - items.length);
		const response = await apiRequest.call(this, { ...request, qs: { ...request.qs, take, skip } });
		pages++;
		const body = response.body;
		const page = Array.isArray(body) ? body : isPlainObject(body) ? body[listKey] : undefined;
		if (!Array.isArray(page)) {
			throw new NodeApiError(this.getNode(), { body: JSON.stringify(body).slice(0, 500) }, {
				message: `ChargePilot answered ${request.path} without a "${listKey}" list`,
				description: 'Use Custom Request to see the raw answer.',
				itemIndex: request.itemIndex,
			});
		}
		if (isPlainObject(body)) {
			extra = { ...body };
			delete extra[listKey];
			if (typeof body.count === 'number') count = body.count;
			if (body.truncated === true) truncated = true;
		}
		for (const item of page as IDataObject[]) items.push(item);
		skip += page.length;
		if (page.length === 0 || page.length < take || (count !== undefined && skip >= count)) break;
	}
	return { items: items.length > max ? items.slice(0, max) : items, count, truncated, pages, extra };
}
