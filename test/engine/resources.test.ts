/** Sites and charging events in n8n's real engine, against the sandbox(). */
import { runNode, searchSites } from '../harness/engine';
import { sandboxCredentials, useSandbox } from '../harness/sandbox';

const MAIN = 'site-berlin-depot';
const sandbox = useSandbox({ eventCount: 6000 }, { truncateAbove: null, truncated: false, listEnvelope: 'array' });

const creds = () => sandboxCredentials(sandbox());
const byList = (value: string) => ({ __rl: true, mode: 'list', value });
const byId = (value: string) => ({ __rl: true, mode: 'id', value });

function eventsBetween(from: string, to: string) {
	const start = Date.parse(from);
	const end = Date.parse(to);
	return sandbox().getEvents(MAIN).filter((event) => {
		const t = Date.parse(String(event.start_time));
		return t >= start && t < end;
	});
}

describe('Site', () => {
	test('Get Many, simplified: one item per site with the summary fields', async () => {
		const { items, error } = await runNode({ parameters: { resource: 'site', operation: 'getAll', returnAll: true }, credentials: creds() });
		expect(error).toBeUndefined();
		expect(items.map((i) => i.json.id)).toEqual(sandbox().sites.map((s) => s.id));
		const berlin = items.find((i) => i.json.id === MAIN)!.json;
		expect(Object.keys(berlin).sort()).toEqual(['chargingPointCount', 'chargingStationCount', 'controller', 'controllerId', 'controllerSerialNo', 'id', 'name', 'timezone']);
		expect(berlin.timezone).toBe('Europe/Berlin');
		expect(berlin.chargingStationCount).toBe(20);
		expect(berlin.chargingPointCount).toBeGreaterThanOrEqual(20);
	});

	test('Get Many, raw, with a limit; also when the API wraps the list in an object', async () => {
		sandbox().configure({ listEnvelope: 'object' });
		const { items, error } = await runNode({ parameters: { resource: 'site', operation: 'getAll', returnAll: false, limit: 2, simplify: false }, credentials: creds() });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(2);
		expect(items[0].json).toEqual(sandbox().sites[0]);
		expect(Array.isArray(items[0].json.fuse_tree)).toBe(true);
	});

	test('Get by ID and from the list give the site; the ID is one encoded path segment', async () => {
		const fromList = await runNode({ parameters: { resource: 'site', operation: 'get', siteId: byList(MAIN), simplify: false }, credentials: creds() });
		expect(fromList.items[0].json).toEqual(sandbox().sites.find((s) => s.id === MAIN));
		const weird = await runNode({ parameters: { resource: 'site', operation: 'get', siteId: byId('a?c#d e') }, credentials: creds() });
		expect(weird.error?.message).toMatch(/404/);
		expect(sandbox().requests.map((r) => r.target)).toEqual([`/rest/v1/sites/${MAIN}`, '/rest/v1/sites/a%3Fc%23d%20e']);
	});

	test('Get simplifies by default: the same summary fields as Get Many gives for that site', async () => {
		const one = await runNode({ parameters: { resource: 'site', operation: 'get', siteId: byList(MAIN) }, credentials: creds() });
		const many = await runNode({ parameters: { resource: 'site', operation: 'getAll', returnAll: true }, credentials: creds() });
		expect(one.error).toBeUndefined();
		expect(one.items).toHaveLength(1);
		expect(one.items[0].json).toEqual(many.items.find((i) => i.json.id === MAIN)!.json);
		expect(one.items[0].json).not.toHaveProperty('fuse_tree');
		expect(one.items[0].json.chargingStationCount).toBe(20);
	});

	test('Get with no site selected fails naming the field and item, nothing sent', async () => {
		const { error } = await runNode({ parameters: { resource: 'site', operation: 'get', siteId: byId('={{ "" }}') }, credentials: creds() });
		expect(error?.message).toMatch(/Site \(item 0\): no site is selected/);
		expect(sandbox().requests).toHaveLength(0);
	});

	test('list search: every site, searchable by name', async () => {
		const all = await searchSites(creds());
		expect(all.results.map((r) => r.value).sort()).toEqual(sandbox().sites.map((s) => String(s.id)).sort());
		expect(all.results.find((r) => r.value === MAIN)?.name).toMatch(/Berlin.*\(Europe\/Berlin\)/);
		const filtered = await searchSites(creds(), 'amsterdam');
		expect(filtered.results.map((r) => r.value)).toEqual(['site-amsterdam-office']);
		expect(sandbox().requests.every((r) => r.auth.ok)).toBe(true);
	});
});

describe('Charging Event → Get Many', () => {
	const from = '2026-01-01T00:00:00Z';
	const to = '2026-07-01T00:00:00Z';
	const base = { resource: 'chargingEvent', operation: 'getAll', siteId: byList(MAIN), from, to };

	test('Return All pages with take/skip and returns every event exactly once, in order', async () => {
		const expected = eventsBetween(from, to);
		expect(expected.length).toBeGreaterThan(5000);
		const { items, error } = await runNode({ parameters: { ...base, returnAll: true }, credentials: creds() });
		expect(error).toBeUndefined();
		expect(items.map((i) => i.json.transaction_id)).toEqual(expected.map((e) => e.transaction_id));
		expect(new Set(items.map((i) => i.json.transaction_id)).size).toBe(items.length);
		const pages = sandbox().requests.map((r) => new URL(`http://x${r.target}`).searchParams);
		expect(pages.length).toBe(Math.ceil(expected.length / 1000));
		expect(pages.map((p) => p.get('skip'))).toEqual(pages.map((_p, i) => String(i * 1000)));
		expect(pages.every((p) => p.get('take') === '1000' && p.get('from') === from && p.get('to') === to)).toBe(true);
		expect(sandbox().requests.every((r) => r.auth.ok)).toBe(true);
	});

	test('Limit stops early without fetching further pages', async () => {
		const { items } = await runNode({ parameters: { ...base, returnAll: false, limit: 1500 }, credentials: creds() });
		expect(items).toHaveLength(1500);
		expect(items.map((i) => i.json.transaction_id)).toEqual(eventsBetween(from, to).slice(0, 1500).map((e) => e.transaction_id));
		const takes = sandbox().requests.map((r) => new URL(`http://x${r.target}`).searchParams.get('take'));
		expect(takes).toEqual(['1000', '500']);
	});

	test('small page size, sort, search text and a date-time in the workflow timezone', async () => {
		const { items, error } = await runNode({
			parameters: {
				...base,
				from: '2026-03-01T01:00:00',
				to: '2026-03-15T01:00:00',
				returnAll: true,
				options: { pageSize: 50, sortField: 'start_time', sortOrder: 'desc', searchText: 'BER-DC' },
			},
			credentials: creds(),
			timezone: 'Europe/Berlin',
		});
		expect(error).toBeUndefined();
		const first = new URL(`http://x${sandbox().requests[0].target}`).searchParams;
		// 01:00 in Berlin (CET, +01:00) is midnight UTC.
		expect(first.get('from')).toBe('2026-03-01T00:00:00Z');
		expect(first.get('to')).toBe('2026-03-15T00:00:00Z');
		expect(first.get('sort_order')).toBe('desc');
		expect(first.get('search_text')).toBe('BER-DC');
		expect(items.every((i) => String(i.json.charger_id).includes('BER-DC'))).toBe(true);
		expect(first.get('take')).toBe('50');
		const starts = items.map((i) => Date.parse(String(i.json.start_time)));
		expect(starts).toEqual([...starts].sort((a, b) => b - a));
		expect(items.length).toBeGreaterThan(50);
	});

	test('a truncated answer is read again in parts: every event, in order, and a note that says so', async () => {
		const expected = eventsBetween(from, to);
		sandbox().configure({ truncateAbove: 1200 });
		const { items, error, hints } = await runNode({ parameters: { ...base, returnAll: true }, credentials: creds() });
		expect(error).toBeUndefined();
		expect(items.map((i) => i.json.transaction_id)).toEqual(expected.map((e) => e.transaction_id));
		expect(items.some((i) => '_truncated' in i.json || '_incomplete' in i.json)).toBe(false);
		expect(JSON.stringify(hints)).toMatch(/first answer for site site-berlin-depot .* was incomplete \(ChargePilot marked the answer as truncated \(count 1200\); read again in \d+ parts, complete\): every event was read/);
		expect(sandbox().requests.every((r) => r.auth.ok)).toBe(true);
	});

	test('an answer that stays truncated however small the window: what arrived, each event flagged, and a warning', async () => {
		sandbox().configure({ truncated: true });
		const { items, error, hints } = await runNode({ parameters: { ...base, returnAll: true }, credentials: creds() });
		expect(error).toBeUndefined();
		expect(new Set(items.map((i) => i.json.transaction_id)).size).toBe(items.length);
		expect(items.length).toBeGreaterThan(0);
		expect(items.every((i) => i.json._truncated === true && i.json._incomplete === true)).toBe(true);
		expect(JSON.stringify(hints)).toMatch(/did not deliver every charging event.*truncated.*Narrow the window/);
		expect(sandbox().requests.length).toBeLessThanOrEqual(7 + 64 + 7);
	});

	test('Fail When Incomplete (failOnTruncated) turns the warning into an error', async () => {
		sandbox().configure({ truncated: true });
		const { error } = await runNode({ parameters: { ...base, returnAll: true, options: { failOnTruncated: true } }, credentials: creds() });
		expect(error?.message).toMatch(/did not deliver every charging event.*truncated/);
		expect(error?.description).toMatch(/Fail When Incomplete/);
	});

	test('an unknown site gives ChargePilot\'s 404 with a hint', async () => {
		const { error } = await runNode({ parameters: { ...base, siteId: byId('no-such-site'), returnAll: true }, credentials: creds() });
		expect(error?.message).toMatch(/404/);
		expect(error?.description).toMatch(/Site → Get Many/);
	});

	describe('bad input: clear error naming field and item, nothing sent', () => {
		test.each([
			['To before From', { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, /To \(item 0\).*not after From/],
			['To equal to From', { from: '2026-02-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }, /To \(item 0\).*not after From/],
			['invalid From', { from: '2026-02-30T00:00:00' }, /From \(item 0\).*not a valid date/],
			['garbage To', { to: 'next tuesday' }, /To \(item 0\).*not a valid date/],
			['Search Text over 100 characters', { returnAll: true, options: { searchText: 'x'.repeat(101) } }, /Search Text \(item 0\).*101 characters/],
			['Limit below 1', { returnAll: false, limit: 0 }, /Limit \(item 0\).*at least 1/],
			['Page Size over 1000', { returnAll: true, options: { pageSize: 5000 } }, /Page Size \(item 0\)/],
		])('%s', async (_name, parameters, message) => {
			const { error } = await runNode({ parameters: { ...base, returnAll: true, ...parameters }, credentials: creds() });
			expect(error?.message).toMatch(message);
			expect(sandbox().requests).toHaveLength(0);
		});

		test('From left empty by an expression', async () => {
			const { error } = await runNode({ parameters: { ...base, from: '={{ "" }}', returnAll: true }, credentials: creds() });
			expect(error?.message).toMatch(/From \(item 0\).*empty/);
		});

		test('the failing item is named when several items run', async () => {
			const { error } = await runNode({
				parameters: { ...base, from: '={{ $json.from }}', returnAll: false, limit: 1 },
				credentials: creds(),
				items: [{ from: '2026-01-01T00:00:00Z' }, { from: 'bogus' }],
			});
			expect(error?.message).toMatch(/From \(item 1\)/);
		});
	});
});
