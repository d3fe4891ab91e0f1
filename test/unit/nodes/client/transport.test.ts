import { Readable } from 'node:stream';

import type { ICredentialDataDecryptedObject, IHttpRequestOptions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { signRequestOptions } from '../../../../credentials/chargepilot/authenticate';
import { forgetAll } from '../../../../credentials/chargepilot/signedPathAuto';
import { apiRequest, DEFAULT_SETTINGS, DEFAULT_TIMEOUT_MS, type ApiContext, type ApiRequest, type RequestSettings } from '../../../../nodes/client/transport';

/**
 * The transport with a stand-in for n8n's `httpRequestWithAuthentication`: it runs the real
 * `authenticate` on the options (as n8n does) and answers from a script. The engine suites run the
 * same code through n8n's real HTTP layer against the sandbox; these pin the decisions in between:
 * what is asked of n8n, retries, the deadline, Signed Path Auto's second try and its hint, the
 * credential memo, and which error comes out.
 */

type Step = { status: number; headers?: Record<string, unknown>; body?: unknown } | { error: Record<string, unknown> } | 'hang' | { headersMissing: true };

const CREDENTIALS = { region: 'custom', baseUrl: 'http://127.0.0.1:8787/rest/v1', apiKey: 'key-1', apiSecret: 'secret-1', signedPath: 'full' };
const NODE: INode = {
	id: 'n1',
	name: 'ChargePilot',
	type: 'n8n-nodes-chargepilot.chargePilot',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: { chargePilotApi: { id: 'cred-7', name: 'My ChargePilot' } },
};
/** The waits between attempts, as asked of n8n's sleep (which this file makes instant). */
const mockSleeps: number[] = [];
jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: async (ms: number) => {
		mockSleeps.push(ms);
	},
}));

const QUICK: RequestSettings = { timeoutMs: 5_000, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, retryNonIdempotent: false } };

interface Fake {
	context: ApiContext;
	/** What the transport handed to n8n, as it handed it (before signing), and the signed copy. */
	asked: Array<{ options: IHttpRequestOptions; signed: IHttpRequestOptions; additional: unknown; type: string }>;
	hints: unknown[];
	credentialLoads: number;
}

function fake(
	steps: Step[],
	{ credentials = CREDENTIALS, node = NODE, hints = true, failLoads = 0 }: { credentials?: Record<string, unknown>; node?: INode; hints?: boolean | 'not a function'; failLoads?: number } = {},
): Fake {
	const state: Fake = { context: undefined as unknown as ApiContext, asked: [], hints: [], credentialLoads: 0 };
	const script = [...steps];
	const context: Record<string, unknown> = {
		getNode: () => node,
		getCredentials: async (type: string) => {
			expect(type).toBe('chargePilotApi');
			state.credentialLoads++;
			if (state.credentialLoads <= failLoads) throw new Error('Credentials could not be decrypted');
			return credentials;
		},
		helpers: {
			httpRequestWithAuthentication: async (type: string, options: IHttpRequestOptions, additional: { credentialsDecrypted: { data: ICredentialDataDecryptedObject } }) => {
				const snapshot = { ...options, headers: options.headers ? { ...options.headers } : undefined };
				const signed = signRequestOptions(additional.credentialsDecrypted.data, options);
				state.asked.push({ options: snapshot, signed, additional, type });
				const step = script.shift();
				if (step === undefined) throw new Error('the script has no answer left');
				if (step === 'hang') return await new Promise(() => undefined);
				if ('error' in step) throw Object.assign(new Error(String(step.error.message ?? 'request failed')), step.error);
				if ('headersMissing' in step) return { statusCode: 200, body: { ok: true } };
				return { statusCode: step.status, headers: step.headers ?? { 'content-type': 'application/json' }, body: step.body ?? {} };
			},
		},
	};
	if (hints === 'not a function') context.addExecutionHints = undefined;
	else if (hints) context.addExecutionHints = (...added: unknown[]) => state.hints.push(...added);
	state.context = context as unknown as ApiContext;
	return state;
}

async function call(state: Fake, request: Partial<ApiRequest> = {}) {
	return await apiRequest.call(state.context, { method: 'GET', path: '/sites', settings: QUICK, ...request } as ApiRequest);
}

async function failure(state: Fake, request: Partial<ApiRequest> = {}): Promise<NodeApiError | NodeOperationError> {
	try {
		await call(state, request);
	} catch (error) {
		return error as NodeApiError;
	}
	throw new Error('expected the request to fail');
}

beforeEach(() => {
	forgetAll();
	mockSleeps.length = 0;
});

describe('what the transport asks of n8n', () => {
	test('one signed request, the full answer back, with the attempt count and latency', async () => {
		const state = fake([{ status: 200, headers: { 'content-type': 'application/json', 'x-a': '1' }, body: [{ id: 's1' }] }]);
		const headers = { Accept: 'application/json' };
		const response = await call(state, { method: 'POST', path: '/sites/s1?x=1', qs: { a: 'b' }, body: { k: 1 }, headers, settings: { ...QUICK, timeoutMs: 1234 } });
		expect(response).toMatchObject({ statusCode: 200, headers: { 'x-a': '1' }, body: [{ id: 's1' }], attempts: 1 });
		expect(response.latencyMs).toBeGreaterThanOrEqual(0);
		expect(state.asked).toHaveLength(1);
		const [{ options, type, additional, signed }] = state.asked;
		expect(type).toBe('chargePilotApi');
		expect(options).toEqual({
			method: 'POST',
			url: '/sites/s1?x=1',
			qs: { a: 'b' },
			headers: { Accept: 'application/json' },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			encoding: 'stream',
			timeout: 1234,
			body: { k: 1 },
		});
		// A copy of the caller's headers: signing adds its own to the copy, not to the caller's object.
		expect(headers).toEqual({ Accept: 'application/json' });
		expect(additional).toEqual({ credentialsDecrypted: { id: 'cred-7', name: 'My ChargePilot', type: 'chargePilotApi', data: CREDENTIALS } });
		expect(signed.url).toBe('http://127.0.0.1:8787/rest/v1/sites/s1?x=1&a=b');
	});

	test('only 2xx answers are answers: 199 and 300 are errors (redirects are not followed)', async () => {
		for (const status of [199, 300, 304]) {
			const state = fake([{ status, body: { message: 'odd' } }]);
			const error = await failure(state);
			expect(error.message).toBe(`ChargePilot answered ${status} to GET /sites: odd (1 attempt)`);
		}
		for (const status of [200, 201, 204, 299]) expect((await call(fake([{ status }]))).statusCode).toBe(status);
	});

	test('the latency is the wall time of the attempt', async () => {
		const before = Date.now();
		const response = await call(fake([{ status: 200 }]));
		expect(response.latencyMs).toBeGreaterThanOrEqual(0);
		expect(response.latencyMs).toBeLessThanOrEqual(Date.now() - before);
	});

	test('no body, no headers: neither is set; an answer without headers has none', async () => {
		const state = fake([{ headersMissing: true }]);
		const response = await call(state);
		expect(state.asked[0].options).not.toHaveProperty('body');
		expect(state.asked[0].options.headers).toBeUndefined();
		expect(response.headers).toEqual({});
	});

	test('the default settings: 60 s, four attempts, 16 MB per answer', async () => {
		expect(DEFAULT_TIMEOUT_MS).toBe(60_000);
		expect(DEFAULT_SETTINGS).toEqual({ timeoutMs: 60_000, retry: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000, retryNonIdempotent: false }, maxAnswerBytes: 16 * 1024 * 1024 });
		const state = fake([{ status: 200 }]);
		await apiRequest.call(state.context, { method: 'GET', path: '/sites' });
		expect(state.asked[0].options.timeout).toBe(60_000);
	});

	test('the credential is loaded once per run (context), and a failed load is not kept', async () => {
		const state = fake([{ status: 200 }, { status: 200 }, { status: 200 }], { failLoads: 1 });
		await expect(call(state)).rejects.toThrow('Credentials could not be decrypted');
		expect(state.asked).toHaveLength(0);
		await call(state);
		await call(state);
		expect(state.credentialLoads).toBe(2);
		const other = fake([{ status: 200 }]);
		await call(other);
		expect(other.credentialLoads).toBe(1);
	});

	test('a node without credential details sends empty id and name', async () => {
		const state = fake([{ status: 200 }], { node: { ...NODE, credentials: undefined } });
		await call(state);
		expect(state.asked[0].additional).toMatchObject({ credentialsDecrypted: { id: '', name: '', type: 'chargePilotApi' } });
	});
});

describe('retries', () => {
	test('429, 502, 503, 504 are retried for a GET; the answer after them comes back with its attempt count', async () => {
		const state = fake([{ status: 503 }, { status: 429, headers: { 'retry-after': '0' } }, { status: 200, body: { ok: 1 } }]);
		const response = await call(state);
		expect(response.attempts).toBe(3);
		expect(response.body).toEqual({ ok: 1 });
		expect(state.asked).toHaveLength(3);
		// Each attempt is signed afresh, from options built afresh.
		expect(new Set(state.asked.map(({ options }) => options)).size).toBe(3);
	});

	test('the waits: Retry-After when the server sends one (up to Max Retry Wait), otherwise exponential backoff with jitter', async () => {
		const settings = { timeoutMs: 5_000, retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 30_000, retryNonIdempotent: false } };
		// n8n hands response header names over in lower case.
		const told = fake([{ status: 429, headers: { 'retry-after': '7' } }, { status: 503, headers: { 'content-type': 'application/json' } }, { status: 200 }]);
		await call(told, { settings });
		expect(mockSleeps[0]).toBe(7_000);
		expect(mockSleeps[1]).toBeGreaterThanOrEqual(100);
		expect(mockSleeps[1]).toBeLessThanOrEqual(200);
		mockSleeps.length = 0;
		const capped = fake([{ status: 429, headers: { 'retry-after': '3600' } }, { status: 200 }]);
		await call(capped, { settings: { ...settings, retry: { ...settings.retry, maxDelayMs: 250 } } });
		expect(mockSleeps).toEqual([250]);
		mockSleeps.length = 0;
		const backoff = fake([{ status: 503 }, { error: { code: 'ECONNRESET' } }, { status: 504 }, { status: 200 }]);
		await call(backoff, { settings });
		expect(mockSleeps).toHaveLength(3);
		mockSleeps.forEach((ms, index) => {
			expect(ms).toBeGreaterThanOrEqual(50 * 2 ** index);
			expect(ms).toBeLessThanOrEqual(100 * 2 ** index);
		});
	});

	test('the last attempt\'s answer is the error, with the attempts', async () => {
		const state = fake([{ status: 502 }, { status: 502 }, { status: 504, body: { message: 'upstream' } }]);
		const error = await failure(state);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('ChargePilot answered 504 to GET /sites: upstream (after 3 attempts)');
		expect(error.context.attempts).toBe(3);
	});

	test('a POST is not retried on a 503 (it may have been processed), but on a 429', async () => {
		const post = fake([{ status: 503 }]);
		expect((await failure(post, { method: 'POST', body: { a: 1 } })).message).toBe('ChargePilot answered 503 to POST /sites: HTTP 503 (1 attempt)');
		expect(post.asked).toHaveLength(1);
		const limited = fake([{ status: 429 }, { status: 201 }]);
		expect((await call(limited, { method: 'POST', body: { a: 1 } })).attempts).toBe(2);
	});

	test('maxAttempts below 1 means one attempt; a fraction is rounded down', async () => {
		const none = fake([{ status: 503 }, { status: 200 }]);
		await failure(none, { settings: { ...QUICK, retry: { ...QUICK.retry, maxAttempts: 0 } } });
		expect(none.asked).toHaveLength(1);
		const fraction = fake([{ status: 503 }, { status: 503 }, { status: 200 }]);
		await failure(fraction, { settings: { ...QUICK, retry: { ...QUICK.retry, maxAttempts: 2.9 } } });
		expect(fraction.asked).toHaveLength(2);
	});

	test('a 4xx other than 429 is not retried, and the item index is on the error', async () => {
		const state = fake([{ status: 404, body: { message: 'Site x not found' } }, { status: 200 }]);
		const error = await failure(state, { path: '/sites/x', itemIndex: 3 });
		expect(state.asked).toHaveLength(1);
		expect(error.message).toBe('ChargePilot answered 404 to GET /sites/x: Site x not found (1 attempt)');
		expect((error as NodeApiError).context.itemIndex).toBe(3);
	});

	test('network errors: a reset is retried for a GET, not for a POST; a refused connection for both', async () => {
		const reset = fake([{ error: { code: 'ECONNRESET' } }, { status: 200 }]);
		expect((await call(reset)).attempts).toBe(2);
		const resetPost = fake([{ error: { code: 'ECONNRESET' } }, { status: 200 }]);
		const error = await failure(resetPost, { method: 'POST', body: { a: 1 } });
		expect(error.message).toBe('ChargePilot request POST /sites failed: the connection was reset (1 attempt)');
		expect((error as NodeApiError).context.code).toBe('ECONNRESET');
		const refused = fake([{ error: { code: 'ECONNREFUSED' } }, { error: { code: 'ECONNREFUSED' } }, { status: 201 }]);
		expect((await call(refused, { method: 'POST', body: { a: 1 } })).attempts).toBe(3);
		const always = fake([{ error: { code: 'ECONNREFUSED' } }, { error: { code: 'ECONNREFUSED' } }, { error: { code: 'ECONNREFUSED' } }]);
		expect((await failure(always)).message).toBe('ChargePilot request GET /sites failed: nothing is listening at the base URL (after 3 attempts)');
	});

	test('an error without a network code is not retried', async () => {
		const state = fake([{ error: { message: 'socket hang up odd' } }, { status: 200 }]);
		const error = await failure(state);
		expect(state.asked).toHaveLength(1);
		expect(error.message).toBe('ChargePilot request GET /sites failed: socket hang up odd (1 attempt)');
	});
});

describe('answers that are not what they say', () => {
	test('a 2xx with a JSON Content-Type and a body that does not parse: retried for a GET, then an error', async () => {
		const bad = { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"cut' };
		const state = fake([bad, bad, { status: 200, body: [] }]);
		expect((await call(state)).attempts).toBe(3);
		const always = fake([bad, bad, bad]);
		const error = await failure(always);
		expect(error.message).toBe('ChargePilot request GET /sites failed: the answer was not valid JSON (after 3 attempts)');
		const post = fake([bad, { status: 200 }]);
		await failure(post, { method: 'POST', body: { a: 1 } });
		expect(post.asked).toHaveLength(1);
	});

	test('not malformed: JSON text that parses, an empty or blank body, a body that is not text, a type that is not JSON', async () => {
		for (const step of [
			{ status: 200, headers: { 'content-type': 'application/json' }, body: '"text"' },
			{ status: 200, headers: { 'content-type': 'application/json' }, body: '' },
			{ status: 200, headers: { 'content-type': 'application/json' }, body: '  \n' },
			{ status: 200, headers: { 'content-type': 'application/json' }, body: { a: 1 } },
			{ status: 200, headers: { 'content-type': 'text/plain' }, body: '{"cut' },
			{ status: 200, headers: {}, body: '{"cut' },
			{ status: 204, headers: { 'content-type': 'APPLICATION/JSON' }, body: '' },
		]) {
			const state = fake([step]);
			expect((await call(state)).body).toEqual(step.body);
		}
	});
});

describe('the size of an answer (read as a stream, with a ceiling)', () => {
	const streamed = (text: string | Buffer, status = 200) => {
		const state = fake([]);
		let calls = 0;
		(state.context.helpers as unknown as Record<string, unknown>).httpRequestWithAuthentication = async (_type: string, options: IHttpRequestOptions) => {
			calls++;
			expect(options.encoding).toBe('stream');
			return { statusCode: status, headers: { 'content-type': 'application/json' }, body: Readable.from([Buffer.from(text)]) };
		};
		return { state, calls: () => calls };
	};

	test('a streamed answer is read and decoded', async () => {
		const { state } = streamed('{"charging_events":[],"count":0}');
		expect((await call(state)).body).toEqual({ charging_events: [], count: 0 });
	});

	test('an answer larger than Max Answer Size fails the attempt, saying so; it is not retried', async () => {
		const { state, calls } = streamed('x'.repeat(3000));
		const error = await failure(state, { settings: { ...QUICK, maxAnswerBytes: 2048 } });
		expect(calls()).toBe(1);
		expect(error.message).toBe('ChargePilot request GET /sites failed: the answer was larger than 2 KB and was not read further (1 attempt)');
		expect((error as NodeApiError).description).toBe('Ask for less in one request (a narrower From/To window, a smaller Page Size), or raise Max Answer Size under Options if the answer really is that large.');
	});

	test('the ceiling holds for error answers too; the ceiling by default is 16 MB', async () => {
		const { state } = streamed(Buffer.alloc(16 * 1024 * 1024 + 1, 0x20), 500);
		const error = await failure(state, { settings: { ...QUICK, maxAnswerBytes: undefined } });
		expect(error.message).toMatch(/the answer was larger than 16 MB and was not read further/);
	});

	test('a streamed JSON answer that does not parse is malformed, and retried as before', async () => {
		const { state, calls } = streamed('{"charging_events":[');
		const error = await failure(state);
		expect(calls()).toBe(3);
		expect(error.message).toMatch(/the answer was not valid JSON \(after 3 attempts\)/);
	});
});

describe('the deadline', () => {
	test('an answer that never comes ends as a timeout after timeoutMs, retried as allowed', async () => {
		const state = fake(['hang', 'hang']);
		const error = await failure(state, { settings: { timeoutMs: 40, retry: { ...QUICK.retry, maxAttempts: 2 } } });
		expect(state.asked).toHaveLength(2);
		expect(error.message).toBe('ChargePilot request GET /sites failed: no answer within the timeout (timeout 40 ms) (after 2 attempts)');
		expect((error as NodeApiError).context.code).toBe('ETIMEDOUT');
	});

	test('an error after the time limit counts as a timeout, whatever its code: retried as one', async () => {
		// The credential's deadline aborts the request on the wire, and n8n throws its own "canceled"
		// error; here it arrives before the transport's own timer could fire (a busy event loop).
		const state = fake([]);
		let calls = 0;
		(state.context.helpers as unknown as Record<string, unknown>).httpRequestWithAuthentication = async () => {
			calls++;
			if (calls > 1) return { statusCode: 200, headers: {}, body: { ok: true } };
			const until = Date.now() + 40;
			while (Date.now() < until) {
				// blocks, as a busy n8n would
			}
			throw Object.assign(new Error('canceled'), { code: 'ERR_CANCELED' });
		};
		const response = await call(state, { settings: { timeoutMs: 25, retry: { ...QUICK.retry, maxAttempts: 2 } } });
		expect([calls, response.attempts]).toEqual([2, 2]);
	});
});

describe('Signed Path "Auto"', () => {
	const auto = { ...CREDENTIALS, signedPath: 'auto' };

	test('a 401 is tried once more with the other form; what worked is said once per run', async () => {
		const state = fake([{ status: 401 }, { status: 200, body: [] }, { status: 200, body: [] }], { credentials: auto });
		const response = await call(state);
		expect(response.attempts).toBe(1);
		expect(state.asked.map(({ signed }) => signed.headers?.['x-signature'])).toHaveLength(2);
		expect(state.hints).toEqual([
			{
				message:
					'Signed Path "Auto": this ChargePilot server checks the Relative Path (/sites?…) form of the signature. It is remembered for this credential while n8n runs, so later requests sign that way first; to skip the first try after a restart, set Signed Path to it in the credential.',
				type: 'info',
				location: 'outputPane',
			},
		]);
		// The next request signs the relative form first: one exchange, no second hint.
		await call(state);
		expect(state.asked).toHaveLength(3);
		expect(state.hints).toHaveLength(1);
	});

	test('the second form gets what is left of the Timeout, not a Timeout of its own', async () => {
		const state = fake([], { credentials: auto });
		const timeouts: number[] = [];
		(state.context.helpers as unknown as Record<string, unknown>).httpRequestWithAuthentication = async (_type: string, options: IHttpRequestOptions, additional: { credentialsDecrypted: { data: ICredentialDataDecryptedObject } }) => {
			timeouts.push(options.timeout as number);
			signRequestOptions(additional.credentialsDecrypted.data, options);
			if (timeouts.length === 1) {
				await new Promise((resolve) => setTimeout(resolve, 60));
				return { statusCode: 401, headers: {}, body: {} };
			}
			return { statusCode: 200, headers: {}, body: [] };
		};
		await call(state, { settings: { ...QUICK, timeoutMs: 1000 } });
		expect(timeouts[0]).toBe(1000);
		expect(timeouts[1]).toBeLessThanOrEqual(1000 - 50);
		expect(timeouts[1]).toBeGreaterThan(0);
	});

	test('no time left after the 401: the attempt fails as a timeout, the second form is not sent', async () => {
		const state = fake([], { credentials: auto });
		let calls = 0;
		(state.context.helpers as unknown as Record<string, unknown>).httpRequestWithAuthentication = async (_type: string, options: IHttpRequestOptions, additional: { credentialsDecrypted: { data: ICredentialDataDecryptedObject } }) => {
			calls++;
			signRequestOptions(additional.credentialsDecrypted.data, options);
			const until = Date.now() + 40;
			while (Date.now() < until) {
				// the 401 arrives just at the deadline (a busy event loop)
			}
			return { statusCode: 401, headers: {}, body: {} };
		};
		const error = await failure(state, { settings: { timeoutMs: 30, retry: { ...QUICK.retry, maxAttempts: 1 } } });
		expect(calls).toBe(1);
		expect(error.message).toBe('ChargePilot request GET /sites failed: no answer within the timeout (timeout 30 ms) (1 attempt)');
	});

	test('when the remembered form is refused, the full one is found and named', async () => {
		const first = fake([{ status: 401 }, { status: 200 }], { credentials: auto });
		await call(first);
		const later = fake([{ status: 401 }, { status: 200 }], { credentials: auto });
		await call(later);
		expect((later.hints[0] as { message: string }).message).toContain('checks the Full Path (/rest/v1/sites?…) form');
	});

	test('two 401s: the error names both forms, no hint; pinned modes are not tried twice', async () => {
		const state = fake([{ status: 401, body: { message: 'Invalid signature' } }, { status: 401, body: { message: 'Invalid signature' } }], { credentials: auto });
		const error = await failure(state);
		expect(state.asked).toHaveLength(2);
		expect(state.hints).toHaveLength(0);
		expect(error.message).toBe('ChargePilot answered 401 to GET /sites: Invalid signature (1 attempt)');
		expect((error as NodeApiError).description).toMatch(/full.*relative|Full.*Relative/s);
		const pinned = fake([{ status: 401 }, { status: 200 }]);
		await failure(pinned);
		expect(pinned.asked).toHaveLength(1);
	});

	test('a second try that fails otherwise (503) goes on to the retries; a context without hints is fine', async () => {
		const state = fake([{ status: 401 }, { status: 503 }, { status: 200 }], { credentials: auto, hints: false });
		expect((await call(state)).attempts).toBe(2);
		expect(state.asked).toHaveLength(3);
		const broken = fake([{ status: 401 }, { status: 200 }], { credentials: auto, hints: 'not a function' });
		expect((await call(broken)).statusCode).toBe(200);
	});

	test('one hint per run, also when a run finds the form twice', async () => {
		// Relative found first; later in the same run the server refuses it and full works.
		const state = fake([{ status: 401 }, { status: 200 }, { status: 401 }, { status: 200 }], { credentials: auto });
		await call(state);
		await call(state);
		expect(state.asked).toHaveLength(4);
		expect(state.hints).toHaveLength(1);
		expect((state.hints[0] as { message: string }).message).toContain('Relative Path');
	});

	test('an answer from n8n without the credential having signed (nothing on record): reported as it is', async () => {
		const state = fake([]);
		(state.context.helpers as unknown as Record<string, unknown>).httpRequestWithAuthentication = async () => ({ statusCode: 401, headers: {}, body: { message: 'no' } });
		expect((await failure(state)).message).toBe('ChargePilot answered 401 to GET /sites: no (1 attempt)');
	});
});

describe('what cannot be signed', () => {
	test('a refusal of the credential is a NodeOperationError naming the item and the field; nothing is retried', async () => {
		const state = fake([{ status: 200 }], { credentials: { ...CREDENTIALS, apiKey: '' } });
		const error = await failure(state, { itemIndex: 2 });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe("Request (item 2): The ChargePilot credential's API Key is empty: paste the API Key The Mobility House issued");
		expect(error.description).toBe('Fix "apiKey" in the ChargePilot credential or the node\'s parameters. Nothing was sent.');
		expect(state.asked).toHaveLength(0);
	});
});
