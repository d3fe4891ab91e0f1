/**
 * Secret canary: with a distinctive secret, neither it nor its SHA-256 hex appears in any byte the
 * sandbox received, in node output, in errors (message, description, JSON, stack) or in anything
 * logged, across success, 4xx, 5xx, timeout and bad-input paths. Every call to n8n's logger (all
 * levels, message and metadata) is recorded, as are console, stdout and stderr.
 */
import { createHash } from 'node:crypto';

import { Logger } from '@n8n/backend-common';

import type { RunResult } from '../harness/engine';
import { sandboxCredentials, startSandbox, type Sandbox } from '../harness/sandbox';

import { runNode } from '../harness/engine';

const SECRET = 'CANARY-Secret-7f3a9c-Ünï-ключ';
const HASHED = createHash('sha256').update(SECRET).digest('hex');

let sandbox: Sandbox;
const captured: string[] = [];

const spies: jest.SpyInstance[] = [];

/** Captures stdout, stderr and console for the whole file (n8n's logger writes asynchronously). */
function startCapturing(): void {
	for (const stream of [process.stdout, process.stderr]) {
		spies.push(
			jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, encoding?: unknown, callback?: unknown) => {
				captured.push(String(chunk));
				// Writers such as n8n's logger wait for the write callback.
				const done = typeof encoding === 'function' ? encoding : callback;
				if (typeof done === 'function') process.nextTick(done as () => void);
				return true;
			}) as never),
		);
	}
	for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
		spies.push(jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void captured.push(args.map(String).join(' '))));
	}
	for (const level of ['error', 'warn', 'info', 'debug'] as const) {
		spies.push(
			jest.spyOn(Logger.prototype, level).mockImplementation((message: string, metadata?: unknown) => {
				loggerCalls++;
				captured.push(`${level} ${message} ${JSON.stringify(metadata ?? {})}`);
			}),
		);
	}
}

let loggerCalls = 0;

beforeAll(async () => {
	sandbox = await startSandbox({ apiSecret: SECRET, signedPath: 'full' });
	startCapturing();
});
afterAll(async () => {
	spies.forEach((spy) => spy.mockRestore());
	await sandbox.close();
});

function everything(result: RunResult): string {
	const error = result.error as (Error & Record<string, unknown>) | undefined;
	return [
		JSON.stringify(result.items),
		JSON.stringify(result.hints),
		error ? [error.message, error.description, error.stack, JSON.stringify(error), JSON.stringify(error.context)].join('\n') : '',
		JSON.stringify(result.run.data.resultData),
	].join('\n');
}

const customRequest = (options: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
	resource: 'api',
	operation: 'customRequest',
	method: 'GET',
	path: '/sites',
	options,
	...extra,
});

// Every row has all four values: jest would take a missing last one for a `done` callback.
const scenarios: Array<[string, () => void, Record<string, unknown>, Record<string, unknown>]> = [
	['success: ping', () => undefined, { resource: 'api', operation: 'ping' }, {}],
	['success: sites', () => undefined, { resource: 'site', operation: 'getAll', returnAll: true }, {}],
	['success: POST with body', () => undefined, customRequest({}, { method: 'POST', path: '/echo/x', body: '{"a":"b"}' }), {}],
	['4xx: 404', () => undefined, customRequest({}, { path: '/sites/unknown' }), {}],
	['4xx: 401 from a wrong secret', () => undefined, customRequest({}), { apiSecret: `${SECRET}-wrong` }],
	['4xx: 401 from the other signed-path variant', () => undefined, customRequest({}), { signedPath: 'relative' }],
	['5xx after retries', () => sandbox.failNext(2, { status: 503 }), customRequest({ maxAttempts: 2, maxRetryWait: 0.01 }), {}],
	['timeout', () => sandbox.failNext(1, { delayMs: 800 }), customRequest({ timeout: 200, maxAttempts: 1 }), {}],
	['bad input: path', () => undefined, customRequest({}, { path: 'https://elsewhere.example/x' }), {}],
	['bad input: body', () => undefined, customRequest({}, { method: 'POST', body: '{nope' }), {}],
	['bad input: empty key', () => undefined, customRequest({}), { apiKey: '' }],
];

test.each(scenarios)('%s leaks nothing', async (_name, arrange, parameters, credentialOverrides) => {
	sandbox.clearRequests();
	arrange();
	for (const continueOnFail of [false, true]) {
		const result = await runNode({ parameters, credentials: sandboxCredentials(sandbox, credentialOverrides), continueOnFail });
		const text = everything(result);
		expect(text).not.toContain(SECRET);
		expect(text).not.toContain(HASHED);
	}
	const wire = sandbox.requests.map((request) => [request.method, request.target, JSON.stringify(request.headers), request.body.toString('latin1'), request.bodyText].join('\n')).join('\n');
	expect(wire).not.toContain(SECRET);
	expect(wire).not.toContain(HASHED);
	expect(wire).not.toContain(encodeURIComponent(SECRET));
});

test('nothing logged contains the secret (n8n at debug level, console, stdout, stderr)', async () => {
	const logged = captured.join('\n');
	// The capture did see n8n's logging (node starts, errors), so this check can fail.
	expect(loggerCalls).toBeGreaterThan(20);
	expect(logged).toMatch(/ChargePilot/);
	expect(logged).not.toContain(SECRET);
	expect(logged).not.toContain(HASHED);
});
