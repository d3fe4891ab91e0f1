/**
 * Bad-input matrix over every user-facing parameter: wrong types, empty, oversized, control
 * characters. Values come through expressions, as from upstream data, so n8n's own parameter
 * checks do not catch them first. Each must fail with the field and the item named, and nothing
 * may reach the sandbox(). Each case runs as item 1 of two items, behind a valid item 0.
 */
import { runNode } from '../harness/engine';
import { sandboxCredentials, useSandbox } from '../harness/sandbox';

const sandbox = useSandbox();

const TEN_MB = 'x'.repeat(10 * 1024 * 1024);
const rl = (value: unknown) => ({ __rl: true, mode: 'id', value });
/** Item 0 gets `good`, item 1 gets `bad`, through the expression `{{ $json.v }}`. */
const fromItem = '={{ $json.v }}';

type Case = [string, Record<string, unknown>, unknown, unknown, RegExp];

const custom = { resource: 'api', operation: 'customRequest', method: 'POST', path: '/echo/x' };
const events = {
	resource: 'chargingEvent',
	operation: 'getAll',
	siteId: rl('site-berlin-depot'),
	from: '2026-01-01T00:00:00Z',
	to: '2026-01-02T00:00:00Z',
	returnAll: false,
	limit: 1,
};

const cases: Case[] = [
	// Custom Request
	['Method: unsupported value', { ...custom, method: fromItem }, 'GET', 'TRACE', /Method \(item 1\).*not supported/],
	['Path: wrong type', { ...custom, path: fromItem }, '/echo/a', 42, /Path \(item 1\).*must be text/],
	['Path: empty', { ...custom, path: fromItem }, '/echo/a', '   ', /Path \(item 1\).*empty/],
	['Path: control character', { ...custom, path: fromItem }, '/echo/a', '/echo/\u0007bell', /Path \(item 1\).*control character/],
	['Path: oversized', { ...custom, path: fromItem }, '/echo/a', `/echo/${'p'.repeat(9000)}`, /Query Parameters \(item 1\).*9006 characters/],
	['Path: absolute URL', { ...custom, path: fromItem }, '/echo/a', 'http://127.0.0.1:1/x', /Path \(item 1\).*absolute URL/],
	['Body: not JSON', { ...custom, body: fromItem }, '{"a":1}', '{"a":', /Body \(item 1\).*not valid JSON/],
	['Body: 10 MB', { ...custom, body: fromItem }, '{"a":1}', JSON.stringify({ blob: TEN_MB }), /Body \(item 1\).*at most 1048576 bytes/],
	['Query pairs: empty name', { ...custom, sendQuery: true, queryParameters: { parameters: [{ name: fromItem, value: 'v' }] } }, 'ok', '', /Query Parameters \(item 1\).*no name/],
	['Query pairs: control character in value', { ...custom, sendQuery: true, queryParameters: { parameters: [{ name: 'q', value: fromItem }] } }, 'ok', 'a\r\nb', /Query Parameters \(item 1\).*line break/],
	['Query pairs: oversized', { ...custom, sendQuery: true, queryParameters: { parameters: [{ name: 'q', value: fromItem }] } }, 'ok', 'v'.repeat(9000), /Query Parameters \(item 1\).*characters once encoded/],
	['Query JSON: a string', { ...custom, sendQuery: true, specifyQuery: 'json', jsonQuery: fromItem }, '{"a":1}', '"abc"', /Query Parameters JSON \(item 1\).*JSON object, got string/],
	['Query JSON: not JSON', { ...custom, sendQuery: true, specifyQuery: 'json', jsonQuery: fromItem }, '{"a":1}', '{a:1}', /Query Parameters JSON \(item 1\).*not valid JSON/],
	['Headers: invalid name', { ...custom, options: { headers: { header: [{ name: fromItem, value: '1' }] } } }, 'X-Ok', 'X:Bad', /Headers \(item 1\).*not a valid header name/],
	['Headers: control character in value', { ...custom, options: { headers: { header: [{ name: 'X-Ok', value: fromItem }] } } }, '1', 'a\nb', /Headers \(item 1\).*line break/],
	['Headers: oversized value', { ...custom, options: { headers: { header: [{ name: 'X-Ok', value: fromItem }] } } }, '1', 'h'.repeat(9000), /Headers \(item 1\).*9000 characters/],
	['Timeout: not a number', { ...custom, options: { timeout: fromItem } }, 1000, 'soon', /Timeout \(Ms\) \(item 1\).*must be a number/],
	['Retry Attempts: zero', { ...custom, options: { maxAttempts: fromItem } }, 2, 0, /Retry Attempts \(item 1\).*from 1 to 10/],
	['Max Retry Wait: negative', { ...custom, options: { maxRetryWait: fromItem } }, 1, -5, /Max Retry Wait \(Seconds\) \(item 1\)/],
	// Site
	['Site: empty', { resource: 'site', operation: 'get', siteId: rl(fromItem) }, 'site-berlin-depot', '', /Site \(item 1\).*no site is selected/],
	['Site: wrong type', { resource: 'site', operation: 'get', siteId: rl(fromItem) }, 'site-berlin-depot', { id: 1 }, /Site \(item 1\).*must be text/],
	['Site: control character', { resource: 'site', operation: 'get', siteId: rl(fromItem) }, 'site-berlin-depot', 'site\nx', /Site \(item 1\).*control character/],
	['Site: oversized', { resource: 'site', operation: 'get', siteId: rl(fromItem) }, 'site-berlin-depot', 's'.repeat(500), /Site \(item 1\).*500 characters/],
	['Limit: not a number', { resource: 'site', operation: 'getAll', returnAll: false, limit: fromItem }, 2, 'many', /Limit \(item 1\).*whole number/],
	['Limit: fraction', { resource: 'site', operation: 'getAll', returnAll: false, limit: fromItem }, 2, 1.5, /Limit \(item 1\).*whole number/],
	['Limit: below 1', { resource: 'site', operation: 'getAll', returnAll: false, limit: fromItem }, 2, -1, /Limit \(item 1\).*at least 1/],
	// Charging events
	['From: wrong type', { ...events, from: fromItem }, '2026-01-01T00:00:00Z', true, /From \(item 1\).*not a valid date/],
	['From: not a date', { ...events, from: fromItem }, '2026-01-01T00:00:00Z', '2026-13-01T00:00:00Z', /From \(item 1\).*not a valid date/],
	// Dates that do not exist, with an offset or Z (attack run 2: they rolled over and were sent).
	['From: 30 February with Z', { ...events, from: fromItem }, '2026-01-01T00:00:00Z', '2026-02-30T00:00:00Z', /From \(item 1\): "2026-02-30T00:00:00Z" is not a valid date and time/],
	['From: 31 April with Z', { ...events, from: fromItem }, '2026-01-01T00:00:00Z', '2026-04-31T00:00:00Z', /From \(item 1\): "2026-04-31T00:00:00Z" is not a valid date and time/],
	['To: 29 February 2026 with an offset', { ...events, to: fromItem }, '2026-03-02T00:00:00Z', '2026-02-29T00:00:00+01:00', /To \(item 1\): "2026-02-29T00:00:00\+01:00" is not a valid date and time/],
	['To: hour 24', { ...events, to: fromItem }, '2026-03-02T00:00:00Z', '2026-03-01T24:00:00Z', /To \(item 1\).*not a valid date/],
	['To: offset beyond 14 hours', { ...events, to: fromItem }, '2026-03-02T00:00:00Z', '2026-03-01T10:00:00+15:00', /To \(item 1\).*not a valid date/],
	['To: before From', { ...events, to: fromItem }, '2026-01-02T00:00:00Z', '2025-12-31T00:00:00Z', /To \(item 1\).*not after From/],
	['To: empty', { ...events, to: fromItem }, '2026-01-02T00:00:00Z', '', /To \(item 1\).*empty/],
	['Search Text: too long', { ...events, options: { searchText: fromItem } }, 'BER', 's'.repeat(101), /Search Text \(item 1\).*101 characters/],
	['Search Text: control character', { ...events, options: { searchText: fromItem } }, 'BER', 'a\tb', /Search Text \(item 1\).*control character/],
	['Sort Field: not a field name', { ...events, options: { sortField: fromItem } }, 'start_time', 'start_time; DROP', /Sort Field \(item 1\).*not a field name/],
	['Sort Order: unknown', { ...events, options: { sortOrder: fromItem } }, 'asc', 'sideways', /Sort Order \(item 1\).*not supported/],
	['Page Size: over 1000', { ...events, options: { pageSize: fromItem } }, 10, 1001, /Page Size \(item 1\).*1 to 1000/],
	['Page Size: not a number', { ...events, options: { pageSize: fromItem } }, 10, 'big', /Page Size \(item 1\).*1 to 1000/],
];

test.each(cases)('%s', async (_name, parameters, good, bad, message) => {
	const { items, error } = await runNode({ parameters, credentials: sandboxCredentials(sandbox()), items: [{ v: good }, { v: bad }], continueOnFail: true });
	expect(error).toBeUndefined();
	// Item 0 (the good value) succeeded, item 1 failed: exactly one error item, paired with item 1.
	const [first, ...rest] = items;
	expect(first.json.error).toBeUndefined();
	expect(first.pairedItem).toEqual({ item: 0 });
	const failed = items.filter((item) => item.json.error);
	expect(failed).toHaveLength(1);
	expect(rest[rest.length - 1]).toBe(failed[0]);
	expect(failed[0].pairedItem).toEqual({ item: 1 });
	expect(String(failed[0].json.error)).toMatch(message);
	expect(String(failed[0].json.description ?? '')).not.toBe('');
	// Only item 0's request went out: one request (each case's good item sends exactly one).
	expect(sandbox().requests).toHaveLength(1);
	expect(sandbox().requests.every((request) => !request.bodyText.includes('DROP') && request.target.length < 2000)).toBe(true);
	sandbox().clearRequests();
	const goodOnly = await runNode({ parameters, credentials: sandboxCredentials(sandbox()), items: [{ v: good }] });
	expect(goodOnly.error).toBeUndefined();
	expect(sandbox().requests).toHaveLength(1);
}, 30_000);

test('without Continue On Fail, a bad item stops the run with the same error and nothing more is sent', async () => {
	const { error } = await runNode({
		parameters: { ...custom, path: fromItem, options: { concurrency: 1 } },
		credentials: sandboxCredentials(sandbox()),
		items: [{ v: 'https://elsewhere.example' }, { v: '/echo/never' }],
	});
	expect(error?.message).toMatch(/Path \(item 0\).*absolute URL/);
	expect(sandbox().requests).toHaveLength(0);
});
