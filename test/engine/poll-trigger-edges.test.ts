/**
 * The ChargePilot Trigger at its edges, through n8n-core's real PollContext: clocks that step back,
 * sessions that last for days, site and transaction IDs that are Object.prototype names, and a
 * server whose paging or site list lies. Exactly once, or a visible failure that changes nothing.
 */
import type { IDataObject } from 'n8n-workflow';

import { pollTrigger } from '../harness/engine';
import { sandboxCredentials, startSandbox, useSandbox } from '../harness/sandbox';

const SITE = 'site-amsterdam-office';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// The sandbox reads the clock through Date.now at each request, so a test can move both clocks at once.
const sandbox = useSandbox({ now: () => Date.now() }, { lies: null });

const creds = () => sandboxCredentials(sandbox());
const oneSite = (site = SITE, options: IDataObject = {}) => ({ siteScope: 'one', siteId: { __rl: true, mode: 'id', value: site }, options });
const ids = (items: Array<{ json: IDataObject }> | null) => (items ?? []).map((item) => item.json.transaction_id);
const add = (site: string, starts: number[], duration = 600) =>
	sandbox().addEvents(site, starts.map((start) => ({ start_time: new Date(start), duration }))).map((event) => event.transaction_id);

afterEach(() => jest.restoreAllMocks());

/** Runs each poll with n8n's (and the sandbox's) clock set to `at`. */
async function pollAt(at: number, parameters: Record<string, unknown>, staticData?: IDataObject) {
	jest.spyOn(Date, 'now').mockReturnValue(at);
	try {
		return await pollTrigger({ parameters, credentials: creds(), staticData });
	} finally {
		jest.restoreAllMocks();
	}
}

test('a clock stepping back 50 minutes does not emit a late session a second time', async () => {
	const base = Math.floor(Date.now() / 1000) * 1000;
	const parameters = oneSite(SITE, { lookbackHours: 24 });
	let { staticData } = await pollAt(base, parameters);
	const emitted: unknown[] = [];
	const late = add(SITE, [base - 23.5 * HOUR]);
	for (const at of [base + MINUTE, base + 10 * MINUTE, base + 40 * MINUTE, base + 41 * MINUTE - 50 * MINUTE, base + 45 * MINUTE]) {
		const result = await pollAt(at, parameters, staticData);
		emitted.push(...ids(result.items));
		staticData = result.staticData;
	}
	expect(emitted).toEqual(late);
});

test('sessions that run for days: the default Look-Back (7 days) emits a session that started 30 h ago', async () => {
	const { staticData } = await pollTrigger({ parameters: oneSite(), credentials: creds() });
	const longOne = add(SITE, [Date.now() - 30 * HOUR], 30 * 3600);
	const { items } = await pollTrigger({ parameters: oneSite(), credentials: creds(), staticData });
	expect(ids(items)).toEqual(longOne);
	expect(items?.[0].json._warning).toBeUndefined();
});

test('a session that appears close to the Look-Back limit is emitted with a warning', async () => {
	const { staticData } = await pollTrigger({ parameters: oneSite(SITE, { lookbackHours: 48 }), credentials: creds() });
	const nearLimit = add(SITE, [Date.now() - 40 * HOUR], 39 * 3600);
	const { items } = await pollTrigger({ parameters: oneSite(SITE, { lookbackHours: 48 }), credentials: creds(), staticData });
	expect(ids(items)).toEqual(nearLimit);
	expect(String(items?.[0].json._warning)).toMatch(/appeared 40 h after it started, close to Look-Back Hours \(48 h\).*Raise Look-Back Hours/);
});

test('sites called "constructor" and "toString" are polled like any other site', async () => {
	sandbox().addSite('constructor');
	sandbox().addSite('toString');
	const { staticData } = await pollTrigger({ parameters: { siteScope: 'all' }, credentials: creds() });
	const a = add('constructor', [Date.now() - 2 * MINUTE]);
	const b = add('toString', [Date.now() - MINUTE]);
	const second = await pollTrigger({ parameters: { siteScope: 'all' }, credentials: creds(), staticData });
	expect(ids(second.items)).toEqual([...a, ...b]);
	expect(second.items?.map((item) => item.json.site_id)).toEqual(['constructor', 'toString']);
	const third = await pollTrigger({ parameters: { siteScope: 'all' }, credentials: creds(), staticData: second.staticData });
	expect(third.items).toBeNull();
});

describe('a lying server', () => {
	test('paging that ignores skip fails the poll visibly and keeps the position', async () => {
		const { staticData } = await pollTrigger({ parameters: oneSite('site-berlin-depot', { backfillDays: 0 }), credentials: creds() });
		const waiting = add('site-berlin-depot', [Date.now() - MINUTE]);
		sandbox().configure({ lies: { ignoreSkip: true, count: 1e12 } });
		// The re-read week holds fewer than 1000 events, so make the pages full: page size is the API's 1000.
		sandbox().addEvents('site-berlin-depot', Array.from({ length: 1100 }, () => ({ start_time: new Date(Date.now() - 2 * HOUR) })));
		sandbox().clearRequests();
		await expect(pollTrigger({ parameters: oneSite('site-berlin-depot'), credentials: creds(), staticData })).rejects.toThrow(
			/did not deliver every charging event of site site-berlin-depot .*1000 distinct events arrived of the 1000000000000 ChargePilot counted \(1000 repeated\); read again in \d+ parts, \d+ could not be completed: .*counted 1000000000000 but sent none/,
		);
		// Two pages of the first read, then a bounded re-read in parts (64 requests, and the read under way).
		expect(sandbox().requests.length).toBeLessThanOrEqual(2 + 64 + 2);
		// The position did not move: once the server behaves, the waiting session comes out.
		sandbox().configure({ lies: null });
		const recovered = await pollTrigger({ parameters: oneSite('site-berlin-depot'), credentials: creds(), staticData });
		expect(ids(recovered.items)).toEqual(expect.arrayContaining(waiting));
	});

	test('paging without end fails the poll at the ceiling', async () => {
		const { staticData } = await pollTrigger({ parameters: oneSite(), credentials: creds() });
		add(SITE, [Date.now() - MINUTE]);
		sandbox().configure({ lies: { endless: true, count: 1e12 } });
		sandbox().clearRequests();
		await expect(pollTrigger({ parameters: oneSite(), credentials: creds(), staticData })).rejects.toThrow(/kept sending charging events/);
		expect(sandbox().requests.length).toBeLessThanOrEqual(102);
	}, 60_000);

	test.each([
		['a/b', '"a/b" contains "/" or "\\", which an ID cannot hold'],
		['line\nbreak', 'contains a line break or control character'],
		['x'.repeat(201), 'is 201 characters long'],
	])('a site listed with the ID %j is refused by the node\'s own rule, before anything is sent for it', async (id, problem) => {
		// A sandbox of its own: the odd site would stay in the shared one's list.
		const own = await startSandbox();
		try {
			own.addSite(id);
			await expect(pollTrigger({ parameters: { siteScope: 'all' }, credentials: sandboxCredentials(own) })).rejects.toThrow(`ChargePilot gave a site whose ID ${problem}`);
			expect(own.requests.map((request) => request.target)).toEqual(['/rest/v1/sites']);
		} finally {
			await own.close();
		}
	});

	test('One Site with an ID holding a tab (from an expression) is refused, nothing sent', async () => {
		sandbox().clearRequests();
		await expect(pollTrigger({ parameters: oneSite('site-berlin\tdepot'), credentials: creds() })).rejects.toThrow('Site gave a site whose ID contains a line break or control character');
		expect(sandbox().requests).toHaveLength(0);
	});

	test('a site listed with the ID ".." is refused before anything is sent for it', async () => {
		sandbox().addSite('..');
		sandbox().clearRequests();
		await expect(pollTrigger({ parameters: { siteScope: 'all' }, credentials: creds() })).rejects.toThrow(/ChargePilot gave a site whose ID ".." is a dot segment/);
		expect(sandbox().requests.map((request) => request.target)).toEqual(['/rest/v1/sites']);
	});
});
