/**
 * The node as a tool ("ChargePilot Tool", which n8n makes from `usableAsTool`): who is calling it,
 * and how its errors read there. A tool's answer is all a model or an MCP client sees:
 *
 * - An AI Agent gets errors as readable items (as under Continue On Fail): the model reads the
 *   message and the hint. Throwing would lose them (Agent 3 on 2.x keeps only the message, Agent 2.2
 *   gets an empty observation, Agent 3 on 1.x fails the whole execution).
 * - n8n's MCP Server Trigger turns returned items into a successful result whatever they say; only
 *   a thrown error becomes an MCP tool error (`isError: true`). So for the MCP Server Trigger the
 *   node throws, with message and hint (n8n sends "<message>\n\nDetails: <hint>").
 * - "(item 0)" means nothing to a model: in tool use the field is named by the argument the model
 *   filled (`$fromAI('from', …)` → `argument "from"`), or said to be fixed in the tool.
 *
 * Which caller: `getExecuteData().node` is the node that asked for the tool: the MCP Server Trigger
 * itself when it calls (n8n 1.x and 2.x, main process), an agent or the tool node otherwise. In
 * n8n 2.x queue mode the worker runs the tool without that information: errors come back as items
 * there (docs/MCP.md).
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { runNode } from '../helpers/parameters';
import { resources } from './resources';

export { MCP_TRIGGER_TYPE, toolCaller, type ToolCaller } from '../helpers/toolCaller';

const FROM_AI = /\$fromAI\(\s*(['"`])((?:(?!\1).){1,200})\1/;

/** The first `$fromAI('key', …)` key in a stored parameter value (an expression anywhere in it). */
export function fromAiKey(value: unknown, depth = 0): string | undefined {
	if (typeof value === 'string') return FROM_AI.exec(value)?.[2];
	if (depth > 5 || value === null || typeof value !== 'object') return undefined;
	for (const entry of Object.values(value)) {
		const key = fromAiKey(entry, depth + 1);
		if (key !== undefined) return key;
	}
	return undefined;
}

/** Display name → path of the parameter (`options.searchText` for an option) of one operation. */
function parameterPaths(resource: unknown, operation: unknown): Map<string, string> {
	const paths = new Map<string, string>();
	const shown = (property: INodeProperties) => {
		const show = property.displayOptions?.show;
		return (show?.resource as unknown[] | undefined)?.includes(resource) && (show?.operation as unknown[] | undefined)?.includes(operation);
	};
	for (const property of resources.flatMap((entry) => entry.description)) {
		if (!shown(property)) continue;
		if (!paths.has(property.displayName)) paths.set(property.displayName, property.name);
		for (const option of property.options ?? []) {
			if ('displayName' in option && 'name' in option && !paths.has(option.displayName)) paths.set(option.displayName, `${property.name}.${option.name}`);
		}
	}
	return paths;
}

function storedValue(parameters: IDataObject, path: string): unknown {
	let value: unknown = parameters;
	for (const part of path.split('.')) {
		if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
		value = (value as IDataObject)[part];
	}
	return value;
}

/** "From (item 0): …" as a model should read it: "From (argument "from"): …". */
export function forTool(context: IExecuteFunctions, message: string): string {
	const match = /^(.{1,80}?) \(item \d+\): /.exec(message);
	if (!match) return message;
	const label = match[1];
	const rest = message.slice(match[0].length);
	const parameters = runNode(context).parameters;
	const path = parameterPaths(context.getNodeParameter('resource', 0, 'api'), context.getNodeParameter('operation', 0, 'ping')).get(label);
	const key = path === undefined ? undefined : fromAiKey(storedValue(parameters, path));
	if (key !== undefined) return `${label} (argument "${key}"): ${rest}`;
	if (path !== undefined) return `${label} (set in the tool, not an argument): ${rest}`;
	return `${label}: ${rest}`;
}
