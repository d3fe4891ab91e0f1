import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requestSettings } from '../../helpers/settings';
import { apiRequest } from '../../transport';
import { forOperation, requestOptionFields } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: requestOptionFields,
	},
];

export const description = forOperation('api', 'ping', properties);

/** GET /ping: the API's liveness answer plus the measured round trip. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const settings = requestSettings(this, itemIndex);
	const response = await apiRequest.call(this, {
		method: 'GET',
		path: '/ping',
		itemIndex,
		timeoutMs: settings.timeoutMs,
		retry: settings.retry,
	});
	const body = response.body;
	const json: IDataObject =
		body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as IDataObject) } : { result: body as IDataObject[keyof IDataObject] };
	json.latencyMs = response.latencyMs;
	return [json];
}
