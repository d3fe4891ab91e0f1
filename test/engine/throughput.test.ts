/**
 * What the throughput work changed, checked for behaviour (speed itself is measured by
 * `npm run bench`, never by a test): the credential is loaded once per run, parameters without an
 * expression are read once, items are read ahead while requests are on the wire, and none of that
 * changes what each item sends, outputs or reports.
 */
import { runNode } from '../harness/engine';
import { sandboxCredentials, useSandbox } from '../harness/sandbox';

const sandbox = useSandbox();
const creds = () => sandboxCredentials(sandbox());
const custom = { resource: 'api', operation: 'customRequest', method: 'GET' };
const items = (count: number) => Array.from({ length: count }, (_v, n) => ({ n }));

test('200 items: n8n is asked for the credential once, and every request is still signed afresh', async () => {
	const { items: out, error, credentialsHelper } = await runNode({
		parameters: { ...custom, path: '=/echo/item/{{ $json.n }}', options: { concurrency: 4 } },
		credentials: creds(),
		items: items(200),
	});
	expect(error).toBeUndefined();
	expect(out.map((item) => item.json.path)).toEqual(items(200).map(({ n }) => `/rest/v1/echo/item/${n}`));
	expect(credentialsHelper.decryptCalls).toBe(1);
	expect(credentialsHelper.authenticateCalls).toHaveLength(200);
	// The sandbox verified 200 distinct signatures (each over its own path).
	const signatures = sandbox().requests.map((request) => request.headers['x-signature']);
	expect(signatures).toHaveLength(200);
	expect(new Set(signatures).size).toBe(200);
	expect(sandbox().requests.every((request) => request.status === 200)).toBe(true);
});

test('read ahead, Continue On Fail: bad items fail in place, nothing is sent for them, order and pairing kept', async () => {
	const { items: out, error } = await runNode({
		parameters: { ...custom, path: "={{ [4, 9].includes($json.n) ? 'https://elsewhere.example/x' : '/echo/item/' + $json.n }}", options: { concurrency: 3 } },
		credentials: creds(),
		items: items(12),
		continueOnFail: true,
	});
	expect(error).toBeUndefined();
	expect(out).toHaveLength(12);
	out.forEach((item, index) => {
		expect(item.pairedItem).toEqual({ item: index });
		if (index === 4 || index === 9) expect(String(item.json.error)).toMatch(new RegExp(`Path \\(item ${index}\\).*absolute URL`));
		else expect(item.json.path).toBe(`/rest/v1/echo/item/${index}`);
	});
	expect(sandbox().requests.map((request) => request.target).sort()).toEqual(
		[0, 1, 2, 3, 5, 6, 7, 8, 10, 11].map((n) => `/rest/v1/echo/item/${n}`).sort(),
	);
});

test('read ahead, no Continue On Fail: the first bad item stops the run and no later item is sent', async () => {
	const { error } = await runNode({
		parameters: { ...custom, path: "={{ $json.n === 5 ? '' : '/echo/item/' + $json.n }}", options: { concurrency: 2 } },
		credentials: creds(),
		items: items(20),
	});
	expect(error?.message).toMatch(/Path \(item 5\)/);
	expect(sandbox().requests.map((request) => request.target).sort()).toEqual([0, 1, 2, 3, 4].map((n) => `/rest/v1/echo/item/${n}`).sort());
});

test('an option given by an expression is read per item; a fixed one applies to all', async () => {
	const { items: out, error } = await runNode({
		parameters: {
			...custom,
			path: '/echo/fixed',
			options: { concurrency: 4, fullResponse: '={{ $json.n % 2 === 0 }}' },
			sendQuery: true,
			specifyQuery: 'keypair',
			queryParameters: { parameters: [{ name: 'n', value: '={{ $json.n }}' }, { name: 'fixed', value: 'yes' }] },
		},
		credentials: creds(),
		items: items(8),
	});
	expect(error).toBeUndefined();
	out.forEach((item, index) => {
		if (index % 2 === 0) {
			expect(item.json.statusCode).toBe(200);
			expect((item.json.body as { query?: unknown }).query).toEqual({ n: String(index), fixed: 'yes' });
		} else {
			expect(item.json.statusCode).toBeUndefined();
			expect(item.json.query).toEqual({ n: String(index), fixed: 'yes' });
		}
	});
	expect(sandbox().requests.map((request) => request.target).sort()).toEqual(items(8).map(({ n }) => `/rest/v1/echo/fixed?n=${n}&fixed=yes`).sort());
});

test('every operation offers Options → Concurrency (1-32, default 4), and Ping honours it', async () => {
	const { ChargePilot } = await import('../../nodes/ChargePilot/ChargePilot.node');
	const properties = new ChargePilot().description.properties;
	const operations = properties.filter((p) => p.name === 'operation').flatMap((p) =>
		(p.options as Array<{ value: string }>).map((o) => ({ resource: String(p.displayOptions?.show?.resource?.[0]), operation: o.value })),
	);
	expect(operations.length).toBe(6);
	for (const { resource, operation } of operations) {
		const options = properties.find(
			(p) => p.name === 'options' && p.displayOptions?.show?.resource?.includes(resource) && p.displayOptions?.show?.operation?.includes(operation),
		);
		const concurrency = (options?.options as Array<{ name: string; default?: unknown; typeOptions?: { minValue?: number; maxValue?: number } }> | undefined)?.find((o) => o.name === 'concurrency');
		expect({ resource, operation, concurrency: concurrency && { default: concurrency.default, ...concurrency.typeOptions } }).toEqual({
			resource,
			operation,
			concurrency: { default: 4, minValue: 1, maxValue: 32 },
		});
	}

	const { items: out, error } = await runNode({ parameters: { resource: 'api', operation: 'ping', options: { concurrency: 3 } }, credentials: creds(), items: items(6) });
	expect(error).toBeUndefined();
	expect(out.map((item) => item.pairedItem)).toEqual(items(6).map(({ n }) => ({ item: n })));
	expect(out.every((item) => item.json.result === 'ChargePilot Rest API is available')).toBe(true);
	expect(sandbox().requests).toHaveLength(6);
});

/** The most requests the sandbox was serving at the same moment. */
function maxInFlight(requests: Array<{ startedMs: number; endedMs: number | null }>): number {
	const edges = requests.flatMap((r) => [
		{ at: r.startedMs, step: 1 },
		{ at: r.endedMs ?? Infinity, step: -1 },
	]);
	edges.sort((a, b) => a.at - b.at || a.step - b.step);
	let current = 0;
	let max = 0;
	for (const edge of edges) max = Math.max(max, (current += edge.step));
	return max;
}

test.each([1, 3, 8])('Concurrency %i: exactly that many requests are in flight at once, never more', async (concurrency) => {
	// 100 ms per answer: ample time for all N requests to be under way before the first answer, even on a busy machine.
	sandbox().configure({ faults: { latencyMs: 100 } });
	const { items: out, error } = await runNode({
		parameters: { ...custom, path: '=/echo/item/{{ $json.n }}', options: { concurrency } },
		credentials: creds(),
		items: items(24),
	});
	expect(error).toBeUndefined();
	expect(out.map((item) => item.json.path)).toEqual(items(24).map(({ n }) => `/rest/v1/echo/item/${n}`));
	const requests = sandbox().requests as unknown as Array<{ startedMs: number; endedMs: number | null }>;
	expect(requests).toHaveLength(24);
	expect(maxInFlight(requests)).toBe(concurrency);
});
