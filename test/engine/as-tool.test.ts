/**
 * The node as an AI agent's tool ("ChargePilot Tool"): what a model reads must be readable. Errors
 * come back as items with the message and the hint (not a failed execution), an empty answer says
 * so, and the tool's description per operation is written for a model.
 */
import { loadBuilt, runNode } from '../harness/engine';
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
	expect(String(items[0].json.error)).toMatch(/To \(item 0\).*not after From/);
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

test('the tool variant describes every operation for a model, and limits charging events to 20 by default', () => {
	const { nodeType } = loadBuilt();
	const usable = nodeType.description.usableAsTool as { replacements: { properties: Array<{ name: string; default: unknown; displayOptions?: { show?: Record<string, string[]> } }> } };
	const properties = usable.replacements.properties;
	const descriptions = properties.filter((property) => property.name === 'toolDescription');
	const covered = descriptions.map((property) => `${property.displayOptions?.show?.resource}/${property.displayOptions?.show?.operation}`).sort();
	expect(covered).toEqual(['api/customRequest', 'api/ping', 'chargingEvent/getAll', 'site/get', 'site/getAll']);
	const events = String(descriptions.find((property) => property.displayOptions?.show?.resource?.[0] === 'chargingEvent')?.default);
	expect(events).toMatch(/ISO 8601/);
	expect(events).toMatch(/Wh/);
	expect(events).toMatch(/default 20/);
	const limit = properties.find((property) => property.name === 'limit' && property.displayOptions?.show?.resource?.includes('chargingEvent'));
	expect(limit?.default).toBe(20);
	// The node itself keeps its own defaults.
	expect(nodeType.description.properties.find((property) => property.name === 'limit' && property.displayOptions?.show?.resource?.includes('chargingEvent'))?.default).toBe(50);
});
