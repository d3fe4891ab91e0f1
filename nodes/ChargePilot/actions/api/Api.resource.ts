import type { INodeProperties } from 'n8n-workflow';

import * as customRequest from './customRequest.operation';
import * as ping from './ping.operation';

export { customRequest, ping };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['api'] } },
		options: [
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
		default: 'ping',
	},
	...ping.description,
	...customRequest.description,
];
