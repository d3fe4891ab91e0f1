import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listFromResponse } from '../helpers/sites';
import { apiRequest } from '../transport';

/** Sites for the Site picker: name (timezone) → ID, filtered by name or ID. */
export async function searchSites(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const response = await apiRequest.call(this, { method: 'GET', path: '/sites' });
	const sites = listFromResponse(response.body, 'sites') ?? [];
	const needle = (filter ?? '').trim().toLowerCase();
	const results = sites
		.filter((site) => site && (typeof site.id === 'string' || typeof site.id === 'number'))
		.map((site) => ({
			name: site.timezone ? `${String(site.name ?? site.id)} (${String(site.timezone)})` : String(site.name ?? site.id),
			value: String(site.id),
		}))
		.filter((entry) => !needle || entry.name.toLowerCase().includes(needle) || entry.value.toLowerCase().includes(needle))
		.sort((a, b) => a.name.localeCompare(b.name));
	return { results };
}
