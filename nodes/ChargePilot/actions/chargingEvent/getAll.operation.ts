import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { collectChargingEvents, sortEvents } from '../../../client/chargingEvents';
import { toIsoUtc } from '../../../client/dates';
import { DEFAULT_MAX_EVENTS, MAX_EVENTS_LIMIT, MAX_PAGE_SIZE } from '../../../client/paging';
import { itemParameter, runNode } from '../../helpers/parameters';
import { operationOptions, requestSettings } from '../../helpers/settings';
import { siteIdParameter } from '../../helpers/siteId';
import { dateTimeValue, eventReadOptions, inputError, limitParameter, SORT_FIELDS } from '../../helpers/validation';
import { forOperation, limitWithToolDefault, optionsCollection, returnAll, siteLocator, toolDescription } from '../common.descriptions';
import type { Step } from '../operation';

/** Default Limit in tool use: 20 sessions fit a model's context (~9,000 characters). */
export const TOOL_EVENT_LIMIT = 20;

const properties: INodeProperties[] = [
	toolDescription(
		'Lists the completed EV charging sessions (charging events) of one site that started between From and To. Site: the site ID from the sites list. From and To: ISO 8601 date-times with an offset, e.g. 2026-11-01T00:00:00Z; To must be after From; keep the window to a few weeks. Returns one item per session with the fields ChargePilot sends: transaction_id, start_time, stop_time, duration (seconds), energy delivered in Wh where present (e.g. energy_wh), charger and connector IDs, id_tag. At most Limit sessions (default 20), so more sessions may exist: ask for a shorter window to see them all. An empty window returns {"results": 0, "message"}; a window ChargePilot does not deliver completely is marked with _incomplete. An unknown site comes back as an error with httpCode 404.',
	),
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
	...limitWithToolDefault(TOOL_EVENT_LIMIT),
	optionsCollection([
		{
			displayName: 'Fail When Incomplete',
			name: 'failOnTruncated',
			type: 'boolean',
			default: false,
			description:
				'Whether to fail the item when ChargePilot does not deliver every event of the window (it truncates or reorders its answers), even after the node read the window again in parts, instead of returning what arrived with a warning',
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

/**
 * GET /charging-events/site/{id} for the From/To window, every page; one output item per event.
 * A read the server leaves incomplete (truncated, capped pages, an unstable order) is read again in
 * parts by the paging mechanism; what still cannot be completed is said on the output (a warning,
 * and `_incomplete` on every event), or fails the item with Fail When Incomplete.
 */
export function prepare(this: IExecuteFunctions, itemIndex: number): Step {
	const node = runNode(this);
	const siteId = siteIdParameter(this, itemIndex);
	const timeZone = this.getTimezone();
	const from = dateTimeValue(node, itemIndex, 'From', itemParameter<unknown>(this, 'from', itemIndex, ''), timeZone);
	const to = dateTimeValue(node, itemIndex, 'To', itemParameter<unknown>(this, 'to', itemIndex, ''), timeZone);
	if (to <= from) {
		throw inputError(node, itemIndex, 'To', `${toIsoUtc(to)} is not after From (${toIsoUtc(from)})`, 'Set To to a later time than From.');
	}
	const options = operationOptions(this, itemIndex);
	const read = eventReadOptions(node, itemIndex, options);
	const returnsAll = itemParameter<boolean>(this, 'returnAll', itemIndex, false);
	const limitValue = returnsAll ? Infinity : limitParameter(node, itemIndex, itemParameter(this, 'limit', itemIndex, 50));
	const settings = requestSettings(this, itemIndex, options);

	return async () => {
		const result = await collectChargingEvents.call(
			this,
			{ siteId, window: { from, to }, qs: read.qs, settings, itemIndex },
			{ limit: limitValue, pageSize: read.pageSize, ceiling: read.maxEvents },
		);
		// Parts read one after the other come back in their own order: put them in the one asked for.
		const events = result.recovered || result.incomplete ? sortEvents(result.items, read.sortField, read.sortOrder) : result.items;
		const hint = (message: string, type: 'info' | 'warning') => {
			if (typeof this.addExecutionHints === 'function') this.addExecutionHints({ message, type, location: 'outputPane' });
		};
		const window = `between ${toIsoUtc(from)} and ${toIsoUtc(to)}`;
		if (result.recovered) {
			hint(`ChargePilot's first answer for site ${siteId} ${window} was incomplete (${result.recovered}): every event was read.`, 'info');
		}
		if (!result.incomplete) return events;
		const text = `ChargePilot did not deliver every charging event of site ${siteId} ${window}: ${result.incomplete}. ${events.length} event(s) returned. Narrow the From/To window (for example one week per run) to get every event.`;
		if (read.failOnIncomplete) {
			throw new NodeOperationError(this.getNode(), text, { itemIndex, description: 'Switch off "Fail When Incomplete" under Options to keep the partial result.' });
		}
		hint(text, 'warning');
		return events.map((event) => ({ ...event, _incomplete: true, ...(result.stillTruncated ? { _truncated: true } : {}) }));
	};
}
