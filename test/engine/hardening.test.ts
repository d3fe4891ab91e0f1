/**
 * The node against a hostile workflow editor and a lying server, in n8n's real engine: requests it
 * must refuse (naming field and item, sending nothing), answers it must not trust, and loops that
 * must end. Each test fails on 0.1.0.
 */
import { runNode } from '../harness/engine';
import { sandboxCredentials, useSandbox } from '../harness/sandbox';

const sandbox = useSandbox({}, { lies: null });
const creds = () => sandboxCredentials(sandbox());
const rl = (value: unknown) => ({ __rl: true, mode: 'id', value });
const SITE = 'site-berlin-depot';
const fromItem = '={{ $json.v }}';
const custom = (extra: Record<string, unknown> = {}) => ({ resource: 'api', operation: 'customRequest', method: 'GET', path: '/echo/x', ...extra });
const allEvents = (extra: Record<string, unknown> = {}) => ({
	resource: 'chargingEvent',
	operation: 'getAll',
	siteId: rl(SITE),
	from: '2026-01-01T00:00:00Z',
	to: '2026-12-31T00:00:00Z',
	returnAll: true,
	...extra,
});

/** Runs item 0 (good) and item 1 (bad) under Continue On Fail; returns item 1's error and the requests sent. */
async function badSecondItem(parameters: Record<string, unknown>, good: unknown, bad: unknown) {
	const { items, error } = await runNode({ parameters, credentials: creds(), items: [{ v: good }, { v: bad }], continueOnFail: true });
	expect(error).toBeUndefined();
	const first = items.filter((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 0);
	expect(first.length).toBeGreaterThan(0);
	expect(first.every((item) => item.json.error === undefined)).toBe(true);
	const failed = items.filter((item) => item.json.error);
	expect(failed).toHaveLength(1);
	expect(failed[0].pairedItem).toEqual({ item: 1 });
	return { message: String(failed[0].json.error), description: String(failed[0].json.description ?? ''), requests: sandbox().requests };
}

describe('Custom Request headers', () => {
	test.each(['Transfer-Encoding', 'Connection', 'TE', 'Upgrade', 'Trailer', 'Keep-Alive', 'Proxy-Authorization'])('%s is refused, naming the item; only item 0 is sent', async (name) => {
		const { message, requests } = await badSecondItem(custom({ options: { headers: { header: [{ name: fromItem, value: 'chunked' }] } } }), 'X-Ok', name);
		expect(message).toMatch(new RegExp(`Headers \\(item 1\\): "${name}" controls how the request is framed or forwarded`));
		expect(requests).toHaveLength(1);
		expect(Object.keys(requests[0].headers)).not.toContain('transfer-encoding');
	});

	test.each([
		['U+0001', 'a\u0001b', /control character/],
		['DEL', 'a\u007fb', /control character/],
		['€ (beyond Latin-1)', 'price €', /only Latin-1/],
	])('a value with %s is refused, not altered and sent', async (_name, value, pattern) => {
		const { message, requests } = await badSecondItem(custom({ options: { headers: { header: [{ name: 'X-Note', value: fromItem }] } } }), 'ok', value);
		expect(message).toMatch(/Headers \(item 1\): the value of "X-Note"/);
		expect(message).toMatch(pattern);
		expect(requests).toHaveLength(1);
		expect(requests[0].headers['x-note']).toBe('ok');
	});
});

describe('path parameters', () => {
	test.each(['.', '..'])('Site → Get with the ID "%s" is refused (it would read the site list)', async (id) => {
		const { message, requests } = await badSecondItem({ resource: 'site', operation: 'get', siteId: rl(fromItem) }, SITE, id);
		expect(message).toMatch(/Site \(item 1\): the ID ".{1,2}" is a dot segment/);
		expect(requests.map((request) => request.target)).toEqual([`/rest/v1/sites/${SITE}`]);
	});

	test('Charging Event → Get Many with the site ".." is refused', async () => {
		const { message, requests } = await badSecondItem(allEvents({ returnAll: false, limit: 1, siteId: rl(fromItem) }), SITE, '..');
		expect(message).toMatch(/Site \(item 1\).*dot segment/);
		expect(requests).toHaveLength(1);
	});

	test.each(['/sites/%2e%2e', '/sites/.%2E/x', '/echo\\..\\sites', '/sites/%2E', '/a/./b'])('Custom Request path %s is refused (dot segments, encoded or not)', async (path) => {
		const { message, requests } = await badSecondItem(custom({ path: fromItem }), '/echo/ok', path);
		expect(message).toMatch(/Path \(item 1\)/);
		expect(requests).toHaveLength(1);
	});
});

describe('decoded paths and IDs stay where they are (attack run 2: a gateway that decodes routed them elsewhere)', () => {
	test.each(['/..%2f..%2fadmin', '/sites/%2e%2e%2f%2e%2e%2fadmin', '/..%5c..%5cinternal', '/sites/x%5C..%5Cmetrics', '/sites/..;/admin'])('Custom Request path %s is refused naming the item; only item 0 is sent', async (path) => {
		const { message, requests } = await badSecondItem(custom({ path: fromItem }), '/echo/ok', path);
		expect(message).toMatch(/^Path \(item 1\): the path holds (an encoded|a "\." or|an encoded backslash)/);
		expect(requests.map((request) => request.target)).toEqual(['/rest/v1/echo/ok']);
	});

	test.each(['../admin', 'a/b', '..\\internal', 'site-berlin-depot/../../admin'])('a site ID %j (as a model fills $fromAI) is refused for Site → Get and Charging Events, nothing sent for it', async (id) => {
		const get = await badSecondItem({ resource: 'site', operation: 'get', siteId: rl(fromItem) }, SITE, id);
		expect(get.message).toMatch(/^Site \(item 1\): the ID ".*" contains "\/" or "\\", which an ID cannot hold$/);
		expect(get.requests.map((request) => request.target)).toEqual([`/rest/v1/sites/${SITE}`]);
		sandbox().clearRequests();
		const events = await badSecondItem(allEvents({ returnAll: false, limit: 1, siteId: rl(fromItem) }), SITE, id);
		expect(events.message).toMatch(/^Site \(item 1\): the ID .* which an ID cannot hold$/);
		expect(events.requests).toHaveLength(1);
	});
});

describe('the 8,000-character limit is on what goes on the wire', () => {
	test('7,000 "€" in a query value: refused by its encoded length, with a short message', async () => {
		const { message, description, requests } = await badSecondItem(custom({ sendQuery: true, queryParameters: { parameters: [{ name: 'q', value: fromItem }] } }), 'ok', '€'.repeat(7000));
		expect(message).toMatch(/Query Parameters \(item 1\): path and query are 630\d\d characters once encoded; at most 8000 are sent/);
		expect(message.length + description.length).toBeLessThan(600);
		expect(requests).toHaveLength(1);
	});

	test('7,000 "€" in the path: refused, with a short message', async () => {
		const { message, description, requests } = await badSecondItem(custom({ path: fromItem }), '/echo/ok', `/echo/${'€'.repeat(7000)}`);
		expect(message).toMatch(/630\d\d characters once encoded/);
		expect(message.length + description.length).toBeLessThan(600);
		expect(requests).toHaveLength(1);
	});

	test('a lone surrogate in a query value names the field and the item, not "URI malformed"', async () => {
		const { message } = await badSecondItem(custom({ sendQuery: true, queryParameters: { parameters: [{ name: 'q', value: fromItem }] } }), 'ok', 'x\ud83d');
		expect(message).toMatch(/Query Parameters \(item 1\): parameter "q" contains half of a character/);
		expect(message).not.toMatch(/URI malformed/);
	});

	test('a lone surrogate in the query JSON names the field and the item', async () => {
		const { message } = await badSecondItem(custom({ sendQuery: true, specifyQuery: 'json', jsonQuery: fromItem }), '{"q":"ok"}', { q: 'x\udc00' });
		expect(message).toMatch(/Query Parameters JSON \(item 1\).*half of a character/);
	});
});

describe('Retry-After values RFC 9110 does not define are treated as absent', () => {
	test.each(['-1', '+5', '1, 2'])('Retry-After: %s → the normal backoff, not an instant retry', async (value) => {
		sandbox().failNext(1, { status: 503, retryAfter: value });
		const { error } = await runNode({ parameters: custom({ options: { maxAttempts: 2, maxRetryWait: 5 } }), credentials: creds() });
		expect(error).toBeUndefined();
		const [first, second] = sandbox().requests;
		expect([first.status, second.status]).toEqual([503, 200]);
		// The first backoff waits 250-500 ms (base 500 ms, jitter in its upper half).
		expect(second.startedMs - first.startedMs).toBeGreaterThanOrEqual(240);
	});
});

test('Timeout bounds the whole attempt: an answer trickling one byte at a time is cut off', async () => {
	sandbox().configure({ faults: { trickleMs: 300 } });
	const started = Date.now();
	const { error } = await runNode({ parameters: { resource: 'api', operation: 'ping', options: { timeout: 1000, maxAttempts: 1 } }, credentials: creds() });
	const elapsed = Date.now() - started;
	expect(error?.message).toMatch(/no answer within the timeout \(timeout 1000 ms\)/);
	// The ping answer is ~50 bytes, i.e. ~15 s at one byte per 300 ms (never idle for 1 s): the
	// timeout cut it off long before.
	expect(elapsed).toBeLessThan(8000);
});

describe('paging against a lying server ends', () => {
	test('a server that ignores skip and claims count 1e12: a bounded re-read in parts, the distinct events, marked incomplete, and a warning', async () => {
		sandbox().configure({ lies: { ignoreSkip: true, count: 1e12 } });
		const { items, error, hints } = await runNode({ parameters: allEvents(), credentials: creds() });
		expect(error).toBeUndefined();
		// Two pages, then at most 64 requests of re-reading (and the read under way when it ran out).
		expect(sandbox().requests.length).toBeGreaterThan(2);
		expect(sandbox().requests.length).toBeLessThanOrEqual(2 + 64 + 2);
		expect(items.length).toBeGreaterThanOrEqual(1000);
		expect(new Set(items.map((item) => item.json.transaction_id)).size).toBe(items.length);
		expect(items.every((item) => item.json._incomplete === true)).toBe(true);
		expect(JSON.stringify(hints)).toMatch(/did not deliver every charging event of site site-berlin-depot .*distinct events arrived of the 1000000000000 ChargePilot counted.*could not be completed/);
	});

	test('a server that sends new events forever: the item fails at Max Events, saying what the server did', async () => {
		sandbox().configure({ lies: { endless: true, count: 1e12 } });
		const { items, error } = await runNode({ parameters: allEvents({ options: { maxEvents: 3000 } }), credentials: creds(), continueOnFail: true });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(String(items[0].json.error)).toMatch(/kept sending charging events.*more than 3000 events \(count 1000000000000\)/);
		expect(sandbox().requests.length).toBeLessThanOrEqual(5);
	});

	test('the default ceiling (100,000 events) holds without any option', async () => {
		sandbox().configure({ lies: { endless: true, count: 1e12 } });
		const { error } = await runNode({ parameters: allEvents(), credentials: creds() });
		expect(error?.message).toMatch(/more than 100000 events/);
		expect(sandbox().requests.length).toBeLessThanOrEqual(102);
	}, 60_000);

	test('Return All stops at count when the last page is full (a window of exactly 2,000 events)', async () => {
		const all = sandbox().getEvents(SITE);
		const from = String(all[1000].start_time);
		const end = all.findIndex((event) => String(event.start_time) > String(all[2999].start_time));
		const to = String(all[end].start_time);
		const { items } = await runNode({ parameters: allEvents({ from, to }), credentials: creds() });
		const expected = all.filter((event) => String(event.start_time) >= from && String(event.start_time) < to).length;
		expect(items).toHaveLength(expected);
		expect(sandbox().requests).toHaveLength(Math.ceil(expected / 1000));
	});
});

test('without Continue On Fail the error of the lowest failing item is thrown, whichever fails first', async () => {
	// Item 1 fails slowly (the server answers 404 after 300 ms); item 3 fails at once (bad input).
	sandbox().configure({ faults: { latencyMs: 300 } });
	const { error } = await runNode({
		parameters: { resource: 'site', operation: 'get', siteId: rl(fromItem), options: { concurrency: 4, maxAttempts: 1 } },
		credentials: creds(),
		items: [{ v: SITE }, { v: 'no-such-site' }, { v: SITE }, { v: '..' }],
	});
	expect(error?.message).toMatch(/404 to GET \/sites\/no-such-site/);
	expect((error as unknown as { context?: { itemIndex?: number } })?.context?.itemIndex ?? 1).toBe(1);
});

test('server text in an error is kept short: a 404 for a 7,000-character path', async () => {
	const path = `/nowhere/${'x'.repeat(7000)}`;
	const { error } = await runNode({ parameters: custom({ path, options: { maxAttempts: 1 } }), credentials: creds() });
	expect(sandbox().requests).toHaveLength(1);
	expect(sandbox().requests[0].status).toBe(404);
	// The path and ChargePilot's message ("Cannot GET /rest/v1/nowhere/xxx…") are both shortened.
	expect(error?.message).toMatch(/^ChargePilot answered 404 to GET \/nowhere\/x+… \(7009 characters\): Cannot GET/);
	expect(String(error?.message).length).toBeLessThan(800);
	expect(String(error?.description ?? '').length).toBeLessThan(800);
});

test('Site → Get simplifies by default', async () => {
	const { items } = await runNode({ parameters: { resource: 'site', operation: 'get', siteId: rl(SITE) }, credentials: creds() });
	expect(Object.keys(items[0].json).sort()).toEqual(['chargingPointCount', 'chargingStationCount', 'controller', 'controllerId', 'controllerSerialNo', 'id', 'name', 'timezone']);
	expect(items[0].json.chargingPointCount).toBeGreaterThan(0);
});

describe('names of Object.prototype members in queries and headers', () => {
	test('query parameters "constructor" and "toString" go out as given, signed and verified (0.1.0 and later sent the function source)', async () => {
		const parameters = [
			{ name: 'constructor', value: 'a' },
			{ name: 'toString', value: 'b' },
			{ name: 'constructor', value: 'c' },
		];
		const { items, error } = await runNode({ parameters: custom({ sendQuery: true, queryParameters: { parameters } }), credentials: creds() });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		const [request] = sandbox().requests;
		expect(request.target).toBe('/rest/v1/echo/x?constructor=a&constructor=c&toString=b');
		expect(request.auth.ok).toBe(true);
	});

	test('"__proto__" as a query parameter or header name is refused naming field and item, nothing sent', async () => {
		for (const extra of [
			{ sendQuery: true, queryParameters: { parameters: [{ name: '__proto__', value: 'x' }] } },
			{ sendQuery: true, specifyQuery: 'json', jsonQuery: '{"__proto__": "x"}' },
			{ options: { headers: { header: [{ name: '__proto__', value: 'x' }] } } },
		]) {
			const { error } = await runNode({ parameters: custom(extra), credentials: creds() });
			expect(error?.message).toMatch(/\(item 0\): (parameter|header) "__proto__" cannot be sent/);
		}
		expect(sandbox().requests).toHaveLength(0);
	});
});
