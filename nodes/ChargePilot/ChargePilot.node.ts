import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../../credentials/chargepilot';
import { getSites, searchSites } from '../client/siteLocator';
import { resources } from './actions/resources';
import { router } from './actions/router';

/**
 * The ChargePilot action node: its description (Resource, then each resource's Operation list and
 * the operations' own parameters, including what each shows only as an AI tool: see
 * common.descriptions.ts `toolDescription`), the site list search, and `execute`, which the router
 * runs. Every resource and operation comes from the one table in actions/resources.ts.
 */
const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: resources.map((entry) => entry.resource),
		default: 'api',
	},
	...resources.flatMap((entry) => entry.description),
];

export class ChargePilot implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ChargePilot',
		name: 'chargePilot',
		icon: { light: 'file:../../icons/chargepilot.svg', dark: 'file:../../icons/chargepilot.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Read EV charging sites and charging sessions from ChargePilot (The Mobility House)',
		defaults: { name: 'ChargePilot' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties,
	};

	methods = {
		listSearch: { searchSites },
		loadOptions: { getSites },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
