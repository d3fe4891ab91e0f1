import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseDateTime, toIsoUtc } from '../../../client/dates';
import { DEFAULT_MAX_EVENTS, fetchOffsetPages, MAX_EVENTS_LIMIT, MAX_PAGE_SIZE } from '../../../client/paging';
import { sitePath } from '../../../client/sites';
import { itemParameter, runNode } from '../../helpers/parameters';
import { operationOptions, requestSettings } from '../../helpers/settings';
import { siteIdParameter } from '../../helpers/siteId';
import { inputError, limitParameter } from '../../helpers/validation';
import { forOperation, limit, optionsCollection, returnAll, siteLocator } from '../common.descriptions';
import type { Step } from '../operation';

export const MAX_SEARCH_TEXT = 100;
export const SORT_FIELDS = ['transaction_id', 'occurrence_time', 'start_time', 'stop_time', 'duration'];

const properties: INodeProperties[] = [
	siteLocator,
	{
		displayName: 'From',
		name: 'from',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'Start of the time window. Without an offset it is read in the workflow\'s timezone; sent as UTC.',
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'End of the time window; must be after From',
	},
	returnAll,
	limit,
	optionsCollection([
		{
			displayName: 'Fail When Truncated',
			name: 'failOnTruncated',
			type: 'boolean',
			default: false,
			description:
				'Whether to fail the item when ChargePilot reports the result as truncated, instead of returning what it sent with a warning',
		},
		{
			displayName: 'Max Events',
			name: 'maxEvents',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_EVENTS_LIMIT },
			default: DEFAULT_MAX_EVENTS,
			displayOptions: { show: { '/returnAll': [true] } },
			description:
				'With Return All: the most events one item may read. A window with more fails the item with what ChargePilot sent, instead of reading without end.',
		},
		{
			displayName: 'Page Size',
			name: 'pageSize',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_PAGE_SIZE },
			default: MAX_PAGE_SIZE,
			description: 'Events per request (take); the API allows at most 1000',
		},
		{
			displayName: 'Search Text',
			name: 'searchText',
			type: 'string',
			default: '',
			description: 'Free-text search over the events (at most 100 characters)',
		},
		{
			displayName: 'Sort Field',
			name: 'sortField',
			type: 'options',
			options: SORT_FIELDS.map((field) => ({ name: field, value: field })),
			default: 'start_time',
			description: 'Field to sort by',
		},
		{
			displayName: 'Sort Order',
			name: 'sortOrder',
			type: 'options',
			options: [
				{ name: 'Ascending', value: 'asc' },
				{ name: 'Descending', value: 'desc' },
			],
			default: 'asc',
		},
	]),
];

export const description = forOperation('chargingEvent', 'getAll', properties);

function dateParameter(context: IExecuteFunctions, itemIndex: number, name: string, label: string): number {
	const raw = itemParameter<unknown>(context, name, itemIndex, '');
	if (raw === '' || raw === undefined || raw === null) {
		throw inputError(context.getNode(), itemIndex, label, 'is empty', `Set ${label} to a date and time, e.g. 2026-01-01T00:00:00Z.`);
	}
	const ms = parseDateTime(raw, context.getTimezone());
	if (ms === undefined) {
		throw inputError(context.getNode(), itemIndex, label, `${JSON.stringify(raw)} is not a valid date and time`, 'Use ISO 8601, e.g. 2026-01-01T00:00:00Z, or pick a date in the field.');
	}
	return ms;
}

/** The query of GET /charging-events/site/{id}, validated; nothing is sent when it is wrong. */
function eventQuery(context: IExecuteFunctions, itemIndex: number): { query: IDataObject; pageSize: number; maxEvents: number; failOnTruncated: boolean } {
	const node = runNode(context);
	const from = dateParameter(context, itemIndex, 'from', 'From');
	const to = dateParameter(context, itemIndex, 'to', 'To');
	if (to <= from) {
		throw inputError(node, itemIndex, 'To', `${toIsoUtc(to)} is not after From (${toIsoUtc(from)})`, 'Set To to a later time than From.');
	}
	const options = operationOptions(context, itemIndex);
	const query: IDataObject = { from: toIsoUtc(from), to: toIsoUtc(to) };
	if (options.searchText !== undefined && typeof options.searchText !== 'string') {
		throw inputError(node, itemIndex, 'Search Text', `must be text, got ${typeof options.searchText}`, 'Enter the text to search for.');
	}
	const searchText = typeof options.searchText === 'string' ? options.searchText.trim() : '';
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f]/.test(searchText)) {
		throw inputError(node, itemIndex, 'Search Text', 'contains a line break or control character', 'Remove line breaks and tabs from the search text.');
	}
	if (searchText.length > MAX_SEARCH_TEXT) {
		throw inputError(node, itemIndex, 'Search Text', `has ${searchText.length} characters; ChargePilot allows at most ${MAX_SEARCH_TEXT}`, 'Shorten the search text.');
	}
	if (searchText) query.search_text = searchText;
	if (options.sortField !== undefined) {
		// The public guide's list of sort fields is not fully known: accept the listed ones and, from
		// an expression, any other field name ChargePilot may document.
		if (typeof options.sortField !== 'string' || !/^[a-z][a-z0-9_]{0,63}$/.test(options.sortField)) {
			throw inputError(node, itemIndex, 'Sort Field', `${JSON.stringify(options.sortField)} is not a field name`, `Choose one of: ${SORT_FIELDS.join(', ')}, or give a snake_case field name.`);
		}
		query.sort_field = options.sortField;
	}
	if (options.sortOrder !== undefined) {
		if (options.sortOrder !== 'asc' && options.sortOrder !== 'desc') {
			throw inputError(node, itemIndex, 'Sort Order', `"${options.sortOrder}" is not supported`, 'Choose asc or desc.');
		}
		query.sort_order = options.sortOrder;
	}
	const pageSize = options.pageSize === undefined ? MAX_PAGE_SIZE : Number(options.pageSize);
	if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
		throw inputError(node, itemIndex, 'Page Size', `must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${JSON.stringify(options.pageSize)}`, `Set Page Size between 1 and ${MAX_PAGE_SIZE}.`);
	}
	const maxEvents = options.maxEvents === undefined ? DEFAULT_MAX_EVENTS : Number(options.maxEvents);
	if (!Number.isInteger(maxEvents) || maxEvents < 1 || maxEvents > MAX_EVENTS_LIMIT) {
		throw inputError(node, itemIndex, 'Max Events', `must be a whole number from 1 to ${MAX_EVENTS_LIMIT}, got ${JSON.stringify(options.maxEvents)}`, `Set Max Events between 1 and ${MAX_EVENTS_LIMIT}.`);
	}
	return { query, pageSize, maxEvents, failOnTruncated: options.failOnTruncated === true };
}

/** GET /charging-events/site/{id}, paged with take/skip; one output item per event. */
export function prepare(this: IExecuteFunctions, itemIndex: number): Step {
	const siteId = siteIdParameter(this, itemIndex);
	const { query, pageSize, maxEvents, failOnTruncated } = eventQuery(this, itemIndex);
	const all = itemParameter<boolean>(this, 'returnAll', itemIndex, false);
	const max = all ? Infinity : limitParameter(runNode(this), itemIndex, itemParameter(this, 'limit', itemIndex, 50));
	const settings = requestSettings(this, itemIndex);

	return async () => {
		const result = await fetchOffsetPages.call(
			this,
			{ method: 'GET', path: sitePath('/charging-events/site', siteId), qs: query, itemIndex, settings },
			'charging_events',
			{ max, pageSize, maxItems: maxEvents },
		);

		if (result.inconsistency && typeof this.addExecutionHints === 'function') {
			this.addExecutionHints({
				message: `ChargePilot's answers for site ${siteId} contradict each other: ${result.inconsistency}. The events returned are the distinct ones it sent.`,
				type: 'warning',
				location: 'outputPane',
			});
		}
		if (result.truncated) {
			const text = `ChargePilot marked the charging events of site ${siteId} between ${query.from} and ${query.to} as truncated: it returned ${result.items.length} event(s) of ${result.count ?? 'an unknown number'}. Narrow the From/To window (for example one week per run) to get every event.`;
			if (failOnTruncated) {
				throw new NodeOperationError(this.getNode(), text, { itemIndex, description: 'Switch off "Fail When Truncated" to keep the partial result.' });
			}
			if (typeof this.addExecutionHints === 'function') {
				this.addExecutionHints({ message: text, type: 'warning', location: 'outputPane' });
			}
			return result.items.map((event) => ({ ...event, _truncated: true }));
		}
		return result.items;
	};
}
