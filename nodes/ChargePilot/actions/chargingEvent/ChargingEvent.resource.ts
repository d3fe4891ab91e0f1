import type { INodeProperties } from 'n8n-workflow';

import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['chargingEvent'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get the completed charging sessions of a site in a time window',
				action: 'Get many charging events',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
];
