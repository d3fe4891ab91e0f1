/**
 * The node as an AI agent's tool ("ChargePilot Tool"): what a model reads must be readable. Errors
 * come back as items with the message and the hint (not a failed execution), an empty answer says
 * so, and the tool's description per operation, written for a model, is what n8n's engine tells the
 * model (n8n-workflow's getToolDescriptionForNode on the parameters its Workflow fills in), as is
 * the tool's Limit. test/e2e/ai-agent.e2e.js shows the same in a real n8n with a scripted model.
 */
import type { INode, INodeParameters } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { aiToolVariant, loadBuilt, NODE_TYPE, runNode, TestNodeTypes } from '../harness/engine';
import { sandboxCredentials, useSandbox } from '../harness/sandbox';

const sandbox = useSandbox();
const creds = () => sandboxCredentials(sandbox());
const rl = (value: string) => ({ __rl: true, mode: 'id', value });

test('an unknown site comes back to the model as an item with the error, its hint and the HTTP code', async () => {
	const { items, error } = await runNode({ parameters: { resource: 'site', operation: 'get', siteId: rl('no-such-site') }, credentials: creds(), asTool: true });
	expect(error).toBeUndefined();
	expect(items).toHaveLength(1);
	expect(items[0].json).toMatchObject({ httpCode: '404' });
	expect(String(items[0].json.error)).toMatch(/404 to GET \/sites\/no-such-site: Site no-such-site not found/);
	expect(String(items[0].json.description)).toMatch(/site IDs come from Site → Get Many/);
});

test('bad input from the model (To before From) comes back as an item naming the field', async () => {
	const { items, error } = await runNode({
		parameters: { resource: 'chargingEvent', operation: 'getAll', siteId: rl('site-berlin-depot'), from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
		credentials: creds(),
		asTool: true,
	});
	expect(error).toBeUndefined();
	// A model cannot act on "(item 0)": the field is said to be fixed in the tool instead.
	expect(String(items[0].json.error)).toMatch(/^To \(set in the tool, not an argument\): .*not after From/);
	expect(sandbox().requests).toHaveLength(0);
});

test.each([
	[{ siteId: 'site-berlin-depot', from: 'next tuesday', search: 'x' }, 'From (argument "from"): "next tuesday" is not a valid date and time'],
	[{ siteId: '../admin', from: '2026-01-01T00:00:00Z', search: 'x' }, 'Site (argument "siteId"): the ID "../admin" contains "/" or "\\", which an ID cannot hold'],
	[{ siteId: 'site-berlin-depot', from: '2026-01-01T00:00:00Z', search: 'line\nbreak' }, 'Search Text (argument "search"): contains a line break or control character'],
])('an argument the model filled wrong is named by its $fromAI() key, not by "(item 0)": %j', async (args, message) => {
	const { items, error } = await runNode({
		parameters: {
			resource: 'chargingEvent',
			operation: 'getAll',
			siteId: rl("={{ $fromAI('siteId', 'the site ID', 'string') }}"),
			from: "={{ $fromAI('from', 'start of the window', 'string') }}",
			to: '2026-02-01T00:00:00Z',
			options: { searchText: "={{ $fromAI('search', 'free text', 'string') }}" },
		},
		credentials: creds(),
		asTool: true,
		items: [args],
	});
	expect(error).toBeUndefined();
	expect(items.map((item) => String(item.json.error))).toEqual([message]);
	expect(sandbox().requests).toHaveLength(0);
});

test('an empty window comes back as an explicit "no results" item, not as nothing', async () => {
	const { items } = await runNode({
		parameters: { resource: 'chargingEvent', operation: 'getAll', siteId: rl('site-berlin-depot'), from: '2020-01-01T00:00:00Z', to: '2020-01-02T00:00:00Z' },
		credentials: creds(),
		asTool: true,
	});
	expect(items.map((item) => item.json)).toEqual([{ results: 0, message: expect.stringMatching(/returned nothing/) }]);
	// As a plain node, an empty window stays empty.
	const plain = await runNode({
		parameters: { resource: 'chargingEvent', operation: 'getAll', siteId: rl('site-berlin-depot'), from: '2020-01-01T00:00:00Z', to: '2020-01-02T00:00:00Z' },
		credentials: creds(),
	});
	expect(plain.items).toEqual([]);
});

/** What n8n's engine tells the model about a tool node stored with these parameters. */
function toldToModel(parameters: Record<string, unknown>): { description: string; parameters: INodeParameters } {
	const toolType = aiToolVariant(loadBuilt().nodeType);
	const node: INode = { id: 'tool-1', name: 'ChargePilot Events', type: `${NODE_TYPE}Tool`, typeVersion: 1, position: [0, 0], parameters: parameters as INodeParameters };
	// n8n builds the workflow from the stored JSON; its constructor fills in the parameters' defaults.
	const workflow = new Workflow({ id: 'tool-test', nodes: [node], connections: {}, active: false, nodeTypes: new TestNodeTypes({ [node.type]: toolType }) });
	const filled = workflow.getNode(node.name)!;
	return { description: NodeHelpers.getToolDescriptionForNode(filled, toolType), parameters: filled.parameters };
}

const eventsTool = { resource: 'chargingEvent', operation: 'getAll', siteId: rl("={{ $fromAI('siteId') }}"), from: "={{ $fromAI('from') }}", to: "={{ $fromAI('to') }}" };

test("the model is told each operation's model-facing Description when the workflow keeps the default (not n8n's \"Get many … in ChargePilot\")", () => {
	const descriptions = loadBuilt().nodeType.description.properties.filter((property) => property.name === 'toolDescription');
	const covered = descriptions.map((property) => `${property.displayOptions?.show?.resource}/${property.displayOptions?.show?.operation}`).sort();
	expect(covered).toEqual(['api/customRequest', 'api/ping', 'chargingEvent/getAll', 'chargingEvent/summarize', 'site/get', 'site/getAll']);
	for (const property of descriptions) {
		const [resource, operation] = [property.displayOptions!.show!.resource![0], property.displayOptions!.show!.operation![0]];
		// What the editor stores when the Description is left as it is: nothing.
		expect(toldToModel({ resource, operation }).description).toBe(property.default);
	}
	const events = toldToModel(eventsTool).description;
	expect(events).toMatch(/ISO 8601/);
	expect(events).toMatch(/in Wh/);
	expect(events).toMatch(/default 20/);
	expect(events).not.toMatch(/^Get many/);
});

test('a Description the user wrote is what the model is told, also in a tool node saved with the former "Set Automatically" switch', () => {
	expect(toldToModel({ ...eventsTool, toolDescription: 'Our sessions, energy in Wh.' }).description).toBe('Our sessions, energy in Wh.');
	// n8n's own switch (descriptionType) is not a parameter of this node: ignored, never "auto".
	expect(toldToModel({ ...eventsTool, descriptionType: 'manual', toolDescription: 'Written before.' }).description).toBe('Written before.');
	expect(toldToModel({ ...eventsTool, descriptionType: 'auto' }).description).toMatch(/^Lists the completed EV charging sessions/);
	expect(toldToModel({ ...eventsTool, descriptionType: 'auto' }).parameters.descriptionType).toBeUndefined();
});

test('as a tool, Charging Event → Get Many reads at most 20 events unless the workflow sets a Limit; the node keeps 50', async () => {
	const window = { from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' };
	const asTool = await runNode({ parameters: { resource: 'chargingEvent', operation: 'getAll', siteId: rl('site-berlin-depot'), ...window }, credentials: creds(), asTool: true });
	expect(asTool.items).toHaveLength(20);
	expect(new URL(sandbox().requests[0].target, 'http://x').searchParams.get('take')).toBe('20');
	sandbox().clearRequests();
	const chosen = await runNode({ parameters: { resource: 'chargingEvent', operation: 'getAll', siteId: rl('site-berlin-depot'), ...window, limit: 7 }, credentials: creds(), asTool: true });
	expect(chosen.items).toHaveLength(7);
	const plain = await runNode({ parameters: { resource: 'chargingEvent', operation: 'getAll', siteId: rl('site-berlin-depot'), ...window }, credentials: creds() });
	expect(plain.items).toHaveLength(50);
	// Neither the tool's Description nor its Limit shows in the node.
	const nodeParameters = new Workflow({
		id: 'plain',
		nodes: [{ id: 'n', name: 'N', type: NODE_TYPE, typeVersion: 1, position: [0, 0], parameters: { resource: 'chargingEvent', operation: 'getAll' } }],
		connections: {},
		active: false,
		nodeTypes: new TestNodeTypes({ [NODE_TYPE]: loadBuilt().nodeType }),
	}).getNode('N')!.parameters;
	expect(nodeParameters.limit).toBe(50);
	expect(nodeParameters.toolDescription).toBeUndefined();
	expect(toldToModel(eventsTool).parameters.limit).toBe(20);
});

test('n8n adds no "Tool Description" switch of its own: the node brings its Description, and no replacements the engine would ignore', () => {
	const { description } = loadBuilt().nodeType;
	expect(description.usableAsTool).toBe(true);
	const toolType = aiToolVariant(loadBuilt().nodeType);
	expect(toolType.description.properties.some((property) => property.name === 'descriptionType')).toBe(false);
});
