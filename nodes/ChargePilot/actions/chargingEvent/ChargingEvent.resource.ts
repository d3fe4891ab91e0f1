import { operationList } from '../common.descriptions';
import type { Resource } from '../operation';
import * as getAll from './getAll.operation';

export const resource: Resource['resource'] = { name: 'Charging Event', value: 'chargingEvent' };

export const operations: Resource['operations'] = { getAll };

export const description: Resource['description'] = [
	operationList(
		'chargingEvent',
		[
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get the completed charging sessions of a site in a time window',
				action: 'Get many charging events',
			},
		],
		'getAll',
	),
	...getAll.description,
];
