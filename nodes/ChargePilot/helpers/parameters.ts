import type { IGetNodeParameterOptions, INode, NodeParameterValueType } from 'n8n-workflow';

/**
 * What stays the same for every item of one node run, read once instead of once per item.
 *
 * n8n's `getNode()` deep-copies the whole node (all its parameters) on every call, and
 * `getNodeParameter()` copies, resolves and validates the parameter on every call. For parameters
 * without an expression the answer cannot depend on the item, so the first answer is kept for the
 * run. Parameters with an expression anywhere in them are always asked afresh per item. Keyed by
 * the run's context object: nothing outlives the run. Failures are never kept (each item reports
 * its own error).
 */

interface ParameterContext {
	getNode(): INode;
	getNodeParameter(parameterName: string, itemIndex: number, fallbackValue?: unknown, options?: IGetNodeParameterOptions): unknown;
}

interface RunCache {
	node: INode;
	parameters: Map<string, unknown>;
}

const caches = new WeakMap<object, RunCache>();

function cacheOf(context: ParameterContext): RunCache {
	let cache = caches.get(context);
	if (!cache) {
		cache = { node: context.getNode(), parameters: new Map() };
		caches.set(context, cache);
	}
	return cache;
}

function deepFreeze<T>(value: T): T {
	if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const child of Object.values(value as object)) deepFreeze(child);
	}
	return value;
}

/** True when a stored parameter value holds an n8n expression (a string starting with "="). */
export function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(hasExpression);
	return false;
}

/** The node as n8n's `getNode()` gives it, copied once per run: read it, do not change it. */
export function runNode(context: ParameterContext): INode {
	return cacheOf(context).node;
}

/**
 * `getNodeParameter(name, itemIndex, fallback, options)`, answered once per run when the stored
 * parameter has no expression. The answer is shared between items, so it is frozen: read it, do not
 * change it.
 */
export function itemParameter<T = NodeParameterValueType>(
	context: ParameterContext,
	name: string,
	itemIndex: number,
	fallback?: unknown,
	options?: IGetNodeParameterOptions,
): T {
	const cache = cacheOf(context);
	// A dotted name reaches into a collection: not worth the bookkeeping, always ask n8n.
	if (name.includes('.') || hasExpression((cache.node.parameters as Record<string, unknown>)[name])) {
		return context.getNodeParameter(name, itemIndex, fallback, options) as T;
	}
	const key = JSON.stringify([name, fallback ?? null, options ?? null]);
	if (!cache.parameters.has(key)) {
		cache.parameters.set(key, deepFreeze(context.getNodeParameter(name, itemIndex, fallback, options)));
	}
	return cache.parameters.get(key) as T;
}
