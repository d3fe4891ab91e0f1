import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { apiRequest } from '../../../client/transport';
import { requestSettings } from '../../helpers/settings';
import { forOperation, optionsCollection, toolDescription } from '../common.descriptions';
import type { Step } from '../operation';

export const description = forOperation('api', 'ping', [
	toolDescription('Checks whether the ChargePilot EV-charging API is reachable. Takes no arguments. Returns {"result": "...", "latencyMs": <round trip in ms>}.'),
	optionsCollection(),
]);

/** GET /ping: the API's liveness answer plus the measured round trip. */
export function prepare(this: IExecuteFunctions, itemIndex: number): Step {
	const settings = requestSettings(this, itemIndex);
	return async () => {
		const response = await apiRequest.call(this, { method: 'GET', path: '/ping', itemIndex, settings });
		const body = response.body;
		const json: IDataObject =
			body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as IDataObject) } : { result: body as IDataObject[keyof IDataObject] };
		json.latencyMs = response.latencyMs;
		return [json];
	};
}
