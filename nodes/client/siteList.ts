/**
 * The sites a key can read (`GET /sites`), as the readers of several sites need them: the polling
 * trigger's All Sites, and the ChargePilot node's All Sites and Several Sites. Read once per run
 * (node run or poll), bounded, every ID checked by the one site-ID rule.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { listFromResponse, siteIdProblem } from './sites';
import { apiRequest, type ApiContext, type RequestSettings } from './transport';

/** Most sites one read takes: a server listing more is refused rather than read without end. */
export const MAX_SITES = 1000;

/** A site as the readers need it: its checked ID, name and time zone as ChargePilot gave them. */
export interface ListedSite {
	id: string;
	name?: string;
	timezone?: unknown;
	/** Why this site cannot be read (its ID breaks the site-ID rule), if it cannot. */
	problem?: string;
}

/** A site object as ListedSite. */
export function listedSite(site: IDataObject, fallbackId = ''): ListedSite {
	const raw = site?.id;
	const id = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : fallbackId;
	const problem = siteIdProblem(id);
	return {
		id,
		name: typeof site?.name === 'string' ? site.name : undefined,
		timezone: site?.timezone,
		...(problem ? { problem: `ChargePilot listed a site whose ID ${problem}` } : {}),
	};
}

/**
 * The site objects of a `GET /sites` answer (a bare array, or an object holding one), or a
 * NodeApiError saying what ChargePilot sent instead.
 */
export function siteListOf(node: INode, body: unknown, itemIndex?: number): IDataObject[] {
	const sites = listFromResponse(body, 'sites');
	if (sites) return sites;
	throw new NodeApiError(node, { body: JSON.stringify(body ?? null).slice(0, 500) }, {
		message: 'ChargePilot answered GET /sites with something that is not a list of sites',
		description: 'Expected a JSON array, or an object holding one. Use Custom Request to see the raw answer.',
		itemIndex,
	});
}

const runLists = new WeakMap<object, Promise<ListedSite[]>>();

/**
 * Every site the key can read, in ChargePilot's order, each ID once. Throws a NodeApiError when the
 * answer is not a list, a NodeOperationError when it lists more than MAX_SITES. Kept for the run
 * (the context), so several items or operations of one run ask once; a failure is not kept.
 */
export async function readSiteList(this: ApiContext, settings?: RequestSettings, itemIndex?: number): Promise<ListedSite[]> {
	let cached = runLists.get(this);
	if (!cached) {
		cached = (async () => {
			const response = await apiRequest.call(this, { method: 'GET', path: '/sites', settings, itemIndex });
			const sites = siteListOf(this.getNode(), response.body, itemIndex);
			if (sites.length > MAX_SITES) {
				throw new NodeOperationError(this.getNode(), `ChargePilot listed ${sites.length} sites; at most ${MAX_SITES} are read at once`, {
					description: 'Read the sites you need with One Site (or Several Sites in the ChargePilot node), e.g. one trigger per site.',
					itemIndex,
				});
			}
			const seen = new Set<string>();
			return sites.map((site) => listedSite(site)).filter((site) => !seen.has(site.id) && seen.add(site.id));
		})();
		runLists.set(this, cached);
		cached.catch(() => runLists.delete(this));
	}
	return await cached;
}
