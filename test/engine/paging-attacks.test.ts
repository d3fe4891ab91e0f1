/**
 * Paging never loses a session silently (attack run 2), in n8n's real engine against the sandbox:
 * a server that caps its pages below `take` while `count` says more, and one whose order of sessions
 * that share a start time changes from one request to the next. The node's Get Many and the polling
 * trigger (both read paths) go through the one paging mechanism; each test failed before it.
 */
import type { IDataObject } from 'n8n-workflow';

import { pollTrigger, runNode } from '../harness/engine';
import { sandboxCredentials, useSandbox } from '../harness/sandbox';

const MAIN = 'site-berlin-depot';
const QUIET = 'site-amsterdam-office';
const MINUTE = 60_000;
const sandbox = useSandbox({ eventCount: 6000 }, { lies: null });
const creds = () => sandboxCredentials(sandbox());
const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const idsOf = (items: Array<{ json: IDataObject }> | null) => (items ?? []).map((item) => item.json.transaction_id);

function eventsBetween(site: string, from: string, to: string) {
	const start = Date.parse(from);
	const end = Date.parse(to);
	return sandbox()
		.getEvents(site)
		.filter((event) => {
			const t = Date.parse(String(event.start_time));
			return t >= start && t < end;
		});
}

const getMany = (site: string, from: string, to: string, extra: Record<string, unknown> = {}) => ({
	resource: 'chargingEvent',
	operation: 'getAll',
	siteId: byId(site),
	from,
	to,
	returnAll: true,
	...extra,
});

/** `count` sessions starting in groups of `perStart` at the same second, from `first` on, a minute apart per group. */
function addTies(site: string, first: number, count: number, perStart: number): number[] {
	const overrides = Array.from({ length: count }, (_, i) => ({ start_time: new Date(first + Math.floor(i / perStart) * MINUTE), duration: 600 }));
	return sandbox()
		.addEvents(site, overrides)
		.map((event) => event.transaction_id as number);
}

describe('Charging Event → Get Many', () => {
	const from = '2026-01-01T00:00:00Z';
	const to = '2026-07-01T00:00:00Z';

	test('a server that caps pages at 100 while the node asks for 1000: Return All gets every event, in order, no warning', async () => {
		sandbox().configure({ lies: { pageCeiling: 100 } });
		const expected = eventsBetween(MAIN, from, to).map((event) => event.transaction_id);
		const { items, error, hints } = await runNode({ parameters: getMany(MAIN, from, to), credentials: creds() });
		expect(error).toBeUndefined();
		expect(idsOf(items)).toEqual(expected);
		expect(hints).toEqual([]);
		expect(sandbox().requests).toHaveLength(Math.ceil(expected.length / 100));
		expect(sandbox().requests.every((request) => request.auth.ok && /take=1000/.test(request.target))).toBe(true);
	});

	test('the same server and a Limit of 250: 250 events, three requests', async () => {
		sandbox().configure({ lies: { pageCeiling: 100 } });
		const expected = eventsBetween(MAIN, from, to).slice(0, 250).map((event) => event.transaction_id);
		const { items, error } = await runNode({ parameters: getMany(MAIN, from, to, { returnAll: false, limit: 250 }), credentials: creds() });
		expect(error).toBeUndefined();
		expect(idsOf(items)).toEqual(expected);
		expect(sandbox().requests).toHaveLength(3);
	});

	test('an order of tied sessions that changes per request: the loss is noticed and the window read again until every session is there, once, in order', async () => {
		const added = addTies(QUIET, Date.parse('2026-08-03T06:00:00Z'), 1100, 7);
		sandbox().configure({ lies: { unstableTies: true } });
		const { items, error, hints } = await runNode({ parameters: getMany(QUIET, '2026-08-01T00:00:00Z', '2026-08-10T00:00:00Z'), credentials: creds() });
		expect(error).toBeUndefined();
		expect(idsOf(items)).toEqual(added);
		// The first read did lose some: the node says it read again.
		expect(JSON.stringify(hints)).toMatch(/first answer for site site-amsterdam-office .* was incomplete \(\d+ distinct events arrived of the 1100 ChargePilot counted.*read again in \d+ parts?, complete\): every event was read/);
		expect(items.some((item) => '_incomplete' in item.json)).toBe(false);
	});

	test('1,100 sessions that all start in the same second: read again in an order without ties (by transaction ID)', async () => {
		const added = addTies(QUIET, Date.parse('2026-09-03T06:00:00Z'), 1100, 1100);
		// Ties ascending on the first page and descending on later ones: the same sessions are lost
		// on every read of that second, however often it is split.
		sandbox().configure({ lies: { unstableTies: 'flip', pageCeiling: 500 } });
		const { items, error } = await runNode({ parameters: getMany(QUIET, '2026-09-01T00:00:00Z', '2026-09-10T00:00:00Z'), credentials: creds() });
		expect(error).toBeUndefined();
		expect(idsOf(items)).toEqual(added);
		expect(sandbox().requests.some((request) => /sort_field=transaction_id/.test(request.target))).toBe(true);
	});
});

describe('ChargePilot Trigger', () => {
	const oneSite = (site: string, options: IDataObject = {}) => ({ siteScope: 'one', siteId: { __rl: true, mode: 'id', value: site }, options });
	const ago = (ms: number) => Date.now() - ms;

	test('backfill against a server that caps pages at 100: all 1,000 sessions in the first poll (before: 100)', async () => {
		const site = 'site-los-angeles-showroom';
		const added = addTies(site, ago(20 * 60 * MINUTE), 1000, 1);
		sandbox().configure({ lies: { pageCeiling: 100 } });
		const { items } = await pollTrigger({ parameters: oneSite(site, { backfillDays: 2 }), credentials: creds() });
		expect(idsOf(items)).toEqual(added);
	});

	test('tied sessions in an order that changes per request: every one emitted exactly once over three polls (before: one never was)', async () => {
		const site = 'site-brooklyn-fleet-yard';
		sandbox().configure({ lies: { unstableTies: true } });
		const first = await pollTrigger({ parameters: oneSite(site), credentials: creds() });
		expect(first.items).toBeNull();
		const added = addTies(site, ago(5 * 60 * MINUTE), 1100, 7);
		const second = await pollTrigger({ parameters: oneSite(site), credentials: creds(), staticData: first.staticData });
		const third = await pollTrigger({ parameters: oneSite(site), credentials: creds(), staticData: second.staticData });
		const fourth = await pollTrigger({ parameters: oneSite(site), credentials: creds(), staticData: third.staticData });
		const emitted = [...idsOf(second.items), ...idsOf(third.items), ...idsOf(fourth.items)];
		expect(new Set(emitted).size).toBe(emitted.length);
		expect([...emitted].sort((a, b) => Number(a) - Number(b))).toEqual(added);
	});

	test('manual test run against the capped server: the latest session, not one of the first hundred', async () => {
		const site = 'site-los-angeles-showroom';
		const [latest] = addTies(site, ago(MINUTE), 1, 1);
		sandbox().configure({ lies: { pageCeiling: 100 } });
		const manual = await pollTrigger({ parameters: oneSite(site), credentials: creds(), mode: 'manual' });
		expect(idsOf(manual.items)).toEqual([latest]);
	});
});
