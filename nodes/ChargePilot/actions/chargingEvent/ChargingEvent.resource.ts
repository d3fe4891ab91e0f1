import { operationList } from '../common.descriptions';
import type { Resource } from '../operation';
import * as getAll from './getAll.operation';
import * as summarize from './summarize.operation';

export const resource: Resource['resource'] = { name: 'Charging Event', value: 'chargingEvent' };

export const operations: Resource['operations'] = { getAll, summarize };

export const description: Resource['description'] = [
	operationList(
		'chargingEvent',
		[
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get the completed charging sessions of one site, several or all, in a period',
				action: 'Get many charging events',
			},
			{
				name: 'Summarize',
				value: 'summarize',
				description: 'Count sessions, energy (kWh) and hours per site, day, week, month, charger, connector or driver card',
				action: 'Summarize charging events',
			},
		],
		'getAll',
	),
	...getAll.description,
	...summarize.description,
];
