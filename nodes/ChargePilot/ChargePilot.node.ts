import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeBaseDescription, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../../credentials/chargepilot';
import { searchSites } from '../client/siteLocator';
import { resources } from './actions/resources';
import { router } from './actions/router';
import { toolProperties } from './actions/tool.descriptions';

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

/**
 * What n8n's generated "ChargePilot Tool" (for AI agents) replaces in this description: its
 * properties, with a description written for a model per operation (see tool.descriptions.ts).
 * n8n spreads these over a copy of the description; `properties` is not in the declared type.
 */
const toolReplacements = { properties: toolProperties(properties) } as unknown as Partial<Omit<INodeTypeBaseDescription, 'usableAsTool'>>;

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
		usableAsTool: { replacements: toolReplacements },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties,
	};

	methods = {
		listSearch: { searchSites },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
