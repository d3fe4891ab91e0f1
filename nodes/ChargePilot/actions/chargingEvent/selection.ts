/**
 * Which sessions a Charging Event operation reads (Get Many and Summarize share it): which sites
 * (one, several, or every site the key can read), which window (From/To, or a Period such as
 * Yesterday computed in each site's own time zone), and which fields are added (local times, kWh,
 * minutes; the Energy Field). Its parameters, how an item's values are read and checked, and how
 * they become one plan per site: its ID, name, time zone and UTC window.
 */
import type { IDataObject, IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { toIsoUtc } from '../../../client/dates';
import { ENERGY_CANDIDATES, isDotPath, type EnergyField } from '../../../client/eventFields';
import { DEFAULT_MAX_EVENTS, MAX_EVENTS_LIMIT, MAX_PAGE_SIZE } from '../../../client/paging';
import { chooseTimeZone, describeWindow, PERIOD_PRESETS, periodWindow, type PeriodPreset, type TimeWindow } from '../../../client/periods';
import { readSiteList, type ListedSite, listedSite } from '../../../client/siteList';
import { siteIdProblem, sitePath } from '../../../client/sites';
import { apiRequest, type RequestSettings } from '../../../client/transport';
import { errorJson } from '../../helpers/errorItem';
import { itemParameter, runNode } from '../../helpers/parameters';
import { siteIdParameter } from '../../helpers/siteId';
import { dateTimeValue, inputError } from '../../helpers/validation';
import { siteLocator } from '../common.descriptions';

export type SiteScope = 'one' | 'several' | 'all';

/** Sites, Site / Sites, Period, From and To: the selection's own parameters (before the operation's). */
export const selectionProperties: INodeProperties[] = [
	{
		displayName: 'Sites',
		name: 'siteScope',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'One Site', value: 'one', description: 'The site picked below' },
			{ name: 'Several Sites', value: 'several', description: 'The sites picked below' },
			{ name: 'All Sites', value: 'all', description: 'Every site the API key can read' },
		],
		default: 'one',
	},
	{ ...siteLocator, displayOptions: { show: { siteScope: ['one'] } } },
	{
		displayName: 'Site Names or IDs',
		name: 'siteIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getSites' },
		default: [],
		required: true,
		displayOptions: { show: { siteScope: ['several'] } },
		description:
			'The sites to read. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Period',
		name: 'period',
		type: 'options',
		options: [{ name: 'Custom (From/To)', value: 'custom', description: 'The window set in From and To' }, ...PERIOD_PRESETS],
		default: 'custom',
		description: "Which sessions, by their start: local calendar days in each site's time zone (Options → Period Time Zone), or From/To",
	},
	// From and To are not `required`: n8n counts a field as shown when the field that shows it (Period)
	// holds an expression, and n8n 2.x then refuses to publish a tool whose Period comes from
	// $fromAI() ("Missing or invalid required parameters: from, to"). They are checked when the
	// node runs (readSelection), naming field and item.
	{
		displayName: 'From',
		name: 'from',
		type: 'dateTime',
		default: '',
		displayOptions: { show: { period: ['custom'] } },
		description: "Start of the time window (required with Custom). Without an offset it is read in the workflow's timezone; sent as UTC.",
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'dateTime',
		default: '',
		displayOptions: { show: { period: ['custom'] } },
		description: 'End of the time window (required with Custom); must be after From',
	},
];

/** Options of every read of charging events: Fail When Incomplete, Page Size, Search Text. */
export const failWhenIncomplete: INodeProperties = {
	displayName: 'Fail When Incomplete',
	name: 'failOnTruncated',
	type: 'boolean',
	default: false,
	description:
		'Whether to fail the item when ChargePilot does not deliver every session of the window (it truncates or reorders its answers), even after the node read it again in parts, instead of going on with what arrived, marked as incomplete',
};

export const pageSize: INodeProperties = {
	displayName: 'Page Size',
	name: 'pageSize',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_PAGE_SIZE },
	default: MAX_PAGE_SIZE,
	description: 'Events per request (take); the API allows at most 1000',
};

export const searchText: INodeProperties = {
	displayName: 'Search Text',
	name: 'searchText',
	type: 'string',
	default: '',
	description: 'Only events whose data holds this text, e.g. an ID tag (at most 100 characters)',
};

/** Max Events: the most events one site may bring (with `shown`, only where they apply). */
export function maxEvents(description: string, displayOptions?: INodeProperties['displayOptions']): INodeProperties {
	return {
		displayName: 'Max Events',
		name: 'maxEvents',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_EVENTS_LIMIT },
		default: DEFAULT_MAX_EVENTS,
		...(displayOptions ? { displayOptions } : {}),
		description,
	};
}

/** Options of the selection, added to the operation's Options collection. */
export const selectionOptions: INodeProperties[] = [
	{
		displayName: 'Period Time Zone',
		name: 'periodTimeZone',
		type: 'options',
		options: [
			{ name: "Each Site's Time Zone", value: 'site', description: "A site's day is its own local day (the site's IANA timezone)" },
			{ name: "The Workflow's Time Zone", value: 'workflow', description: "Every site's day is the workflow's local day (workflow settings)" },
		],
		default: 'site',
		description: 'Which local days the Period, the local times and the day/week/month groups follow',
	},
	{
		displayName: 'Energy Field',
		name: 'energyField',
		type: 'string',
		default: '',
		placeholder: 'e.g. transaction_data.energy_wh',
		description:
			'Where an event holds the energy it delivered, as a dot path. Empty: found from the fields ChargePilot sends (energy_wh, energy_kwh, EnergyDelivered, a meter_start/meter_stop pair, …).',
	},
	{
		displayName: 'Energy Field Unit',
		name: 'energyUnit',
		type: 'options',
		options: [
			{ name: 'Wh', value: 'Wh' },
			{ name: 'kWh', value: 'kWh' },
		],
		default: 'Wh',
		description: 'The unit of the number at Energy Field',
	},
];

/** What an item asks for, checked; nothing is sent when it is wrong. */
export interface Selection {
	scope: SiteScope;
	/** One Site and Several Sites: the IDs, in the order given. */
	siteIds: string[];
	/** A preset, or a custom window. */
	period: { preset: PeriodPreset } | { window: TimeWindow };
	/** Whose local days: each site's, or the workflow's. */
	zoneSource: 'site' | 'workflow';
	workflowTimeZone: string;
	energyField?: EnergyField;
	/** When the item was read: "Yesterday" is yesterday at this instant. */
	now: number;
}

const PRESETS = new Set<string>(PERIOD_PRESETS.map((preset) => preset.value));

function siteIdsParameter(context: IExecuteFunctions, itemIndex: number): string[] {
	const node = runNode(context);
	const raw = itemParameter<unknown>(context, 'siteIds', itemIndex, []);
	const list = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : [raw];
	const ids: string[] = [];
	for (const entry of list) {
		if (typeof entry !== 'string' && typeof entry !== 'number') {
			throw inputError(node, itemIndex, 'Site Names or IDs', `every site must be an ID, got ${entry === null ? 'null' : typeof entry}`, 'Pick the sites from the list, or give their IDs as an array or a comma-separated text.');
		}
		const id = String(entry).trim();
		if (id === '') continue;
		const problem = siteIdProblem(id);
		if (problem) throw inputError(node, itemIndex, 'Site Names or IDs', `the ID ${problem}`, 'Pick the sites from the list, or enter their IDs as Site → Get Many shows them.');
		if (!ids.includes(id)) ids.push(id);
	}
	if (!ids.length) throw inputError(node, itemIndex, 'Site Names or IDs', 'no site is selected', 'Pick one or more sites, or switch Sites to "All Sites".');
	return ids;
}

/** The energy options: a dot path and its unit, or undefined (detect). */
function energyOption(context: IExecuteFunctions, itemIndex: number, options: IDataObject): EnergyField | undefined {
	const node = runNode(context);
	const path = options.energyField;
	if (path === undefined || path === null || path === '') return undefined;
	if (typeof path !== 'string' || !isDotPath(path.trim())) {
		throw inputError(node, itemIndex, 'Energy Field', `${JSON.stringify(path)} is not a dot path`, 'Give the field as names joined by dots, e.g. energy_wh or transaction_data.meter_stop.');
	}
	const unit = options.energyUnit ?? 'Wh';
	if (unit !== 'Wh' && unit !== 'kWh') throw inputError(node, itemIndex, 'Energy Field Unit', `"${String(unit)}" is not supported`, 'Choose Wh or kWh.');
	return { path: path.trim(), unit };
}

/** The selection of one item: sites, window and fields, checked. */
export function readSelection(context: IExecuteFunctions, itemIndex: number, options: IDataObject): Selection {
	const node = runNode(context);
	const scope = itemParameter<unknown>(context, 'siteScope', itemIndex, 'one');
	if (scope !== 'one' && scope !== 'several' && scope !== 'all') {
		throw inputError(node, itemIndex, 'Sites', `"${String(scope)}" is not supported`, 'Choose One Site, Several Sites or All Sites.');
	}
	const siteIds = scope === 'one' ? [siteIdParameter(context, itemIndex)] : scope === 'several' ? siteIdsParameter(context, itemIndex) : [];
	const workflowTimeZone = context.getTimezone();
	const preset = itemParameter<unknown>(context, 'period', itemIndex, 'custom');
	let period: Selection['period'];
	if (preset === 'custom') {
		const from = dateTimeValue(node, itemIndex, 'From', itemParameter<unknown>(context, 'from', itemIndex, ''), workflowTimeZone);
		const to = dateTimeValue(node, itemIndex, 'To', itemParameter<unknown>(context, 'to', itemIndex, ''), workflowTimeZone);
		if (to <= from) throw inputError(node, itemIndex, 'To', `${toIsoUtc(to)} is not after From (${toIsoUtc(from)})`, 'Set To to a later time than From.');
		period = { window: { from, to } };
	} else if (typeof preset === 'string' && PRESETS.has(preset)) {
		period = { preset: preset as PeriodPreset };
	} else {
		throw inputError(node, itemIndex, 'Period', `${JSON.stringify(preset)} is not a period`, `Choose Custom or one of: ${PERIOD_PRESETS.map((entry) => entry.value).join(', ')}.`);
	}
	const zoneSource = options.periodTimeZone ?? 'site';
	if (zoneSource !== 'site' && zoneSource !== 'workflow') {
		throw inputError(node, itemIndex, 'Period Time Zone', `"${String(zoneSource)}" is not supported`, "Choose Each Site's Time Zone or The Workflow's Time Zone.");
	}
	return { scope, siteIds, period, zoneSource, workflowTimeZone, energyField: energyOption(context, itemIndex, options), now: Date.now() };
}

/** One site to read: who it is, the zone of its local days, and its window. */
export interface SitePlan {
	id: string;
	name?: string;
	/** The site's `timezone` as ChargePilot gave it (undefined when the site was not read). */
	timezone?: unknown;
	/** The zone of its local days and times. */
	timeZone: string;
	/** Set when the site's zone could not be used (it falls back to the workflow's). */
	zoneHint?: string;
	window: TimeWindow;
	/** A site that cannot be read: why (the others are still read). */
	problem?: string;
}

/**
 * The sites of a selection, each with its zone and window. `needSite`: for One Site, read the site
 * (its name and time zone) even when neither the Period nor the zone needs it. A site listed with
 * an ID that cannot be read, or a Several Sites ID the key cannot read, is a plan with a problem.
 */
export async function planSites(this: IExecuteFunctions, selection: Selection, settings: RequestSettings, itemIndex: number, needSite = false): Promise<SitePlan[]> {
	let sites: ListedSite[];
	if (selection.scope === 'one') {
		const id = selection.siteIds[0];
		const zoneMatters = selection.zoneSource === 'site' && ('preset' in selection.period || needSite);
		if (zoneMatters || needSite) {
			const response = await apiRequest.call(this, { method: 'GET', path: sitePath('/sites', id), settings, itemIndex });
			sites = [{ ...listedSite((response.body ?? {}) as IDataObject, id), id }];
		} else {
			sites = [{ id }];
		}
	} else {
		const listed = await readSiteList.call(this, settings, itemIndex);
		if (selection.scope === 'all') {
			sites = listed;
		} else {
			sites = selection.siteIds.map((id) => listed.find((site) => site.id === id) ?? { id, problem: `Site ${id} is not among the ${listed.length} sites this API key can read` });
		}
	}
	return sites.map((site) => {
		const read = 'timezone' in site || 'name' in site;
		const zone = chooseTimeZone(site, selection.workflowTimeZone, selection.zoneSource === 'workflow' || !read);
		const window = 'preset' in selection.period ? periodWindow(selection.period.preset, selection.now, zone.timeZone) : selection.period.window;
		return { id: site.id, name: site.name, timezone: site.timezone, timeZone: zone.timeZone, zoneHint: read ? zone.hint : undefined, window, problem: site.problem };
	});
}

/** The window a site's output covers, as the output says it (UTC and local, with the zone). */
export function periodFields(plan: SitePlan): IDataObject {
	const described = describeWindow(plan.window, plan.timeZone);
	return { period_start: described.from, period_end: described.to, period_start_local: described.fromLocal, period_end_local: described.toLocal, time_zone: described.timeZone };
}

/** What the output says of the site of an event or group read for several sites. */
export function siteFields(plan: SitePlan): IDataObject {
	return { site_id: plan.id, site_name: plan.name ?? null, timezone: plan.timezone ?? null };
}

/**
 * Runs `read` for every site, at most `concurrency` at a time; the results in the sites' order,
 * each with its value or its error (one failing site does not stop the others).
 */
export async function eachSite<T>(plans: SitePlan[], concurrency: number, read: (plan: SitePlan) => Promise<T>): Promise<Array<{ plan: SitePlan; value?: T; error?: unknown }>> {
	const results: Array<{ plan: SitePlan; value?: T; error?: unknown }> = plans.map((plan) => ({ plan }));
	let next = 0;
	const worker = async () => {
		while (next < plans.length) {
			const index = next++;
			try {
				results[index].value = await read(plans[index]);
			} catch (error) {
				results[index].error = error ?? new Error('failed');
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, plans.length)) }, worker));
	return results;
}

/**
 * A site's failure: thrown (`asItem` false) as the item's error, naming the site when several are
 * read; or, under Continue On Fail, an error item with the site's ID and name.
 */
export function siteError(node: INode, plan: SitePlan, error: unknown, itemIndex: number, nameSite: boolean, asItem: true): IDataObject;
export function siteError(node: INode, plan: SitePlan, error: unknown, itemIndex: number, nameSite: boolean, asItem?: false): Error;
export function siteError(node: INode, plan: SitePlan, error: unknown, itemIndex: number, nameSite: boolean, asItem = false): IDataObject | Error {
	if (!nameSite) return asItem ? errorJson(error) : (error as Error);
	const json = errorJson(error);
	const message = `Site ${plan.id}${plan.name ? ` (${plan.name})` : ''}: ${String(json.error)}`;
	if (asItem) return { ...json, error: message, site_id: plan.id, site_name: plan.name ?? null };
	return new NodeOperationError(node, message, { itemIndex, description: `${json.description ? `${String(json.description)} ` : ''}Switch on Continue On Fail (Settings → On Error) to get the other sites' results and an error item for this one.` });
}

/** What the output says when events lack an energy value: never a silent zero. */
export function energyHint(without: number, total: number, energyField?: EnergyField): string | undefined {
	if (without === 0) return undefined;
	const where = energyField
		? `at Energy Field "${energyField.path}"`
		: `in any of the fields looked at (${ENERGY_CANDIDATES.map((candidate) => ('path' in candidate ? candidate.path : `${candidate.stop} - ${candidate.start}`)).join(', ')})`;
	return `${without} of ${total} charging event(s) have no energy value ${where}: their energy_kwh is null, not 0. Name the field that holds it under Options → Energy Field.`;
}
