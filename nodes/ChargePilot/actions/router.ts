/**
 * The router of the ChargePilot node: finds the chosen operation in actions/resources.ts and runs it
 * for every input item (in parallel up to Concurrency, output in input order, paired with its item),
 * with Continue On Fail and the node's behaviour as a tool (toolUse.ts). The operations read their
 * parameters and send their requests; the router only orders and collects.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { errorJson } from '../helpers/errorItem';
import { concurrencySetting } from '../helpers/settings';
import type { Operation, Step } from './operation';
import { resources } from './resources';
import { forTool, toolCaller } from './toolUse';

/** One item's parameters once read: its step, or what was wrong with them. */
type Read = { ok: true; step: Step } | { ok: false; error: unknown };

function operationFor(context: IExecuteFunctions): Operation['prepare'] {
	const resource = context.getNodeParameter('resource', 0, 'api') as string;
	const operation = context.getNodeParameter('operation', 0, 'ping') as string;
	const byResource = resources.find((entry) => entry.resource.value === resource)?.operations;
	const run = byResource && Object.prototype.hasOwnProperty.call(byResource, operation) ? byResource[operation].prepare : undefined;
	if (!run) {
		throw new NodeOperationError(context.getNode(), `The operation "${operation}" is not known for the resource "${resource}"`, {
			description: 'Open the node and choose the resource and operation again.',
		});
	}
	return run;
}

export { errorJson };

/** What a tool answers instead of nothing (a model reading an empty string cannot tell why). */
const NO_RESULTS: IDataObject = { results: 0, message: 'ChargePilot returned nothing for this request (for example, no charging sessions in this time window).' };

/**
 * Runs the chosen operation for every input item, up to `concurrency` at a time. Output keeps the
 * input order; each item's results are paired with it. Under Continue On Fail a failed item gives
 * one error item; otherwise the first failure (lowest item index among those that failed) stops the run.
 * As a tool (toolUse.ts): an AI Agent gets failures as readable items and an empty answer said in
 * words; n8n's MCP Server Trigger gets the failure thrown (an MCP tool error); both read the
 * argument's name instead of "(item 0)".
 *
 * While requests are on the wire, the items next in line have their parameters read ahead (at most
 * `concurrency` of them, one per turn of the event loop so answers are never held up). Reading
 * has no side effects: an item read ahead but never started (the run stopped) sends nothing, and
 * an item whose parameters are wrong fails when its turn comes, exactly as if read then.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const caller = toolCaller(this);
	const asTool = caller !== undefined;
	const continueOnFail = caller === 'agent' || (caller === undefined && this.continueOnFail());
	const prepare = operationFor(this);
	const concurrency = items.length > 1 ? concurrencySetting(this) : 1;
	const results: INodeExecutionData[][] = new Array(items.length);
	const failures: Array<{ index: number; error: unknown }> = [];
	const ready = new Map<number, Read>();
	let next = 0; // the next item to start
	let readTo = 0; // items below this one have been read (or started)
	let done = false;
	let readingAhead = false;

	const read = (itemIndex: number): Read => {
		try {
			return { ok: true, step: prepare.call(this, itemIndex) };
		} catch (error) {
			return { ok: false, error };
		}
	};
	const take = (itemIndex: number): Read => {
		const entry = ready.get(itemIndex);
		if (entry) {
			ready.delete(itemIndex);
			return entry;
		}
		readTo = Math.max(readTo, itemIndex + 1);
		return read(itemIndex);
	};
	const readAhead = async (): Promise<void> => {
		if (readingAhead || items.length < 2) return;
		readingAhead = true;
		try {
			for (;;) {
				await sleep(0); // after the requests just started are on their way
				readTo = Math.max(readTo, next);
				if (done || failures.length || readTo >= items.length || readTo >= next + concurrency) return;
				ready.set(readTo, read(readTo));
				readTo++;
			}
		} finally {
			readingAhead = false;
		}
	};

	const worker = async (): Promise<void> => {
		while (next < items.length && failures.length === 0) {
			const itemIndex = next++;
			let outcome = take(itemIndex);
			if (outcome.ok) {
				try {
					const sent = outcome.step();
					void readAhead();
					const jsons = await sent;
					results[itemIndex] = (jsons.length === 0 && asTool ? [NO_RESULTS] : jsons).map((json) => ({ json, pairedItem: { item: itemIndex } }));
				} catch (error) {
					outcome = { ok: false, error };
				}
			}
			if (!outcome.ok) {
				if (continueOnFail) {
					const json = errorJson(outcome.error);
					if (asTool) json.error = forTool(this, String(json.error));
					results[itemIndex] = [{ json, pairedItem: { item: itemIndex } }];
				} else {
					failures.push({ index: itemIndex, error: outcome.error });
				}
			}
		}
	};

	try {
		await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(items.length, 1)) }, worker));
	} finally {
		done = true;
		ready.clear();
	}
	if (failures.length) {
		failures.sort((a, b) => a.index - b.index);
		const { index, error } = failures[0];
		if (caller === 'mcp') {
			// An MCP tool error, as a client reads it: n8n sends "<message>\n\nDetails: <description>".
			const { error: message, description } = errorJson(error);
			throw new NodeOperationError(this.getNode(), forTool(this, String(message)), { itemIndex: index, description: description as string | undefined });
		}
		if (error instanceof NodeOperationError || (error as { node?: unknown })?.node) throw error;
		throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: index });
	}
	return [results.flat()];
}
