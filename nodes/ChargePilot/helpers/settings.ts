import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { DEFAULT_MAX_ANSWER_BYTES, MAX_ANSWER_BYTES_LIMIT, MEGABYTE } from '../../client/answer';
import { DEFAULT_RETRY } from '../../client/retry';
import { DEFAULT_TIMEOUT_MS, type RequestSettings } from '../../client/transport';
import { itemParameter } from './parameters';
import { inputError } from './validation';

export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 32;

function numberOption(
	context: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
	name: string,
	label: string,
	fallback: number,
	min: number,
	max: number,
): number {
	const raw = options[name];
	if (raw === undefined || raw === null || raw === '') return fallback;
	const value = typeof raw === 'string' ? Number(raw.trim()) : raw;
	if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
		throw inputError(
			context.getNode(),
			itemIndex,
			label,
			`must be a number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
			`Set ${label} under Options to a number between ${min} and ${max}.`,
		);
	}
	return value;
}

/** The Options collection of the current operation (every operation names it `options`). */
export function operationOptions(context: IExecuteFunctions, itemIndex: number): IDataObject {
	return itemParameter<IDataObject | null>(context, 'options', itemIndex, {}) ?? {};
}

/** Timeout and retry policy for one item, from the operation's Options (pass them if already read). */
export function requestSettings(
	context: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject = operationOptions(context, itemIndex),
): RequestSettings {
	const maxAttempts = numberOption(context, itemIndex, options, 'maxAttempts', 'Retry Attempts', DEFAULT_RETRY.maxAttempts, 1, 10);
	const maxRetryWait = numberOption(context, itemIndex, options, 'maxRetryWait', 'Max Retry Wait (Seconds)', DEFAULT_RETRY.maxDelayMs / 1000, 0, 300);
	const timeoutMs = numberOption(context, itemIndex, options, 'timeout', 'Timeout (Ms)', DEFAULT_TIMEOUT_MS, 1, 3_600_000);
	const maxAnswerSize = numberOption(context, itemIndex, options, 'maxAnswerSize', 'Max Answer Size (MB)', DEFAULT_MAX_ANSWER_BYTES / MEGABYTE, 1, MAX_ANSWER_BYTES_LIMIT / MEGABYTE);
	return {
		timeoutMs: Math.floor(timeoutMs),
		maxAnswerBytes: Math.floor(maxAnswerSize * MEGABYTE),
		retry: {
			...DEFAULT_RETRY,
			maxAttempts: Math.floor(maxAttempts),
			maxDelayMs: Math.round(maxRetryWait * 1000),
			baseDelayMs: Math.min(DEFAULT_RETRY.baseDelayMs, Math.round(maxRetryWait * 1000)),
			retryNonIdempotent: options.retryNonIdempotent === true,
		},
	};
}

/** Parallel items for this run, read once from the first item. */
export function concurrencySetting(context: IExecuteFunctions): number {
	const options = operationOptions(context, 0);
	return Math.floor(numberOption(context, 0, options, 'concurrency', 'Concurrency', DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY));
}
