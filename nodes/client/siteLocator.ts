import type { ILoadOptionsFunctions, INodeListSearchResult, INodePropertyOptions, INodeProperties } from 'n8n-workflow';

import { listFromResponse } from './sites';
import { apiRequest } from './transport';

/**
 * The Site picker every ChargePilot node shows (a searchable list of the sites the key can read,
 * or an ID), and the list search that fills it. A node offers it with
 * `methods = { listSearch: { searchSites } }`; `getSites` fills a multi-select of sites
 * (`methods.loadOptions`).
 */
export const siteLocator: INodeProperties = {
	displayName: 'Site',
	name: 'siteId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The ChargePilot site. The list shows the sites your API key can read.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a site…',
			typeOptions: { searchListMethod: 'searchSites', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 5f8a3c2e-…',
		},
	],
};

/** Sites for a multi-select of sites (Several Sites): name (timezone) → ID. */
export async function getSites(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return (await searchSites.call(this)).results.map((entry) => ({ name: entry.name, value: entry.value as string }));
}

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
