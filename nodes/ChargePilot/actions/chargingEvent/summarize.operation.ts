import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readChargingEvents } from '../../../client/chargingEvents';
import { toIsoUtc } from '../../../client/dates';
import { createSummary, GROUP_KEYS, type GroupKey } from '../../../client/summary';
import { itemParameter, runNode } from '../../helpers/parameters';
import { concurrencySetting, operationOptions, requestSettings } from '../../helpers/settings';
import { keepsGoingOnFailure } from '../../helpers/toolCaller';
import { eventReadOptions, inputError } from '../../helpers/validation';
import { forOperation, optionsCollection, toolDescription } from '../common.descriptions';
import type { Step } from '../operation';
import {
	eachSite,
	energyHint,
	failWhenIncomplete,
	maxEvents,
	pageSize,
	planSites,
	readSelection,
	searchText,
	selectionOptions,
	selectionProperties,
	siteError,
	type SitePlan,
} from './selection';

/**
 * Charging Event → Summarize: the sessions of the selection (one site, several, all; a Period or
 * From/To; Search Text), counted, summed and averaged per group (site, local day, week, month,
 * charger, connector, ID tag), one item per group and, if asked, a totals item. Pages are summed as
 * they arrive (summary.ts): memory grows with the number of groups, not with the sessions (the
 * paging mechanism keeps one ID per session to count each once). The same paging rules as Get Many:
 * what cannot be read completely is said on every item (`complete: false`, `incomplete`), never hidden.
 */

const GROUP_BY_VALUES = new Set<string>(GROUP_KEYS.map((key) => key.value));

const properties: INodeProperties[] = [
	toolDescription(
		'Answers "how many sessions, how much energy, how long" for EV charging sites in a period, already added up: one item per group. Sites: one site ID, or all sites. Period: today, yesterday, thisWeek, lastWeek, last7Days, last30Days, thisMonth or lastMonth, each in the site\'s own time zone; or custom with From and To (ISO 8601 with an offset). Group By: any of site, day, week, month, charger, connector, idTag (the driver card). Each item: the group keys, sessions, energy_kwh (sum) and energy_kwh_avg, duration_hours and duration_hours_avg, first_start, last_stop, period_start/period_end (UTC) and their local times, sessions_without_energy, complete (false when ChargePilot did not deliver every session: see incomplete). Use it instead of listing sessions to total them.',
	),
	...selectionProperties,
	{
		displayName: 'Group By',
		name: 'groupBy',
		type: 'multiOptions',
		options: GROUP_KEYS,
		default: ['site'],
		description: 'One output item per combination of these; none gives one item for the whole selection',
	},
	optionsCollection([
		{
			displayName: 'Include Totals',
			name: 'includeTotals',
			type: 'boolean',
			default: false,
			description: 'Whether to add one more item with the totals over all groups (its group fields are null)',
		},
		...selectionOptions,
		failWhenIncomplete,
		maxEvents('The most sessions one site may bring. A site with more fails, instead of reading without end.'),
		pageSize,
		searchText,
	]),
];

export const description = forOperation('chargingEvent', 'summarize', properties);

function groupByParameter(context: IExecuteFunctions, itemIndex: number): GroupKey[] {
	const node = runNode(context);
	const raw = itemParameter<unknown>(context, 'groupBy', itemIndex, ['site']);
	const list = typeof raw === 'string' ? raw.split(',').map((entry) => entry.trim()).filter(Boolean) : Array.isArray(raw) ? raw : [raw];
	for (const key of list) {
		if (typeof key !== 'string' || !GROUP_BY_VALUES.has(key)) {
			throw inputError(node, itemIndex, 'Group By', `${JSON.stringify(key)} is not a group`, `Choose any of: ${GROUP_KEYS.map((entry) => entry.value).join(', ')}.`);
		}
	}
	return [...new Set(list as GroupKey[])];
}

/** Charging Event → Summarize for one input item: one output item per group, and the totals if asked. */
export function prepare(this: IExecuteFunctions, itemIndex: number): Step {
	const node = runNode(this);
	const options = operationOptions(this, itemIndex);
	const selection = readSelection(this, itemIndex, options);
	const groupBy = groupByParameter(this, itemIndex);
	// Only the search text of Get Many's options applies: a summary has no order and no Limit.
	const read = eventReadOptions(node, itemIndex, { searchText: options.searchText, pageSize: options.pageSize, maxEvents: options.maxEvents, failOnTruncated: options.failOnTruncated });
	const includeTotals = options.includeTotals === true;
	const settings = requestSettings(this, itemIndex, options);
	const concurrency = concurrencySetting(this);
	const keepGoing = keepsGoingOnFailure(this);

	const hint = (message: string, type: 'info' | 'warning') => {
		if (typeof this.addExecutionHints === 'function') this.addExecutionHints({ message, type, location: 'outputPane' });
	};

	return async () => {
		const summary = createSummary({ groupBy, energyField: selection.energyField });
		const incomplete: string[] = [];
		const readSite = async (plan: SitePlan): Promise<void> => {
			if (plan.problem) throw new NodeOperationError(this.getNode(), plan.problem, { itemIndex, description: 'The other sites are read; this one cannot be.' });
			if (plan.zoneHint) hint(plan.zoneHint, 'warning');
			if (plan.window.to <= plan.window.from) return;
			const site = { id: plan.id, name: plan.name, timeZone: plan.timeZone, window: plan.window };
			const result = await readChargingEvents.call(
				this,
				{ siteId: plan.id, window: plan.window, qs: read.qs, settings, itemIndex },
				{ limit: Infinity, pageSize: read.pageSize, ceiling: read.maxEvents },
				(page) => {
					for (const event of page) summary.add(event, site);
				},
			);
			const window = `between ${toIsoUtc(plan.window.from)} and ${toIsoUtc(plan.window.to)}`;
			if (result.recovered) hint(`ChargePilot's first answer for site ${plan.id} ${window} was incomplete (${result.recovered}): every session was counted.`, 'info');
			if (result.incomplete) {
				const text = `ChargePilot did not deliver every charging event of site ${plan.id} ${window}: ${result.incomplete}`;
				if (read.failOnIncomplete) {
					throw new NodeOperationError(this.getNode(), `${text}. The summary would be short.`, { itemIndex, description: 'Switch off "Fail When Incomplete" under Options to summarize what arrived (marked complete: false).' });
				}
				incomplete.push(text);
			}
		};

		const plans = await planSites.call(this, selection, settings, itemIndex, true);
		const sites = await eachSite(plans, selection.scope === 'one' ? 1 : concurrency, readSite);
		const errors: IDataObject[] = [];
		for (const { plan, error } of sites) {
			if (error === undefined) continue;
			if (!keepGoing) throw siteError(this.getNode(), plan, error, itemIndex, selection.scope !== 'one');
			errors.push(siteError(this.getNode(), plan, error, itemIndex, true, true));
			incomplete.push(`site ${plan.id} could not be read`);
		}
		for (const text of incomplete) hint(`${text}. The summary counts only what arrived: every item says complete: false.`, 'warning');
		const missing = energyHint(summary.withoutEnergy, summary.sessions, selection.energyField);
		if (missing) hint(missing.replace('their energy_kwh is null, not 0', 'they are counted in sessions_without_energy and left out of energy_kwh'), 'warning');

		const status: IDataObject = incomplete.length ? { complete: false, incomplete: incomplete.join('; ') } : { complete: true };
		const groups = summary.groups().map((group) => Object.assign(group, status));
		if (includeTotals) groups.push(Object.assign(summary.totals(), { totals: true }, status));
		return [...groups, ...errors];
	};
}
