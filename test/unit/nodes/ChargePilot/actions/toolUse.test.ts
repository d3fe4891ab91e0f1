/**
 * The node as a tool (toolUse.ts): who calls it, and how a field is named for a model.
 */
import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { forTool, fromAiKey, MCP_TRIGGER_TYPE, toolCaller } from '../../../../../nodes/ChargePilot/actions/toolUse';

const node = (type: string, parameters: Record<string, unknown> = {}): INode => ({ id: 'n1', name: 'ChargePilot', type, typeVersion: 1, position: [0, 0], parameters: parameters as INode['parameters'] });

function context(type: string, callerType?: string, parameters: Record<string, unknown> = {}): IExecuteFunctions {
	const theNode = node(type, parameters);
	return {
		getNode: () => theNode,
		getExecuteData: callerType === undefined ? undefined : () => ({ node: node(callerType) }),
		getNodeParameter: (name: string, _item: number, fallback?: unknown) => (parameters[name] ?? fallback) as never,
	} as unknown as IExecuteFunctions;
}

describe('toolCaller', () => {
	test('a plain node is no tool, whoever runs it', () => {
		expect(toolCaller(context('n8n-nodes-chargepilot.chargePilot', MCP_TRIGGER_TYPE))).toBeUndefined();
	});

	test('the MCP Server Trigger; anything else is an agent (Agent 2: the agent node; Agent 3 and queue mode: the tool node itself)', () => {
		expect(MCP_TRIGGER_TYPE).toBe('@n8n/n8n-nodes-langchain.mcpTrigger');
		expect(toolCaller(context('n8n-nodes-chargepilot.chargePilotTool', MCP_TRIGGER_TYPE))).toBe('mcp');
		expect(toolCaller(context('n8n-nodes-chargepilot.chargePilotTool', '@n8n/n8n-nodes-langchain.agent'))).toBe('agent');
		expect(toolCaller(context('n8n-nodes-chargepilot.chargePilotTool', 'n8n-nodes-chargepilot.chargePilotTool'))).toBe('agent');
		expect(toolCaller(context('n8n-nodes-chargepilot.chargePilotTool'))).toBe('agent');
	});
});

describe('fromAiKey', () => {
	test.each([
		["={{ $fromAI('from', 'start', 'string') }}", 'from'],
		['={{ $fromAI("site_id") }}', 'site_id'],
		['={{ $fromAI(`x`) }}', 'x'],
		["={{ $fromAI( 'spaced' ) }}", 'spaced'],
		[{ __rl: true, mode: 'id', value: "={{ $fromAI('siteId') }}" }, 'siteId'],
		[['a', { b: "={{ $fromAI('deep') }}" }], 'deep'],
	])('%j → %s', (value, key) => {
		expect(fromAiKey(value)).toBe(key);
	});

	test.each([undefined, null, 42, '2026-01-01', "={{ $json.from }}", "={{ fromAI('x') }}", "={{ $fromAI('') }}", "={{ $fromAI('a\") }}"])('%j holds no key', (value) => {
		expect(fromAiKey(value)).toBeUndefined();
	});

	test('nesting is followed only so deep', () => {
		let value: unknown = "={{ $fromAI('far') }}";
		for (let depth = 0; depth < 8; depth++) value = { inner: value };
		expect(fromAiKey(value)).toBeUndefined();
	});
});

describe('forTool', () => {
	const tool = (parameters: Record<string, unknown>) => context('n8n-nodes-chargepilot.chargePilotTool', undefined, { resource: 'chargingEvent', operation: 'getAll', ...parameters });

	test('a field filled by the model: its argument', () => {
		expect(forTool(tool({ from: "={{ $fromAI('start') }}" }), 'From (item 0): "x" is not a valid date and time')).toBe('From (argument "start"): "x" is not a valid date and time');
	});

	test('an option filled by the model: its argument', () => {
		expect(forTool(tool({ options: { searchText: "={{ $fromAI('q') }}" } }), 'Search Text (item 3): too long')).toBe('Search Text (argument "q"): too long');
	});

	test('a field set in the tool: said so', () => {
		expect(forTool(tool({ to: '2026-01-01T00:00:00Z' }), 'To (item 0): is not after From')).toBe('To (set in the tool, not an argument): is not after From');
	});

	test('a label that is not a parameter of the operation: the item part dropped', () => {
		expect(forTool(tool({}), 'Request (item 0): the URL is wrong')).toBe('Request: the URL is wrong');
	});

	test('messages without an item are left as they are', () => {
		expect(forTool(tool({}), 'ChargePilot answered 404 to GET /sites/x: Site x not found (1 attempt)')).toBe('ChargePilot answered 404 to GET /sites/x: Site x not found (1 attempt)');
	});
});
