import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../../credentials/chargepilot/constants';
import { siteLocator } from '../ChargePilot/actions/common.descriptions';
import { toIsoUtc } from '../ChargePilot/helpers/dates';
import { listFromResponse } from '../ChargePilot/helpers/sites';
import { searchSites } from '../ChargePilot/methods/listSearch';
import { apiRequest } from '../ChargePilot/transport';
import { fetchOffsetPages } from '../ChargePilot/transport/paging';
import { advance, byStartThenId, readState, writeState, type SiteState } from './pollState';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A truncated window is split in halves down to this size before giving up. */
const MIN_SPLIT_MS = 60_000;

type Window = { from: number; to: number };

/** Every event of a site in [from, to), splitting the window while ChargePilot truncates it. */
async function eventsIn(context: IPollFunctions, siteId: string, window: Window, depth = 0): Promise<IDataObject[]> {
	const result = await fetchOffsetPages.call(
		context,
		{
			method: 'GET',
			path: `/charging-events/site/${encodeURIComponent(siteId)}`,
			qs: { from: toIsoUtc(window.from), to: toIsoUtc(window.to), sort_field: 'start_time', sort_order: 'asc' },
		},
		'charging_events',
		Infinity,
	);
	if (!result.truncated) return result.items;
	if (window.to - window.from <= MIN_SPLIT_MS || depth >= 12) {
		throw new NodeOperationError(context.getNode(), `ChargePilot truncates the charging events of site ${siteId} even for a one-minute window`, {
			description: 'The trigger cannot read every event, so it stops instead of skipping some. Use the ChargePilot node with a narrower window.',
		});
	}
	const middle = window.from + Math.floor((window.to - window.from) / 2);
	const first = await eventsIn(context, siteId, { from: window.from, to: middle }, depth + 1);
	const second = await eventsIn(context, siteId, { from: middle, to: window.to }, depth + 1);
	return [...first, ...second];
}

async function siteIds(context: IPollFunctions): Promise<string[]> {
	if (context.getNodeParameter('siteScope', 'all') === 'one') {
		const id = String(context.getNodeParameter('siteId', '', { extractValue: true }) ?? '').trim();
		if (!id) {
			throw new NodeOperationError(context.getNode(), 'Site: no site is selected', { description: 'Pick a site, or switch Sites to "All Sites".' });
		}
		return [id];
	}
	const response = await apiRequest.call(context, { method: 'GET', path: '/sites' });
	return (listFromResponse(response.body, 'sites') ?? []).map((site) => String(site.id));
}

function withSite(event: IDataObject, siteId: string): IDataObject {
	return 'site_id' in event ? event : { ...event, site_id: siteId };
}

export class ChargePilotTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ChargePilot Trigger',
		name: 'chargePilotTrigger',
		icon: { light: 'file:chargepilot.svg', dark: 'file:chargepilot.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "New charging events" }}',
		description: 'Starts the workflow when charging sessions complete on your ChargePilot sites (polling)',
		defaults: { name: 'ChargePilot Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [
			{
				displayName: 'Sites',
				name: 'siteScope',
				type: 'options',
				options: [
					{ name: 'All Sites', value: 'all', description: 'Every site the API key can read' },
					{ name: 'One Site', value: 'one' },
				],
				default: 'all',
			},
			{ ...siteLocator, displayOptions: { show: { siteScope: ['one'] } } },
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Backfill Days',
						name: 'backfillDays',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 90 },
						default: 0,
						description: 'On first activation, also emit the events of this many past days (0 = start from now)',
					},
					{
						displayName: 'Look-Back Hours',
						name: 'lookbackHours',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 168 },
						default: 24,
						description:
							'Each poll re-reads this many hours before the last poll, so sessions that ChargePilot records late (long sessions, offline chargers) are still emitted, once',
					},
				],
			},
		],
	};

	methods = { listSearch: { searchSites } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const lookback = Math.max(1, Math.min(168, Number(options.lookbackHours ?? 24))) * HOUR;
		const backfill = Math.max(0, Math.min(90, Number(options.backfillDays ?? 0))) * DAY;
		const now = Date.now();
		const sites = await siteIds(this);

		if (this.getMode() === 'manual') {
			// Test mode: the latest event, so fields can be mapped; the remembered position is untouched.
			const latest: IDataObject[] = [];
			for (const siteId of sites) {
				const events = await eventsIn(this, siteId, { from: now - 30 * DAY, to: now });
				if (events.length) latest.push(withSite([...events].sort(byStartThenId)[events.length - 1], siteId));
			}
			if (!latest.length) return null;
			return [[{ json: latest.sort(byStartThenId)[latest.length - 1] }]];
		}

		const staticData = this.getWorkflowStaticData('node');
		const state = readState(staticData);
		const nextSites: Record<string, SiteState> = { ...state.sites };
		const emitted: IDataObject[] = [];
		// Read every site before remembering anything: a failed poll changes nothing.
		for (const siteId of sites) {
			const previous = state.sites[siteId];
			const from = previous ? Math.min(previous.until, now) - lookback : now - Math.max(lookback, backfill);
			const events = await eventsIn(this, siteId, { from, to: now });
			const { fresh, next } = advance(previous, events, now, now - lookback, backfill > 0);
			const inBackfill = previous ? fresh : fresh.filter((event) => Date.parse(String(event.start_time)) >= now - backfill);
			emitted.push(...inBackfill.map((event) => withSite(event, siteId)));
			nextSites[siteId] = next;
		}
		writeState(staticData, { version: 1, sites: nextSites });
		if (!emitted.length) return null;
		return [emitted.sort(byStartThenId).map((json) => ({ json }))];
	}
}
