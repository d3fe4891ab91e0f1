import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getAll from './getAll.operation';

export { get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['site'] } },
		options: [
			{ name: 'Get', value: 'get', description: 'Get a site with its controller and fuse tree', action: 'Get a site' },
			{ name: 'Get Many', value: 'getAll', description: 'List the sites your API key can read', action: 'Get many sites' },
		],
		default: 'getAll',
	},
	...get.description,
	...getAll.description,
];
