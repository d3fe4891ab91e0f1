/**
 * ChargePilot Trigger (polling) through n8n-core's real PollContext against the sandbox: every
 * event delivered exactly once across polls, restarts, ties and late arrivals; a failed poll
 * changes nothing.
 */
import type { IDataObject } from 'n8n-workflow';

import { pollTrigger } from '../harness/engine';
import { sandboxCredentials, useSandbox } from '../harness/sandbox';

const SITE = 'site-berlin-depot';
const OTHER = 'site-amsterdam-office';
const MINUTE = 60_000;
const sandbox = useSandbox({}, { truncateAbove: null });

const creds = () => sandboxCredentials(sandbox());
const oneSite = (site = SITE, options: IDataObject = {}) => ({ siteScope: 'one', siteId: { __rl: true, mode: 'id', value: site }, options });
const ago = (ms: number) => new Date(Date.now() - ms);
const ids = (items: Array<{ json: IDataObject }> | null) => (items ?? []).map((item) => item.json.transaction_id);
const add = (site: string, starts: Date[]) => sandbox().addEvents(site, starts.map((start) => ({ start_time: start, duration: 600 }))).map((event) => event.transaction_id);

test('first activation starts from now; new events are emitted once, in order, with their site', async () => {
	add(SITE, [ago(30 * MINUTE)]); // already there before activation: not emitted
	const first = await pollTrigger({ parameters: oneSite(), credentials: creds() });
	expect(first.items).toBeNull();

	const added = add(SITE, [ago(3 * MINUTE), ago(2 * MINUTE), ago(1 * MINUTE)]);
	const second = await pollTrigger({ parameters: oneSite(), credentials: creds(), staticData: first.staticData });
	expect(ids(second.items)).toEqual(added);
	expect(second.items?.every((item) => item.json.site_id === SITE)).toBe(true);

	const third = await pollTrigger({ parameters: oneSite(), credentials: creds(), staticData: second.staticData });
	expect(third.items).toBeNull();
	expect(sandbox().requests.every((request) => request.auth.ok)).toBe(true);
});

test('ties, late arrivals and a restart: each event exactly once', async () => {
	let { staticData } = await pollTrigger({ parameters: oneSite(), credentials: creds() });
	const emitted: unknown[] = [];
	const poll = async () => {
		const result = await pollTrigger({ parameters: oneSite(), credentials: creds(), staticData });
		staticData = result.staticData;
		emitted.push(...ids(result.items));
		return ids(result.items);
	};

	const sameSecond = new Date(Math.floor(Date.now() / 1000) * 1000 - 4 * MINUTE);
	const ties = add(SITE, [sameSecond, sameSecond, sameSecond]);
	expect(await poll()).toEqual(ties);

	// A session that started five hours ago but is only recorded now (late arrival).
	const late = add(SITE, [ago(5 * 60 * MINUTE)]);
	expect(await poll()).toEqual(late);

	// n8n restarts: the static data is all that survives (pollTrigger builds a new workflow each time).
	staticData = JSON.parse(JSON.stringify(staticData));
	expect(await poll()).toEqual([]);
	const afterRestart = add(SITE, [ago(MINUTE)]);
	expect(await poll()).toEqual(afterRestart);

	expect(new Set(emitted).size).toBe(emitted.length);
	expect(emitted).toEqual([...ties, ...late, ...afterRestart]);
});

test('an unreachable API fails the poll visibly and keeps the remembered position', async () => {
	const { staticData } = await pollTrigger({ parameters: oneSite(), credentials: creds() });
	const waiting = add(SITE, [ago(2 * MINUTE)]);
	sandbox().failNext(10, { reset: true });
	await expect(pollTrigger({ parameters: oneSite(SITE, { lookbackHours: 24 }), credentials: creds(), staticData })).rejects.toThrow(/connection was reset|failed/);
	sandbox().configure({ faults: null });
	sandbox().clearFailNext();
	const recovered = await pollTrigger({ parameters: oneSite(), credentials: creds(), staticData });
	expect(ids(recovered.items)).toEqual(waiting);
});

test('backfill emits the past days on first activation', async () => {
	const old = add(OTHER, [ago(20 * 60 * MINUTE), ago(10 * 60 * MINUTE)]);
	add(OTHER, [ago(3 * 24 * 60 * MINUTE)]); // outside one day of backfill
	const { items } = await pollTrigger({ parameters: oneSite(OTHER, { backfillDays: 1 }), credentials: creds() });
	expect(ids(items)).toEqual(old);
});

test('all sites: events of every site, each marked with its site', async () => {
	const { staticData } = await pollTrigger({ parameters: { siteScope: 'all' }, credentials: creds() });
	const a = add(SITE, [ago(2 * MINUTE)]);
	const b = add(OTHER, [ago(MINUTE)]);
	const { items } = await pollTrigger({ parameters: { siteScope: 'all' }, credentials: creds(), staticData });
	expect(ids(items)).toEqual([...a, ...b]);
	expect(items?.map((item) => item.json.site_id)).toEqual([SITE, OTHER]);
});

test('a truncated window is split until every event is read; if even a two-second window is truncated, the poll fails', async () => {
	const site = 'site-los-angeles-showroom';
	const { staticData } = await pollTrigger({ parameters: oneSite(site), credentials: creds() });
	const added = add(site, [ago(50 * MINUTE), ago(40 * MINUTE), ago(30 * MINUTE), ago(20 * MINUTE), ago(10 * MINUTE)]);
	sandbox().configure({ truncateAbove: 2 });
	const { items, staticData: after } = await pollTrigger({ parameters: oneSite(site), credentials: creds(), staticData });
	expect(ids(items)).toEqual(added);

	const second = new Date(Math.floor(Date.now() / 1000) * 1000 - 5 * MINUTE);
	add(site, [second, second, second]);
	await expect(pollTrigger({ parameters: oneSite(site), credentials: creds(), staticData: after })).rejects.toThrow(/did not deliver every charging event of site site-los-angeles-showroom .*truncated \(count 2\).*cannot be split further/);
});

test('manual test mode returns the latest event and leaves the position alone', async () => {
	const { staticData } = await pollTrigger({ parameters: oneSite(), credentials: creds() });
	const [latest] = add(SITE, [ago(30 * 1000)]);
	const manual = await pollTrigger({ parameters: oneSite(), credentials: creds(), staticData, mode: 'manual' });
	expect(ids(manual.items)).toEqual([latest]);
	expect(manual.staticData).toEqual(staticData);
	const real = await pollTrigger({ parameters: oneSite(), credentials: creds(), staticData });
	expect(ids(real.items)).toEqual([latest]);
});
