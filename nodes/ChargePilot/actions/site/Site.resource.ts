import { operationList } from '../common.descriptions';
import type { Resource } from '../operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const resource: Resource['resource'] = { name: 'Site', value: 'site' };

export const operations: Resource['operations'] = { get, getAll };

export const description: Resource['description'] = [
	operationList(
		'site',
		[
			{ name: 'Get', value: 'get', description: 'Get a site with its controller and fuse tree', action: 'Get a site' },
			{ name: 'Get Many', value: 'getAll', description: 'List the sites your API key can read', action: 'Get many sites' },
		],
		'getAll',
	),
	...get.description,
	...getAll.description,
];
