import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { collectChargingEvents, sortEvents } from '../../../client/chargingEvents';
import { toIsoUtc } from '../../../client/dates';
import { withLocalFields } from '../../../client/eventFields';
import { itemParameter, runNode } from '../../helpers/parameters';
import { concurrencySetting, operationOptions, requestSettings } from '../../helpers/settings';
import { keepsGoingOnFailure } from '../../helpers/toolCaller';
import { eventReadOptions, limitParameter, SORT_FIELDS } from '../../helpers/validation';
import { forOperation, limitWithToolDefault, optionsCollection, returnAll, toolDescription } from '../common.descriptions';
import type { Step } from '../operation';
import {
	eachSite,
	energyHint,
	failWhenIncomplete,
	maxEvents,
	pageSize,
	periodFields,
	planSites,
	readSelection,
	searchText,
	selectionOptions,
	selectionProperties,
	siteError,
	siteFields,
	type SitePlan,
} from './selection';

/** Default Limit in tool use: 20 sessions fit a model's context (~9,000 characters). */
export const TOOL_EVENT_LIMIT = 20;

const properties: INodeProperties[] = [
	toolDescription(
		'Lists the completed EV charging sessions (charging events) of one site that started between From and To. Site: the site ID from the sites list. From and To: ISO 8601 date-times with an offset, e.g. 2026-11-01T00:00:00Z; To must be after From; keep the window to a few weeks. Returns one item per session with the fields ChargePilot sends: transaction_id, start_time, stop_time, duration (seconds), energy delivered in Wh where present (e.g. energy_wh), charger and connector IDs, id_tag. At most Limit sessions (default 20), so more sessions may exist: ask for a shorter window to see them all. For totals (sessions, kWh, hours per site, day or driver card) use the Summarize tool instead: it answers in a few lines. An empty window returns {"results": 0, "message"}; a window ChargePilot does not deliver completely is marked with _incomplete. An unknown site comes back as an error with httpCode 404.',
	),
	...selectionProperties,
	returnAll,
	...limitWithToolDefault(TOOL_EVENT_LIMIT),
	optionsCollection([
		{
			displayName: 'Add Local Times, kWh and Minutes',
			name: 'addLocalFields',
			type: 'boolean',
			default: false,
			description:
				"Whether to add start_time_local and stop_time_local (ISO 8601 with the site's offset), energy_kwh and duration_minutes to every event",
		},
		...selectionOptions,
		failWhenIncomplete,
		maxEvents(
			'With Return All: the most events one site may bring. A window with more fails the item with what ChargePilot sent, instead of reading without end.',
			{ show: { '/returnAll': [true] } },
		),
		pageSize,
		searchText,
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
 * GET /charging-events/site/{id} for each selected site and its window, every page; one output item
 * per event, the sites in ChargePilot's order (the order given for Several Sites), read with the
 * node's Concurrency; Limit and Return All count over all of them. A read the server leaves
 * incomplete (truncated, capped pages, an unstable order) is read again in parts by the paging
 * mechanism; what still cannot be completed is said on the output (a warning, and `_incomplete` on
 * its events), or fails the item with Fail When Incomplete. A site that fails fails the item, or
 * under Continue On Fail gives an error item naming it while the other sites still arrive.
 */
export function prepare(this: IExecuteFunctions, itemIndex: number): Step {
	const node = runNode(this);
	const options = operationOptions(this, itemIndex);
	const selection = readSelection(this, itemIndex, options);
	const read = eventReadOptions(node, itemIndex, options);
	const addLocalFields = options.addLocalFields === true;
	const returnsAll = itemParameter<boolean>(this, 'returnAll', itemIndex, false);
	const limitValue = returnsAll ? Infinity : limitParameter(node, itemIndex, itemParameter(this, 'limit', itemIndex, 50));
	const settings = requestSettings(this, itemIndex, options);
	const concurrency = concurrencySetting(this);
	const keepGoing = keepsGoingOnFailure(this);
	const preset = 'preset' in selection.period;

	const hint = (message: string, type: 'info' | 'warning') => {
		if (typeof this.addExecutionHints === 'function') this.addExecutionHints({ message, type, location: 'outputPane' });
	};

	/** One site's events, in the order asked for, with what the output adds to them. */
	const readSite = async (plan: SitePlan): Promise<IDataObject[]> => {
		if (plan.problem) throw new NodeOperationError(this.getNode(), plan.problem, { itemIndex, description: 'The other sites are read; this one cannot be.' });
		if (plan.zoneHint) hint(plan.zoneHint, 'warning');
		if (plan.window.to <= plan.window.from) return [];
		const result = await collectChargingEvents.call(
			this,
			{ siteId: plan.id, window: plan.window, qs: read.qs, settings, itemIndex },
			{ limit: limitValue, pageSize: read.pageSize, ceiling: read.maxEvents },
		);
		// Parts read one after the other come back in their own order: put them in the one asked for.
		let events = result.recovered || result.incomplete ? sortEvents(result.items, read.sortField, read.sortOrder) : result.items;
		const window = `between ${toIsoUtc(plan.window.from)} and ${toIsoUtc(plan.window.to)}`;
		if (result.recovered) hint(`ChargePilot's first answer for site ${plan.id} ${window} was incomplete (${result.recovered}): every event was read.`, 'info');
		if (result.incomplete) {
			const text = `ChargePilot did not deliver every charging event of site ${plan.id} ${window}: ${result.incomplete}. ${events.length} event(s) returned. Narrow the window (for example one week per run) to get every event.`;
			if (read.failOnIncomplete) {
				throw new NodeOperationError(this.getNode(), text, { itemIndex, description: 'Switch off "Fail When Incomplete" under Options to keep the partial result.' });
			}
			hint(text, 'warning');
		}
		const site = selection.scope === 'one' ? undefined : siteFields(plan);
		const period = preset ? periodFields(plan) : undefined;
		const marks = result.incomplete ? { _incomplete: true, ...(result.stillTruncated ? { _truncated: true } : {}) } : undefined;
		if (site || period || marks || addLocalFields) {
			events = events.map((event) => {
				const out = addLocalFields ? withLocalFields(event, plan.timeZone, selection.energyField) : { ...event };
				return Object.assign(out, site, period, marks);
			});
		}
		return events;
	};

	return async () => {
		const plans = await planSites.call(this, selection, settings, itemIndex, addLocalFields && selection.zoneSource === 'site');
		const sites = await eachSite(plans, selection.scope === 'one' ? 1 : concurrency, readSite);
		const output: IDataObject[] = [];
		const delivered: IDataObject[] = [];
		for (const { plan, value, error } of sites) {
			if (error !== undefined) {
				if (!keepGoing) throw siteError(this.getNode(), plan, error, itemIndex, selection.scope !== 'one');
				output.push(siteError(this.getNode(), plan, error, itemIndex, selection.scope !== 'one', true));
				continue;
			}
			for (const event of value ?? []) {
				if (delivered.length >= limitValue) break;
				output.push(event);
				delivered.push(event);
			}
		}
		if (addLocalFields) {
			const missing = energyHint(delivered.filter((event) => event.energy_kwh === null).length, delivered.length, selection.energyField);
			if (missing) hint(missing, 'warning');
		}
		return output;
	};
}
