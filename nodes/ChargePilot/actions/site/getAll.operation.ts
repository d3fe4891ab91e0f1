import type { IExecuteFunctions } from 'n8n-workflow';

import { siteListOf } from '../../../client/siteList';
import { simplifySite } from '../../../client/sites';
import { apiRequest } from '../../../client/transport';
import { itemParameter, runNode } from '../../helpers/parameters';
import { requestSettings } from '../../helpers/settings';
import { limitParameter } from '../../helpers/validation';
import { forOperation, limit, optionsCollection, returnAll, simplify, toolDescription } from '../common.descriptions';
import type { Step } from '../operation';

export const description = forOperation('site', 'getAll', [
	toolDescription(
		'Lists the EV charging sites this ChargePilot API key can read. Returns one item per site: id (pass it as the site ID to the other ChargePilot tools), name, timezone (IANA), controller, controllerId, controllerSerialNo, chargingStationCount and chargingPointCount.',
	),
	returnAll,
	limit,
	simplify,
	optionsCollection(),
]);

/** GET /sites: every site the key can read (the API documents no paging for it). */
export function prepare(this: IExecuteFunctions, itemIndex: number): Step {
	const all = itemParameter<boolean>(this, 'returnAll', itemIndex, false);
	const max = all ? Infinity : limitParameter(runNode(this), itemIndex, itemParameter(this, 'limit', itemIndex, 50));
	const simplified = itemParameter<boolean>(this, 'simplify', itemIndex, true);
	const settings = requestSettings(this, itemIndex);
	return async () => {
		const response = await apiRequest.call(this, { method: 'GET', path: '/sites', itemIndex, settings });
		const sites = siteListOf(this.getNode(), response.body, itemIndex);
		const chosen = sites.slice(0, max);
		return simplified ? chosen.map(simplifySite) : chosen;
	};
}
