import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { MAX_ANSWER_BYTES_LIMIT, MEGABYTE } from '../../client/answer';
import { siteLocator } from '../../client/siteLocator';

export { siteLocator };

/** Shows every property only for the given resource/operation, keeping their own conditions. */
export function forOperation(resource: string, operation: string, properties: INodeProperties[]): INodeProperties[] {
	const show: IDisplayOptions['show'] = { resource: [resource], operation: [operation] };
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, ...show },
		},
	}));
}

/** A resource's Operation list: shown for that resource only. */
export function operationList(resource: string, options: INodePropertyOptions[], defaultOperation: string): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options,
		default: defaultOperation,
	};
}

export const returnAll: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

export const limit: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { returnAll: [false] } },
};

/*
 * The node as an AI agent's tool ("ChargePilot Tool", which n8n makes from `usableAsTool`, also what
 * n8n's MCP Server Trigger serves). A model sees a tool's name, its description and the arguments
 * filled with `$fromAI()`; n8n's own description would only say "Get many charging events in
 * ChargePilot". So each operation declares, in its own properties, a description written for a model
 * (what it returns, IDs, units, time formats, limits) as the default of the tool's Description
 * parameter, which users may edit, and where it lists many results, the tool's own Limit.
 *
 * They are the node's own properties, shown only in the tool (`@tool` in their display options, as
 * n8n's HTTP Request node does), not `usableAsTool.replacements`: n8n applies replacements only to the
 * description its editor shows. The engine builds the tool from the node's own properties (n8n's
 * NodeTypes.getByNameAndVersion → convertNodeToAiTool, in 1.x and 2.x) and fills the defaults of
 * those, so a Description or Limit given as a replacement is shown to the user but never used: the
 * model was told "Get many sites in ChargePilot" and got 50 events (measured with n8n 2.41.1 and
 * 1.123.81, test/e2e/ai-agent.e2e.js). Because the node has a `toolDescription` property, n8n adds
 * no "Tool Description: Set Automatically" switch of its own.
 */

/** Display options shown only in the tool (`true`) or only in the node (`false`). */
function onlyInTool(displayOptions: IDisplayOptions | undefined, tool: boolean): IDisplayOptions {
	return { ...displayOptions, show: { ...displayOptions?.show, '@tool': [tool] } };
}

/** The operation's Description for a model, shown only in the tool; put it first in the operation's properties. */
export function toolDescription(text: string): INodeProperties {
	return {
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 3 },
		default: text,
		required: true,
		description: 'What the AI model is told this tool does. The default says what it returns and which formats it expects; adjust it to your use.',
		displayOptions: onlyInTool(undefined, true),
	};
}

/**
 * The Limit of an operation that lists many results: the node's (default 50), and in the tool one of
 * its own with a default that fits a model's context.
 */
export function limitWithToolDefault(toolDefault: number): INodeProperties[] {
	return [
		{ ...limit, displayOptions: onlyInTool(limit.displayOptions, false) },
		{ ...limit, default: toolDefault, displayOptions: onlyInTool(limit.displayOptions, true) },
	];
}

export const simplify: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description:
		'Whether to return a flat summary (ID, name, timezone, controller, number of charging points) instead of the full site with its fuse tree',
};

/** Options every operation offers: timeout, retries and parallel requests. */
export const requestOptionFields: INodeProperties[] = [
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 32 },
		default: 4,
		description:
			'Max number of input items processed in parallel. Output order and item pairing are kept. Lower it if ChargePilot answers 429.',
	},
	{
		displayName: 'Retry Attempts',
		name: 'maxAttempts',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 10 },
		default: 4,
		description:
			'Total attempts per request, the first included (1 = no retry). 429, 502, 503, 504, connection resets and timeouts are retried with exponential backoff.',
	},
	{
		displayName: 'Max Retry Wait (Seconds)',
		name: 'maxRetryWait',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 300 },
		default: 30,
		description: 'Longest single wait between attempts, also when the API asks for more with Retry-After',
	},
	{
		displayName: 'Timeout (Ms)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60000,
		description: 'How long one attempt may take, the whole answer included, before it fails',
	},
	{
		displayName: 'Max Answer Size (MB)',
		name: 'maxAnswerSize',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_ANSWER_BYTES_LIMIT / MEGABYTE },
		// DEFAULT_MAX_ANSWER_BYTES in MB (n8n's lint wants a literal; a test holds the two together).
		default: 16,
		description:
			'Largest answer one request may bring (a page of 1,000 charging events is about 1 MB). A larger one fails the attempt as soon as it passes the limit, instead of filling memory.',
	},
];

/**
 * The Options collection of an operation (every operation names it `options`): the operation's
 * own options first, then the request options every operation offers.
 */
export function optionsCollection(own: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [...own, ...requestOptionFields],
	};
}
