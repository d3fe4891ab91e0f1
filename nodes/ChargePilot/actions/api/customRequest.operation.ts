import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, INodeProperties } from 'n8n-workflow';

import { isPlainObject } from '../../../../credentials/chargepilot';
import { apiRequest } from '../../../client/transport';
import { itemParameter, runNode } from '../../helpers/parameters';
import { operationOptions, requestSettings } from '../../helpers/settings';
import {
	checkTargetLength,
	headersFromPairs,
	inputError,
	parseJson,
	queryFromPairs,
	validatePath,
	validateQueryObject,
} from '../../helpers/validation';
import { forOperation, optionsCollection, toolDescription } from '../common.descriptions';
import type { Step } from '../operation';

const METHODS_WITH_BODY = ['POST', 'PUT', 'PATCH', 'DELETE'];
/** Larger bodies are refused before sending: no ChargePilot endpoint takes anything near this. */
export const MAX_BODY_BYTES = 1024 * 1024;

const properties: INodeProperties[] = [
	toolDescription(
		'Sends one signed request to the ChargePilot REST API (The Mobility House) and returns its JSON answer. The path is relative to /rest/v1, e.g. /sites, /sites/{siteId} (one site with its fuse tree) or /charging-events/site/{siteId}?from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z (times in ISO 8601 with an offset; take at most 1000, skip for paging; energy_wh in Wh). Errors come back as {"error", "description", "httpCode"}.',
	),
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		options: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((method) => ({ name: method, value: method })),
		default: 'GET',
		description: 'The HTTP method',
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		default: '/sites',
		required: true,
		placeholder: '/sites',
		description: 'Path relative to the base URL, e.g. /sites or /charging-events/site/{ID}. It may carry a query string.',
	},
	{
		displayName: 'Send Query Parameters',
		name: 'sendQuery',
		type: 'boolean',
		default: false,
		description: 'Whether to add query parameters to the path',
	},
	{
		displayName: 'Specify Query Parameters',
		name: 'specifyQuery',
		type: 'options',
		displayOptions: { show: { sendQuery: [true] } },
		options: [
			{ name: 'Using Fields Below', value: 'keypair' },
			{ name: 'Using JSON', value: 'json' },
		],
		default: 'keypair',
	},
	{
		displayName: 'Query Parameters',
		name: 'queryParameters',
		type: 'fixedCollection',
		displayOptions: { show: { sendQuery: [true], specifyQuery: ['keypair'] } },
		typeOptions: { multipleValues: true },
		placeholder: 'Add parameter',
		default: { parameters: [{ name: '', value: '' }] },
		options: [
			{
				name: 'parameters',
				displayName: 'Parameter',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'JSON',
		name: 'jsonQuery',
		type: 'json',
		displayOptions: { show: { sendQuery: [true], specifyQuery: ['json'] } },
		default: '{}',
		description: 'Query parameters as a JSON object; arrays are sent as repeated names',
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'json',
		displayOptions: { show: { method: METHODS_WITH_BODY } },
		default: '',
		description: 'JSON body to send; leave empty to send none. Sent compact, exactly as signed.',
	},
	optionsCollection([
		{
			displayName: 'Full Response',
			name: 'fullResponse',
			type: 'boolean',
			default: false,
			description: 'Whether to return the status code and headers as well as the body',
		},
		{
			displayName: 'Headers',
			name: 'headers',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add header',
			default: {},
			options: [
				{
					name: 'header',
					displayName: 'Header',
					values: [
						{ displayName: 'Name', name: 'name', type: 'string', default: '' },
						{ displayName: 'Value', name: 'value', type: 'string', default: '' },
					],
				},
			],
		},
		{
			displayName: 'Retry POST and PATCH',
			name: 'retryNonIdempotent',
			type: 'boolean',
			default: false,
			description:
				'Whether to retry POST and PATCH also when the request may have reached ChargePilot (5xx, reset, timeout). Off by default so nothing is done twice; 429 and refused connections are always retried.',
		},
		{
			displayName: 'Split Into Items',
			name: 'splitArray',
			type: 'boolean',
			default: false,
			description: 'Whether to output one item per element when the response is a JSON array',
		},
	]),
];

export const description = forOperation('api', 'customRequest', properties);

function readQuery(context: IExecuteFunctions, itemIndex: number): IDataObject {
	if (!itemParameter(context, 'sendQuery', itemIndex, false)) return {};
	const node = runNode(context);
	if (itemParameter(context, 'specifyQuery', itemIndex, 'keypair') === 'json') {
		const parsed = parseJson(node, itemIndex, itemParameter(context, 'jsonQuery', itemIndex, '{}'), 'Query Parameters JSON');
		return validateQueryObject(node, itemIndex, parsed, 'Query Parameters JSON');
	}
	const collection = itemParameter<IDataObject>(context, 'queryParameters', itemIndex, {});
	const pairs = (collection.parameters ?? []) as Array<{ name?: unknown; value?: unknown }>;
	// The default row is one empty pair: treat an untouched empty row as "no parameters".
	const used = pairs.filter((pair) => !(pair.name === '' && (pair.value === '' || pair.value === undefined)));
	return queryFromPairs(node, itemIndex, used, 'Query Parameters');
}

function readBody(context: IExecuteFunctions, itemIndex: number, method: string): unknown {
	if (!METHODS_WITH_BODY.includes(method)) return undefined;
	const raw = itemParameter(context, 'body', itemIndex, '');
	if (typeof raw === 'string' && Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES * 4) throw tooLarge(context, itemIndex, Buffer.byteLength(raw, 'utf8'));
	const body = parseJson(runNode(context), itemIndex, raw, 'Body');
	if (body === undefined) return undefined;
	// Serialise here, once: compact JSON of whatever the user gave ("text" stays a JSON string).
	const text = JSON.stringify(body);
	if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) throw tooLarge(context, itemIndex, Buffer.byteLength(text, 'utf8'));
	return text;
}

function tooLarge(context: IExecuteFunctions, itemIndex: number, bytes: number) {
	return inputError(
		context.getNode(),
		itemIndex,
		'Body',
		`is ${bytes} bytes; the node sends at most ${MAX_BODY_BYTES} bytes (1 MiB)`,
		'Send less data per request, e.g. split the items over several requests.',
	);
}

function toItems(body: unknown, split: boolean): IDataObject[] {
	if (Array.isArray(body)) {
		if (split) return body.map((element) => (isPlainObject(element) ? (element as IDataObject) : { value: element as IDataObject[keyof IDataObject] }));
		return [{ data: body as IDataObject[] }];
	}
	if (isPlainObject(body)) return [body as IDataObject];
	if (body === undefined || body === null || body === '') return [{ success: true }];
	return [{ data: body as IDataObject[keyof IDataObject] }];
}

/**
 * Any signed request: method, path, query, JSON body, extra headers. Reads and checks every
 * parameter now (so the router can do it for the next item while this one is on the wire) and
 * returns the step that sends the request.
 */
export function prepare(this: IExecuteFunctions, itemIndex: number): Step {
	const node = runNode(this);
	const method = String(itemParameter(this, 'method', itemIndex, 'GET')).toUpperCase();
	if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) {
		throw inputError(node, itemIndex, 'Method', `"${method}" is not supported`, 'Choose GET, POST, PUT, PATCH or DELETE.');
	}
	const path = validatePath(node, itemIndex, itemParameter(this, 'path', itemIndex, ''));
	const qs = readQuery(this, itemIndex);
	checkTargetLength(node, itemIndex, path, qs);
	const body = readBody(this, itemIndex, method);
	const options = operationOptions(this, itemIndex);
	const headerPairs = ((options.headers as IDataObject | undefined)?.header ?? []) as Array<{ name?: unknown; value?: unknown }>;
	const headers = headersFromPairs(node, itemIndex, headerPairs);
	const settings = requestSettings(this, itemIndex, options);

	return async () => {
		const response = await apiRequest.call(this, {
			method: method as IHttpRequestMethods,
			path,
			qs,
			body,
			headers: Object.keys(headers).length ? headers : undefined,
			itemIndex,
			settings,
		});
		if (options.fullResponse === true) {
			return [{ statusCode: response.statusCode, headers: response.headers, body: response.body as IDataObject }];
		}
		return toItems(response.body, options.splitArray === true);
	};
}
