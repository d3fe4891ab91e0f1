import { operationList } from '../common.descriptions';
import type { Resource } from '../operation';
import * as customRequest from './customRequest.operation';
import * as ping from './ping.operation';

export const resource: Resource['resource'] = { name: 'API', value: 'api', description: 'Ping and custom signed requests' };

export const operations: Resource['operations'] = { customRequest, ping };

export const description: Resource['description'] = [
	operationList(
		'api',
		[
			{
				name: 'Custom Request',
				value: 'customRequest',
				description: 'Send any signed request to the ChargePilot API',
				action: 'Send a custom request',
			},
			{
				name: 'Ping',
				value: 'ping',
				description: 'Check that the ChargePilot API is reachable (GET /ping)',
				action: 'Ping the API',
			},
		],
		'ping',
	),
	...ping.description,
	...customRequest.description,
];
