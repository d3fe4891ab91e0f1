/**
 * The router on its own: a fake context and one fake operation stand in for n8n and the real
 * resources (those run in test/engine). Proves the output order and pairing, Continue On Fail and
 * tool answers, which failure is thrown, how many items are in flight and read ahead, that nothing
 * starts after a failure, the error for an unknown operation, and errorJson.
 */
import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { errorJson, router } from '../../../../../nodes/ChargePilot/actions/router';

/** What the fake operation does for one item. */
interface Plan {
	out?: IDataObject[];
	ms?: number;
	fail?: unknown;
	badInput?: string;
}

/** "read i" when an item's parameters are read, "start i" / "end i" around its request. */
const mockLog: string[] = [];
const mockPlans: Plan[] = [];

jest.mock('../../../../../nodes/ChargePilot/actions/resources', () => ({
	resources: [
		{
			resource: { name: 'Fake', value: 'fake' },
			description: [],
			operations: {
				run: {
					description: [],
					prepare(itemIndex: number) {
						mockLog.push(`read ${itemIndex}`);
						const plan = mockPlans[itemIndex];
						if (plan.badInput !== undefined) throw new Error(plan.badInput);
						return async () => {
							mockLog.push(`start ${itemIndex}`);
							await new Promise((resolve) => setTimeout(resolve, plan.ms ?? 0));
							mockLog.push(`end ${itemIndex}`);
							if (plan.fail !== undefined) throw plan.fail;
							return plan.out ?? [];
						};
					},
				},
			},
		},
	],
}));

interface Options {
	concurrency?: unknown;
	continueOnFail?: boolean;
	tool?: boolean;
	/** The type of the node that asked for the tool (getExecuteData().node), e.g. the MCP Server Trigger. */
	caller?: string;
	parameters?: IDataObject;
}

const node = (tool = false): INode => ({ id: 'n1', name: 'ChargePilot', type: `n8n-nodes-chargepilot.chargePilot${tool ? 'Tool' : ''}`, typeVersion: 1, position: [0, 0], parameters: {} });

async function run(plans: Plan[], { concurrency, continueOnFail = false, tool = false, caller, parameters = { resource: 'fake', operation: 'run' } }: Options = {}) {
	mockPlans.splice(0, mockPlans.length, ...plans);
	mockLog.length = 0;
	const values: IDataObject = { ...parameters, options: concurrency === undefined ? {} : { concurrency } };
	const theNode = node(tool);
	const context = {
		getInputData: () => plans.map((_plan, index) => ({ json: { index } })),
		getNode: () => theNode,
		continueOnFail: () => continueOnFail,
		getNodeParameter: (name: string, _itemIndex: number, fallback?: unknown) => values[name] ?? fallback,
		getExecuteData: () => ({ node: caller ? { ...theNode, type: caller } : theNode }),
	};
	return router.call(context as unknown as IExecuteFunctions);
}

/** The error a run rejects with (the test fails when it resolves). */
async function failureOf(promise: Promise<unknown>): Promise<NodeOperationError> {
	try {
		await promise;
	} catch (error) {
		return error as NodeOperationError;
	}
	throw new Error('the run did not fail');
}

const logged = (kind: string) => mockLog.filter((entry) => entry.startsWith(`${kind} `)).map((entry) => Number(entry.split(' ')[1]));
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('errorJson', () => {
	test.each([
		['an Error: its message', new Error('boom'), { error: 'boom' }],
		['everything there is', { message: 'm', description: 'd', httpCode: '404', context: { attempts: 3 } }, { error: 'm', description: 'd', httpCode: '404', attempts: 3 }],
		['empty description and httpCode are left out', { message: 'm', description: '', httpCode: null }, { error: 'm' }],
		['0 attempts are attempts', { message: 'm', context: { attempts: 0 } }, { error: 'm', attempts: 0 }],
		['attempts that are not a number are left out', { message: 'm', context: { attempts: '3' } }, { error: 'm' }],
		['a thrown string', 'plain', { error: 'plain' }],
		['a thrown undefined', undefined, { error: 'undefined' }],
		['a thrown null', null, { error: 'null' }],
	])('%s', (_name, error, expected) => {
		expect(errorJson(error)).toEqual(expected);
	});
});

describe('router', () => {
	test('output keeps the input order and pairs every result with its item, whatever finishes first', async () => {
		const output = await run([{ out: [{ a: 0 }], ms: 40 }, { out: [{ a: 1 }, { b: 1 }] }, { out: [], ms: 10 }, { out: [{ a: 3 }] }], { concurrency: 4 });
		expect(mockLog.indexOf('end 1')).toBeLessThan(mockLog.indexOf('end 0'));
		expect(output).toEqual([
			[
				{ json: { a: 0 }, pairedItem: { item: 0 } },
				{ json: { a: 1 }, pairedItem: { item: 1 } },
				{ json: { b: 1 }, pairedItem: { item: 1 } },
				{ json: { a: 3 }, pairedItem: { item: 3 } },
			],
		]);
	});

	test('no input items: no output, nothing read', async () => {
		expect(await run([])).toEqual([[]]);
		expect(mockLog).toEqual([]);
	});

	test('Concurrency is read only when there is more than one item', async () => {
		expect(await run([{ out: [{ a: 1 }] }], { concurrency: 0 })).toEqual([[{ json: { a: 1 }, pairedItem: { item: 0 } }]]);
		const error = await failureOf(run([{}, {}], { concurrency: 0 }));
		expect(error.message).toBe('Concurrency (item 0): must be a number from 1 to 32, got 0');
	});

	test.each([1, 2, 3])('Concurrency %i: exactly that many requests in flight at most; each item read once, at most that many read ahead', async (concurrency) => {
		await run(Array.from({ length: 7 }, () => ({ out: [{}], ms: 15 })), { concurrency });
		let inFlight = 0;
		let maxInFlight = 0;
		let readNotStarted = 0;
		let maxReadNotStarted = 0;
		for (const entry of mockLog) {
			if (entry.startsWith('read ')) readNotStarted++;
			if (entry.startsWith('start ')) {
				readNotStarted--;
				inFlight++;
			}
			if (entry.startsWith('end ')) inFlight--;
			maxInFlight = Math.max(maxInFlight, inFlight);
			maxReadNotStarted = Math.max(maxReadNotStarted, readNotStarted);
		}
		expect(maxInFlight).toBe(concurrency);
		expect(maxReadNotStarted).toBe(concurrency);
		expect(logged('read')).toEqual([0, 1, 2, 3, 4, 5, 6]);
		expect(logged('start')).toEqual([0, 1, 2, 3, 4, 5, 6]);
		// The next item's parameters are read while the first request is on the wire.
		expect(mockLog.indexOf(`read ${concurrency}`)).toBeLessThan(mockLog.indexOf('end 0'));
	});

	test('two items one at a time: the second is read while the first is on the wire', async () => {
		await run([{ out: [{}], ms: 15 }, { out: [{}] }], { concurrency: 1 });
		expect(mockLog).toEqual(['read 0', 'start 0', 'read 1', 'end 0', 'start 1', 'end 1']);
	});

	test('wrong parameters stop the reading ahead: nothing after the failing item is read', async () => {
		const error = await failureOf(run([{ out: [{}], ms: 15 }, { badInput: 'bad' }, { out: [{}] }, { out: [{}] }], { concurrency: 2 }));
		await wait(30);
		expect(error.context.itemIndex).toBe(1);
		expect(logged('read')).toEqual([0, 1]);
		expect(logged('start')).toEqual([0]);
	});

	test('Continue On Fail: a failed request and wrong parameters each give one error item, in place', async () => {
		const down = Object.assign(new Error('down'), { httpCode: '503', description: 'try later', context: { attempts: 2 } });
		const output = await run([{ out: [{ ok: 0 }] }, { fail: down }, { badInput: 'Path (item 2): is empty' }, { out: [{ ok: 3 }] }], { continueOnFail: true, concurrency: 2 });
		expect(output).toEqual([
			[
				{ json: { ok: 0 }, pairedItem: { item: 0 } },
				{ json: { error: 'down', description: 'try later', httpCode: '503', attempts: 2 }, pairedItem: { item: 1 } },
				{ json: { error: 'Path (item 2): is empty' }, pairedItem: { item: 2 } },
				{ json: { ok: 3 }, pairedItem: { item: 3 } },
			],
		]);
	});

	test('without Continue On Fail the lowest failing item is thrown, even when a later one failed first', async () => {
		const error = await failureOf(run([{ fail: new Error('slow'), ms: 40 }, { fail: new Error('fast') }], { concurrency: 2 }));
		expect(mockLog.indexOf('end 1')).toBeLessThan(mockLog.indexOf('end 0'));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('slow');
		expect(error.context.itemIndex).toBe(0);
	});

	test('an error that is already the node\'s (NodeOperationError, or naming its node) is thrown as it is', async () => {
		const own = new NodeOperationError(node(), 'Site (item 0): not found', { itemIndex: 0 });
		expect(await failureOf(run([{ fail: own }]))).toBe(own);
		const named = Object.assign(new Error('api'), { node: node() });
		expect(await failureOf(run([{ fail: named }]))).toBe(named);
	});

	test('after a failure nothing more is started; items read ahead send nothing', async () => {
		const error = await failureOf(run([{ out: [{}] }, { fail: new Error('x'), ms: 10 }, { out: [{}] }, { out: [{}] }], { concurrency: 1 }));
		await wait(30);
		expect(error.context.itemIndex).toBe(1);
		expect(logged('start')).toEqual([0, 1]);
		expect(logged('read')).toEqual([0, 1, 2]);
	});

	test('wrong parameters fail at their turn: earlier items were sent, later ones are not', async () => {
		const error = await failureOf(run([{ out: [{}], ms: 10 }, { badInput: 'bad' }, { out: [{}] }], { concurrency: 1 }));
		expect(error.message).toBe('bad');
		expect(error.context.itemIndex).toBe(1);
		expect(logged('start')).toEqual([0]);
	});

	test('as a tool: an empty answer says so, and an error is an item even without Continue On Fail', async () => {
		expect(await run([{ out: [] }, { fail: new Error('x') }, { out: [{ a: 2 }] }], { tool: true, concurrency: 1 })).toEqual([
			[
				{ json: { results: 0, message: 'ChargePilot returned nothing for this request (for example, no charging sessions in this time window).' }, pairedItem: { item: 0 } },
				{ json: { error: 'x' }, pairedItem: { item: 1 } },
				{ json: { a: 2 }, pairedItem: { item: 2 } },
			],
		]);
		expect(await run([{ out: [] }])).toEqual([[]]);
	});

	test.each([
		[{ resource: 'fake', operation: 'nope' }, 'The operation "nope" is not known for the resource "fake"'],
		[{ resource: 'other', operation: 'run' }, 'The operation "run" is not known for the resource "other"'],
		[{ resource: 'fake', operation: 'constructor' }, 'The operation "constructor" is not known for the resource "fake"'],
		[{}, 'The operation "ping" is not known for the resource "api"'],
	])('%j: refused before anything is read', async (parameters, message) => {
		const error = await failureOf(run([{ out: [{}] }], { parameters }));
		expect(error.message).toBe(message);
		expect(error.description).toBe('Open the node and choose the resource and operation again.');
		expect(mockLog).toEqual([]);
	});
});

describe('as a tool: who calls decides how a failure comes back', () => {
	const bad = new NodeOperationError(node(true), 'From (item 0): "soon" is not a valid date and time', { description: 'Use ISO 8601.' });

	test('an AI Agent (or anything but the MCP Server Trigger) gets the failure as an item, "(item 0)" replaced', async () => {
		for (const caller of [undefined, '@n8n/n8n-nodes-langchain.agent']) {
			const items = await run([{ fail: bad }], { tool: true, caller });
			expect(items[0].map((item) => item.json)).toEqual([{ error: 'From: "soon" is not a valid date and time', description: 'Use ISO 8601.' }]);
		}
	});

	test("n8n's MCP Server Trigger gets it thrown (an MCP tool error), with its hint; nothing is swallowed", async () => {
		const error = await failureOf(run([{ fail: bad }], { tool: true, caller: '@n8n/n8n-nodes-langchain.mcpTrigger' }));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('From: "soon" is not a valid date and time');
		expect(error.description).toBe('Use ISO 8601.');
	});

	test("the node's Continue On Fail does not turn an MCP tool error into an item: the client still gets isError", async () => {
		const error = await failureOf(run([{ fail: bad }], { tool: true, caller: '@n8n/n8n-nodes-langchain.mcpTrigger', continueOnFail: true }));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('From: "soon" is not a valid date and time');
	});

	test('an API failure thrown for the MCP Server Trigger keeps its message and hint', async () => {
		const apiFailure = Object.assign(new Error('ChargePilot answered 404 to GET /sites/x: Site x not found (1 attempt)'), { description: 'Check the ID.', httpCode: '404' });
		const error = await failureOf(run([{ fail: apiFailure }], { tool: true, caller: '@n8n/n8n-nodes-langchain.mcpTrigger' }));
		expect(error.message).toBe('ChargePilot answered 404 to GET /sites/x: Site x not found (1 attempt)');
		expect(error.description).toBe('Check the ID.');
	});

	test('the MCP Server Trigger calling the node as a plain node (not its tool) changes nothing', async () => {
		const error = await failureOf(run([{ fail: bad }], { caller: '@n8n/n8n-nodes-langchain.mcpTrigger' }));
		expect(error.message).toBe('From (item 0): "soon" is not a valid date and time');
	});

	test('a successful answer is the same for both callers', async () => {
		for (const caller of ['@n8n/n8n-nodes-langchain.mcpTrigger', '@n8n/n8n-nodes-langchain.agent']) {
			expect((await run([{ out: [{ a: 1 }] }], { tool: true, caller }))[0].map((item) => item.json)).toEqual([{ a: 1 }]);
			expect((await run([{ out: [] }], { tool: true, caller }))[0].map((item) => item.json)).toEqual([{ results: 0, message: expect.stringMatching(/returned nothing/) }]);
		}
	});
});
