import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { itemParameter, runNode } from '../../helpers/runCache';
import { requestSettings } from '../../helpers/settings';
import { listFromResponse, simplifySite } from '../../helpers/sites';
import { limitParameter } from '../../helpers/validation';
import { apiRequest } from '../../transport';
import { forOperation, limit, requestOptionFields, returnAll, simplify } from '../common.descriptions';

const properties: INodeProperties[] = [
	returnAll,
	limit,
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

export const description = forOperation('site', 'getAll', properties);

/** GET /sites: every site the key can read (the API documents no paging for it). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const all = itemParameter<boolean>(this, 'returnAll', itemIndex, false);
	const max = all ? Infinity : limitParameter(runNode(this), itemIndex, itemParameter(this, 'limit', itemIndex, 50));
	const settings = requestSettings(this, itemIndex);
	const response = await apiRequest.call(this, {
		method: 'GET',
		path: '/sites',
		itemIndex,
		timeoutMs: settings.timeoutMs,
		retry: settings.retry,
	});
	const sites = listFromResponse(response.body, 'sites');
	if (!sites) {
		throw new NodeApiError(this.getNode(), { body: JSON.stringify(response.body).slice(0, 500) }, {
			message: 'ChargePilot answered GET /sites with something that is not a list of sites',
			description: 'Expected a JSON array, or an object holding one. Use Custom Request to see the raw answer.',
			itemIndex,
		});
	}
	const chosen = sites.slice(0, max);
	return itemParameter(this, 'simplify', itemIndex, true) ? chosen.map(simplifySite) : chosen;
}
