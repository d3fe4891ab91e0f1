import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { itemParameter } from '../../helpers/runCache';
import { requestSettings } from '../../helpers/settings';
import { siteIdParameter, sitePath } from '../../helpers/site';
import { simplifySite } from '../../helpers/sites';
import { apiRequest } from '../../transport';
import { forOperation, requestOptionFields, simplify, siteLocator } from '../common.descriptions';

const properties: INodeProperties[] = [
	siteLocator,
	simplify,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: requestOptionFields,
	},
];

export const description = forOperation('site', 'get', properties);

/** GET /sites/{id}. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const siteId = siteIdParameter(this, itemIndex);
	const settings = requestSettings(this, itemIndex);
	const response = await apiRequest.call(this, {
		method: 'GET',
		path: sitePath('/sites', siteId),
		itemIndex,
		timeoutMs: settings.timeoutMs,
		retry: settings.retry,
	});
	const site = response.body as IDataObject;
	return [itemParameter(this, 'simplify', itemIndex, true) ? simplifySite(site) : site];
}
