/**
 * Bounded in size, not only in time (attack run 2), in n8n's real engine against the sandbox: an
 * answer that never ends fails the attempt once it passes Max Answer Size (the node) or the default
 * 16 MB (the polling trigger), instead of filling memory until the Timeout; an error answer of 2 MB
 * leaves a short error behind. Before: the trigger buffered a never-ending answer to 256 MB.
 */
import { pollTrigger, runNode } from '../harness/engine';
import { sandboxCredentials, useSandbox } from '../harness/sandbox';

const sandbox = useSandbox();
const creds = () => sandboxCredentials(sandbox());
const SITE = 'site-berlin-depot';
const rl = (value: string) => ({ __rl: true, mode: 'id', value });
const events = (options: Record<string, unknown> = {}) => ({
	resource: 'chargingEvent',
	operation: 'getAll',
	siteId: rl(SITE),
	from: '2026-01-01T00:00:00Z',
	to: '2026-02-01T00:00:00Z',
	returnAll: true,
	options: { maxAttempts: 1, timeout: 20_000, ...options },
});
const endlessBytes = () => Number((sandbox().requests[0] as unknown as { endlessBytes?: number }).endlessBytes ?? 0);

test('a charging-events answer that never ends: the item fails at Max Answer Size (2 MB), saying so; the server stopped soon after', async () => {
	sandbox().failNext(1, { endless: true });
	const { error } = await runNode({ parameters: events({ maxAnswerSize: 2 }), credentials: creds() });
	expect(error?.message).toBe(`ChargePilot request GET /charging-events/site/${SITE} failed: the answer was larger than 2 MB and was not read further (1 attempt)`);
	expect(error?.description).toMatch(/raise Max Answer Size under Options/);
	// The connection was closed at the ceiling: the server could write at most a few socket buffers more.
	expect(endlessBytes()).toBeLessThan(32 * 1024 * 1024);
});

test('the default ceiling (16 MB) holds without any option', async () => {
	sandbox().failNext(1, { endless: true });
	const { error } = await runNode({ parameters: events(), credentials: creds() });
	expect(error?.message).toMatch(/the answer was larger than 16 MB and was not read further/);
	expect(endlessBytes()).toBeLessThan(64 * 1024 * 1024);
});

test('the polling trigger fails the poll at 16 MB (before: 256 MB buffered until the server gave up)', async () => {
	const { staticData } = await pollTrigger({ parameters: { siteScope: 'one', siteId: rl(SITE) }, credentials: creds() });
	sandbox().clearRequests();
	sandbox().failNext(1, { endless: true });
	await expect(pollTrigger({ parameters: { siteScope: 'one', siteId: rl(SITE) }, credentials: creds(), staticData })).rejects.toThrow(/the answer was larger than 16 MB and was not read further/);
	expect(endlessBytes()).toBeLessThan(64 * 1024 * 1024);
});

test('Max Answer Size is checked like the other options: a clear error naming it, nothing sent', async () => {
	const { error } = await runNode({ parameters: events({ maxAnswerSize: 0 }), credentials: creds() });
	expect(error?.message).toBe('Max Answer Size (MB) (item 0): must be a number from 1 to 1024, got 0');
	expect(sandbox().requests).toHaveLength(0);
});

test('a 500 with a 2 MB body: the error keeps its first characters and the length, not the 2 MB', async () => {
	sandbox().failNext(1, { status: 500, bodyBytes: 2_000_000 });
	const { error } = await runNode({ parameters: events(), credentials: creds() });
	expect(error?.message).toMatch(/^ChargePilot answered 500 to GET \/charging-events\/site\/site-berlin-depot: Internal Server Error \(sandbox fault injection\) x{400}.*\(\d+ characters\) \(1 attempt\)$/);
	expect(JSON.stringify(error).length).toBeLessThan(20_000);
	expect(JSON.stringify(error)).toMatch(/"bodyLength":\d{7}/);
});
