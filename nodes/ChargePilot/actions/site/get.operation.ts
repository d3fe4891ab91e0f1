import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { simplifySite, sitePath } from '../../../client/sites';
import { apiRequest } from '../../../client/transport';
import { itemParameter } from '../../helpers/parameters';
import { requestSettings } from '../../helpers/settings';
import { siteIdParameter } from '../../helpers/siteId';
import { forOperation, optionsCollection, simplify, siteLocator } from '../common.descriptions';
import type { Step } from '../operation';

export const description = forOperation('site', 'get', [siteLocator, simplify, optionsCollection()]);

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
