import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { concurrencySetting } from '../helpers/settings';
import * as api from './api/Api.resource';
import * as chargingEvent from './chargingEvent/ChargingEvent.resource';
import type { ChargePilotType } from './node.type';
import * as site from './site/Site.resource';

type Operation = (this: IExecuteFunctions, itemIndex: number) => Promise<IDataObject[]>;

const operations: { [R in keyof ChargePilotType]: Record<ChargePilotType[R], Operation> } = {
	api: { ping: api.ping.execute, customRequest: api.customRequest.execute },
	site: { get: site.get.execute, getAll: site.getAll.execute },
	chargingEvent: { getAll: chargingEvent.getAll.execute },
};

function operationFor(context: IExecuteFunctions): Operation {
	const resource = context.getNodeParameter('resource', 0, 'api') as string;
	const operation = context.getNodeParameter('operation', 0, 'ping') as string;
	const byResource = (operations as Record<string, Record<string, Operation> | undefined>)[resource];
	const run = byResource?.[operation];
	if (!run) {
		throw new NodeOperationError(context.getNode(), `The operation "${operation}" is not known for the resource "${resource}"`, {
			description: 'Open the node and choose the resource and operation again.',
		});
	}
	return run;
}

/** The JSON of an error item under "Continue On Fail": what failed and why, never a secret. */
export function errorJson(error: unknown): IDataObject {
	const failure = error as { message?: string; description?: string | null; httpCode?: string | null; context?: IDataObject };
	const json: IDataObject = { error: failure.message ?? String(error) };
	if (failure.description) json.description = failure.description;
	if (failure.httpCode) json.httpCode = failure.httpCode;
	if (typeof failure.context?.attempts === 'number') json.attempts = failure.context.attempts;
	return json;
}

/**
 * Runs the chosen operation for every input item, up to `concurrency` at a time. Output keeps the
 * input order; each item's results are paired with it. Under Continue On Fail a failed item gives
 * one error item; otherwise the first failure (lowest item index among those that failed) stops the run.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const run = operationFor(this);
	const concurrency = items.length > 1 ? concurrencySetting(this) : 1;
	const results: INodeExecutionData[][] = new Array(items.length);
	const failures: Array<{ index: number; error: unknown }> = [];
	let next = 0;

	const worker = async (): Promise<void> => {
		while (next < items.length && failures.length === 0) {
			const itemIndex = next++;
			try {
				const jsons = await run.call(this, itemIndex);
				results[itemIndex] = jsons.map((json) => ({ json, pairedItem: { item: itemIndex } }));
			} catch (error) {
				if (this.continueOnFail()) {
					results[itemIndex] = [{ json: errorJson(error), pairedItem: { item: itemIndex } }];
				} else {
					failures.push({ index: itemIndex, error });
				}
			}
		}
	};

	await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(items.length, 1)) }, worker));
	if (failures.length) {
		failures.sort((a, b) => a.index - b.index);
		const { index, error } = failures[0];
		if (error instanceof NodeOperationError || (error as { node?: unknown })?.node) throw error;
		throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: index });
	}
	return [results.flat()];
}
