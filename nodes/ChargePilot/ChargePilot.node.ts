import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../../credentials/chargepilot/constants';
import * as api from './actions/api/Api.resource';
import * as chargingEvent from './actions/chargingEvent/ChargingEvent.resource';
import { router } from './actions/router';
import * as site from './actions/site/Site.resource';
import { searchSites } from './methods/listSearch';

export class ChargePilot implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ChargePilot',
		name: 'chargePilot',
		icon: { light: 'file:chargepilot.svg', dark: 'file:chargepilot.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Read EV charging sites and charging sessions from ChargePilot (The Mobility House)',
		defaults: { name: 'ChargePilot' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'API', value: 'api', description: 'Ping and custom signed requests' },
					{ name: 'Charging Event', value: 'chargingEvent' },
					{ name: 'Site', value: 'site' },
				],
				default: 'api',
			},
			...api.description,
			...site.description,
			...chargingEvent.description,
		],
	};

	methods = {
		listSearch: { searchSites },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
