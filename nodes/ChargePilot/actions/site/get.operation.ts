import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { simplifySite, sitePath } from '../../../client/sites';
import { apiRequest } from '../../../client/transport';
import { itemParameter } from '../../helpers/parameters';
import { requestSettings } from '../../helpers/settings';
import { siteIdParameter } from '../../helpers/siteId';
import { forOperation, optionsCollection, simplify, siteLocator, toolDescription } from '../common.descriptions';
import type { Step } from '../operation';

export const description = forOperation('site', 'get', [
	toolDescription(
		'Gets one EV charging site by its ID (the id from the sites list, e.g. site-berlin-depot): name, timezone (IANA), controller and its numbers of charging stations and charging points. An unknown ID comes back as an error with httpCode 404.',
	),
	siteLocator,
	simplify,
	optionsCollection(),
]);

/** GET /sites/{id}. */
export function prepare(this: IExecuteFunctions, itemIndex: number): Step {
	const siteId = siteIdParameter(this, itemIndex);
	const simplified = itemParameter<boolean>(this, 'simplify', itemIndex, true);
	const settings = requestSettings(this, itemIndex);
	return async () => {
		const response = await apiRequest.call(this, { method: 'GET', path: sitePath('/sites', siteId), itemIndex, settings });
		const site = response.body as IDataObject;
		return [simplified ? simplifySite(site) : site];
	};
}
