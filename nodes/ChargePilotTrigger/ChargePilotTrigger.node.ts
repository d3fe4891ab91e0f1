import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../../credentials/chargepilot';
import { toIsoUtc } from '../client/dates';
import { collectChargingEvents } from '../client/chargingEvents';
import type { Window } from '../client/paging';
import { searchSites, siteLocator } from '../client/siteLocator';
import { readSiteList } from '../client/siteList';
import { siteIdProblem } from '../client/sites';
import { advance, byStartThenId, eventStart, readState, windowFor, writeState } from './pollState';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Default Look-Back: a week, so sessions that run for days (depots) are still emitted when they end. */
export const DEFAULT_LOOKBACK_HOURS = 168;
export const MAX_LOOKBACK_HOURS = 720;
/** An emitted session that started this share of Look-Back before it appeared gets a warning. */
const LOOKBACK_WARNING_SHARE = 0.75;

/**
 * Every event of a site in [from, to): read through the shared paging mechanism, which reads a
 * window again in parts when ChargePilot truncates it, caps its pages or sorts unstably. What it
 * cannot complete fails the poll: the position stays where it was, so the next poll tries again and
 * no session is skipped.
 */
async function eventsIn(context: IPollFunctions, siteId: string, window: Window): Promise<IDataObject[]> {
	if (window.to <= window.from) return [];
	const result = await collectChargingEvents.call(
		context,
		{ siteId, window, qs: { sort_field: 'start_time', sort_order: 'asc' } },
		{ limit: Infinity },
	);
	if (result.incomplete) {
		throw new NodeOperationError(context.getNode(), `ChargePilot did not deliver every charging event of site ${siteId} between ${toIsoUtc(window.from)} and ${toIsoUtc(window.to)}: ${result.incomplete}`, {
			description: 'The trigger does not move its position past events it could not read, so this poll emits nothing and the next poll tries again. If this repeats, ChargePilot truncates or reorders its answers for this site: tell The Mobility House.',
		});
	}
	return result.items;
}

/** A site ID from the parameter or from ChargePilot, checked by the same rule as the node's. */
function checkedSiteId(context: IPollFunctions, raw: unknown, from: string): string {
	const id = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
	const problem = siteIdProblem(id);
	if (problem) {
		throw new NodeOperationError(context.getNode(), `${from} gave a site whose ID ${problem}`, {
			description: from === 'Site' ? 'Pick a site from the list.' : 'ChargePilot listed a site that cannot be read; nothing was emitted. Poll One Site instead, or report it to The Mobility House.',
		});
	}
	return id;
}

async function siteIds(context: IPollFunctions): Promise<string[]> {
	if (context.getNodeParameter('siteScope', 'all') === 'one') {
		const id = String(context.getNodeParameter('siteId', '', { extractValue: true }) ?? '').trim();
		if (!id) {
			throw new NodeOperationError(context.getNode(), 'Site: no site is selected', { description: 'Pick a site, or switch Sites to "All Sites".' });
		}
		return [checkedSiteId(context, id, 'Site')];
	}
	const sites = await readSiteList.call(context);
	// A site whose ID cannot be read fails the poll: emitting the others would skip its sessions silently.
	return sites.map((site) => checkedSiteId(context, site.id, 'ChargePilot'));
}

function withSite(event: IDataObject, siteId: string): IDataObject {
	return Object.prototype.hasOwnProperty.call(event, 'site_id') ? event : { ...event, site_id: siteId };
}

function hours(ms: number): string {
	const total = Math.round(ms / HOUR);
	return total >= 72 ? `${Math.floor(total / 24)} d ${total % 24} h` : `${total} h`;
}

export class ChargePilotTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ChargePilot Trigger',
		name: 'chargePilotTrigger',
		icon: { light: 'file:../../icons/chargepilot.svg', dark: 'file:../../icons/chargepilot.dark.svg' },
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
						typeOptions: { minValue: 1, maxValue: MAX_LOOKBACK_HOURS },
						default: DEFAULT_LOOKBACK_HOURS,
						description:
							'ChargePilot lists a session by its start time, once it has ended. Each poll re-reads this many hours, so every session that ends and is recorded within this time after it started is emitted, exactly once. Sessions that take longer are not emitted: keep it above your longest sessions (default 168 h = 7 days).',
					},
				],
			},
		],
	};

	methods = { listSearch: { searchSites } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const lookback = Math.max(1, Math.min(MAX_LOOKBACK_HOURS, Number(options.lookbackHours ?? DEFAULT_LOOKBACK_HOURS) || DEFAULT_LOOKBACK_HOURS)) * HOUR;
		const backfill = Math.max(0, Math.min(90, Number(options.backfillDays ?? 0) || 0)) * DAY;
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
		const state = readState(staticData, lookback);
		const emitted: IDataObject[] = [];
		const budget = typeof this.getPollBudgetMs === 'function' ? this.getPollBudgetMs() : Infinity;
		// Read every site before remembering anything: a failed poll changes nothing. A poll running
		// out of n8n's time budget stops between sites; the sites it did not reach keep their position.
		for (const siteId of sites) {
			if (Date.now() - now > budget * 0.8) break;
			const previous = state.get(siteId);
			const window = windowFor(previous, now, lookback, backfill);
			const events = await eventsIn(this, siteId, window);
			const result = advance(previous, events, window, now, lookback, (event) => backfill > 0 && (eventStart(event) ?? 0) >= now - backfill);
			for (const event of result.fresh) {
				const item = withSite(event, siteId);
				const age = now - (eventStart(event) ?? now);
				if (previous && age > lookback * LOOKBACK_WARNING_SHARE) {
					const text = `Session ${String(event.transaction_id)} appeared ${hours(age)} after it started, close to Look-Back Hours (${hours(lookback)}): sessions that take longer than that to end are not emitted. Raise Look-Back Hours under Options.`;
					this.logger.warn(`ChargePilot Trigger: ${text}`, { node: this.getNode().name });
					emitted.push({ ...item, _warning: text });
				} else {
					emitted.push(item);
				}
			}
			if (result.outside) {
				this.logger.warn(`ChargePilot Trigger: ChargePilot returned ${result.outside} session(s) of site ${siteId} that started before the window asked for; not emitted (they may have been emitted before)`, { node: this.getNode().name });
			}
			state.set(siteId, result.next);
		}
		writeState(staticData, state);
		if (!emitted.length) return null;
		return [emitted.sort(byStartThenId).map((json) => ({ json }))];
	}
}
