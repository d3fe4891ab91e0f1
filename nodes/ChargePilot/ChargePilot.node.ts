import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../../credentials/chargepilot';
import { searchSites } from '../client/siteLocator';
import { resources } from './actions/resources';
import { router } from './actions/router';
import { withToolProperties } from './actions/tool.descriptions';

/**
 * The node's properties, and those of n8n's generated "ChargePilot Tool" (for AI agents): a
 * Description written for a model per operation and a smaller Limit for charging events, shown
 * only in the tool (see tool.descriptions.ts for why they are not `usableAsTool.replacements`).
 */
const properties: INodeProperties[] = withToolProperties([
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: resources.map((entry) => entry.resource),
		default: 'api',
	},
	...resources.flatMap((entry) => entry.description),
]);

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
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
