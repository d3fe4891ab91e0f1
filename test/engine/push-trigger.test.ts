/**
 * ChargePilot Push Trigger: the built node's webhook() run through n8n-core's real WebhookContext
 * (test/harness/webhook.ts), as n8n's WebhookService.runWebhook does it. Also n8n's package loader
 * on a package.json that lists the trigger, the credential test and the (no-op) webhook lifecycle.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { PackageDirectoryLoader } from 'n8n-core';
import type { ICredentialDataDecryptedObject, ICredentialsDecrypted, ICredentialTestFunctions, IHookFunctions } from 'n8n-workflow';

import { DIST, FROM_SOURCE } from '../harness/engine';
import { loadPushTrigger, PUSH_CREDENTIAL_FILE, PUSH_NODE_FILE, runWebhook, type WebhookResult } from '../harness/webhook';
import PUSH_SESSION from '../fixtures/push-session.json';

const KEY = 'k3y-Push-0123456789abcdef-ZYXW';

/** ChargePilot's payload fields (docs §6.1): one AC session (no SoC) and one DC session. */
const AC_SESSION = PUSH_SESSION;
const DC_SESSION = { ...AC_SESSION, TransactionID: 184468, ChargerID: 'HPC-07', ConnectorID: 2, EnergyDelivered: 48213.5, InitialSoC: 12, EndSoC: 80 };
const THIRD_SESSION = { ...AC_SESSION, TransactionID: 184469, Id: 'Müller ⚡ card', EnergyDelivered: 0 };

const JSON_HEADERS = { 'content-type': 'application/json', 'ocp-apim-subscription-key': KEY };

/** One push (default: the right key and JSON) through the trigger's webhook() in n8n's real WebhookContext. */
async function push(
	options: { headers?: Record<string, string>; raw?: unknown; parsedOnly?: unknown; credentials?: ICredentialDataDecryptedObject; parameters?: Record<string, unknown> } = {},
): Promise<WebhookResult> {
	return await runWebhook({ ...options, headers: options.headers ?? JSON_HEADERS, credentials: options.credentials ?? { subscriptionKey: KEY } });
}

function expectNothingStarted(outcome: WebhookResult, status: number, message: RegExp) {
	expect(outcome.status).toBe(status);
	expect(outcome.response.ended).toBe(true);
	expect(outcome.response.headers['content-type']).toMatch(/^application\/json/);
	expect(outcome.json?.message).toMatch(message);
	expect(outcome.result).toEqual({ noWebhookResponse: true });
	expect(outcome.result.workflowData).toBeUndefined();
	expect(outcome.text ?? '').not.toContain(KEY);
}

describe('webhook registration', () => {
	test('POST on the configured path, full path, answered by the node', async () => {
		const outcome = await push({ raw: AC_SESSION });
		expect(outcome.webhookData.httpMethod).toBe('POST');
		expect(outcome.webhookData.path).toBe('chargepilot-sessions');
		const custom = await push({ raw: AC_SESSION, parameters: { path: 'tmh/push' } });
		expect(custom.webhookData.path).toBe('tmh/push');
	});

	test('the webhook lifecycle has nothing to register at ChargePilot: every method succeeds', async () => {
		const { nodeType } = loadPushTrigger();
		const methods = nodeType.webhookMethods?.default;
		expect(methods && Object.keys(methods).sort()).toEqual(['checkExists', 'create', 'delete']);
		for (const method of ['checkExists', 'create', 'delete'] as const) {
			await expect(methods![method].call({} as IHookFunctions)).resolves.toBe(true);
		}
	});
});

describe('valid pushes', () => {
	test('one session object: 200 {"received": 1}, one item with the payload as sent', async () => {
		const outcome = await push({ raw: AC_SESSION });
		expect(outcome.status).toBe(200);
		expect(outcome.json).toEqual({ received: 1 });
		// n8n sends the answer, not the node: 2.x only after the execution is stored.
		expect(outcome.answeredBy).toBe('n8n');
		expect(outcome.response.ended).toBe(false);
		expect(outcome.result.noWebhookResponse).toBeUndefined();
		expect(outcome.result.webhookResponse).toEqual({ received: 1 });
		expect(outcome.result.workflowData).toEqual([[{ json: AC_SESSION }]]);
	});

	test('an array of sessions: one item per session, in order, fields untouched', async () => {
		const outcome = await push({ raw: [AC_SESSION, DC_SESSION, THIRD_SESSION] });
		expect(outcome.status).toBe(200);
		expect(outcome.json).toEqual({ received: 3 });
		expect(outcome.result.workflowData).toHaveLength(1);
		expect(outcome.result.workflowData?.[0].map((item) => item.json)).toEqual([AC_SESSION, DC_SESSION, THIRD_SESSION]);
	});

	test('a large push (2,000 sessions) gives 2,000 items', async () => {
		const sessions = Array.from({ length: 2000 }, (_v, k) => ({ ...AC_SESSION, TransactionID: 200000 + k }));
		const outcome = await push({ raw: sessions });
		expect(outcome.json).toEqual({ received: 2000 });
		expect(outcome.result.workflowData?.[0]).toHaveLength(2000);
		expect(outcome.result.workflowData?.[0][1999].json.TransactionID).toBe(201999);
	});

	test('unknown fields are kept as sent (the field list is second-hand)', async () => {
		const session = { ...AC_SESSION, SiteName: 'Depot Nord', Extra: { nested: [1, 2] } };
		const outcome = await push({ raw: session });
		expect(outcome.result.workflowData).toEqual([[{ json: session }]]);
	});

	test('Content-Type with charset and mixed case, a UTF-8 BOM and surrounding whitespace are accepted', async () => {
		const outcome = await push({
			headers: { ...JSON_HEADERS, 'content-type': 'Application/JSON; charset=UTF-8' },
			raw: `\uFEFF  ${JSON.stringify([THIRD_SESSION])}\n`,
		});
		expect(outcome.status).toBe(200);
		expect(outcome.result.workflowData).toEqual([[{ json: THIRD_SESSION }]]);
	});

	test('without the raw bytes, the body n8n parsed is used', async () => {
		const outcome = await push({ parsedOnly: [AC_SESSION, DC_SESSION] });
		expect(outcome.json).toEqual({ received: 2 });
		expect(outcome.result.workflowData?.[0].map((item) => item.json)).toEqual([AC_SESSION, DC_SESSION]);
	});

	test('spaces or a line break around the stored key do not matter', async () => {
		const outcome = await push({ raw: AC_SESSION, credentials: { subscriptionKey: `  ${KEY}\n` } });
		expect(outcome.status).toBe(200);
	});

	test('an empty array is acknowledged with 200 {"received": 0} and starts nothing', async () => {
		const outcome = await push({ raw: [] });
		expect(outcome.status).toBe(200);
		expect(outcome.json).toEqual({ received: 0 });
		expect(outcome.result).toEqual({ noWebhookResponse: true });
	});

	test('Include Headers adds _headers without the subscription key, Authorization or Cookie', async () => {
		const headers = {
			...JSON_HEADERS,
			'user-agent': 'ChargePilot-Push/1.0',
			'x-request-id': 'abc-123',
			authorization: 'Bearer something',
			cookie: 'a=b',
		};
		const outcome = await push({ headers, raw: [AC_SESSION, DC_SESSION], parameters: { options: { includeHeaders: true } } });
		const items = outcome.result.workflowData?.[0] ?? [];
		expect(items).toHaveLength(2);
		for (const item of items) {
			expect(item.json._headers).toEqual({ 'content-type': 'application/json', 'user-agent': 'ChargePilot-Push/1.0', 'x-request-id': 'abc-123' });
		}
		expect(items[1].json).toMatchObject(DC_SESSION);
		expect(JSON.stringify(items)).not.toContain(KEY);
		// Off by default.
		const plainOutcome = await push({ headers, raw: AC_SESSION });
		expect(plainOutcome.result.workflowData?.[0][0].json).not.toHaveProperty('_headers');
	});
});

describe('refused pushes start nothing', () => {
	test('wrong key: 401', async () => {
		const outcome = await push({ headers: { ...JSON_HEADERS, 'ocp-apim-subscription-key': `${KEY}x` }, raw: AC_SESSION });
		expectNothingStarted(outcome, 401, /Invalid Ocp-Apim-Subscription-Key/);
		expect(outcome.json?.error).toBe('Unauthorized');
	});

	test('wrong key of another length, and one differing only in case: 401', async () => {
		for (const key of ['short', KEY.toLowerCase(), `${KEY} ${KEY}`]) {
			const outcome = await push({ headers: { ...JSON_HEADERS, 'ocp-apim-subscription-key': key }, raw: AC_SESSION });
			expectNothingStarted(outcome, 401, /Invalid Ocp-Apim-Subscription-Key/);
		}
	});

	test('any prefix or suffix of the key, down to one character, is refused: 401', async () => {
		for (const key of [KEY.slice(0, 1), KEY.slice(0, KEY.length - 1), KEY.slice(1), KEY.slice(0, Math.ceil(KEY.length / 2))]) {
			const outcome = await push({ headers: { ...JSON_HEADERS, 'ocp-apim-subscription-key': key }, raw: AC_SESSION });
			expectNothingStarted(outcome, 401, /Invalid Ocp-Apim-Subscription-Key/);
		}
		// The whole key still opens it: the refusals above are about the key, not the request.
		const accepted = await push({ headers: { ...JSON_HEADERS, 'ocp-apim-subscription-key': KEY }, raw: AC_SESSION });
		expect(accepted.status).toBe(200);
	});

	test('missing key, or an empty one: 401', async () => {
		expectNothingStarted(await push({ headers: { 'content-type': 'application/json' }, raw: AC_SESSION }), 401, /Missing Ocp-Apim-Subscription-Key/);
		expectNothingStarted(await push({ headers: { ...JSON_HEADERS, 'ocp-apim-subscription-key': '' }, raw: AC_SESSION }), 401, /Missing/);
	});

	test('the key in another header (Authorization, x-api-key) does not count', async () => {
		const outcome = await push({ headers: { 'content-type': 'application/json', authorization: KEY, 'x-api-key': KEY }, raw: AC_SESSION });
		expectNothingStarted(outcome, 401, /Missing/);
	});

	test('a credential without a key refuses everything', async () => {
		const outcome = await push({ headers: { ...JSON_HEADERS, 'ocp-apim-subscription-key': '' }, raw: AC_SESSION, credentials: { subscriptionKey: '' } });
		expectNothingStarted(outcome, 401, /Missing/);
		const other = await push({ headers: { ...JSON_HEADERS, 'ocp-apim-subscription-key': 'anything' }, raw: AC_SESSION, credentials: { subscriptionKey: '  ' } });
		expectNothingStarted(other, 401, /Invalid/);
	});

	test('the key is checked before anything else: wrong key with a bad body is 401, not 400', async () => {
		const outcome = await push({ headers: { 'content-type': 'text/plain', 'ocp-apim-subscription-key': 'nope' }, raw: '{oops' });
		expectNothingStarted(outcome, 401, /Invalid/);
	});

	test('wrong content type: 400', async () => {
		const text = await push({ headers: { ...JSON_HEADERS, 'content-type': 'text/plain' }, raw: AC_SESSION });
		expectNothingStarted(text, 400, /Expected Content-Type application\/json, got Content-Type "text\/plain"/);
		expect(text.json?.error).toBe('Bad Request');
		const form = await push({ headers: { ...JSON_HEADERS, 'content-type': 'application/x-www-form-urlencoded' }, raw: 'a=b' });
		expectNothingStarted(form, 400, /Expected Content-Type application\/json/);
		const missing = await push({ headers: { 'ocp-apim-subscription-key': KEY }, raw: AC_SESSION });
		expectNothingStarted(missing, 400, /got no Content-Type/);
	});

	test('malformed JSON: 400', async () => {
		const outcome = await push({ raw: '[{"TransactionID": 1,}' });
		expectNothingStarted(outcome, 400, /^The body is not valid JSON \(/);
	});

	test('empty body: 400', async () => {
		expectNothingStarted(await push({ raw: '' }), 400, /The body is empty/);
		expectNothingStarted(await push({}), 400, /The body is empty/);
		expectNothingStarted(await push({ parsedOnly: {} }), 400, /The body is empty/);
	});

	test('an array of non-objects: 400 naming the element', async () => {
		expectNothingStarted(await push({ raw: [1, 2, 3] }), 400, /Element 0 of the array is a number, not a session object/);
		expectNothingStarted(await push({ raw: [AC_SESSION, 'x'] }), 400, /Element 1 of the array is a string/);
		expectNothingStarted(await push({ raw: [AC_SESSION, DC_SESSION, null] }), 400, /Element 2 of the array is null/);
		expectNothingStarted(await push({ raw: [[AC_SESSION]] }), 400, /Element 0 of the array is an array/);
		expectNothingStarted(await push({ raw: [AC_SESSION, {}] }), 400, /Element 1 of the array is an empty object/);
	});

	test('a body that is neither a session nor an array of sessions: 400', async () => {
		expectNothingStarted(await push({ raw: '"hello"' }), 400, /The body is a string/);
		expectNothingStarted(await push({ raw: '42' }), 400, /The body is a number/);
		expectNothingStarted(await push({ raw: 'true' }), 400, /The body is a boolean/);
		expectNothingStarted(await push({ raw: 'null' }), 400, /The body is null/);
		expectNothingStarted(await push({ raw: '{}' }), 400, /The body is an empty object/);
	});
});

describe('credential', () => {
	const test_ = async (data: ICredentialDataDecryptedObject) => {
		const { nodeType } = loadPushTrigger();
		const fn = nodeType.methods?.credentialTest?.chargePilotPushApiTest;
		if (!fn) throw new Error('chargePilotPushApiTest is not registered');
		return await fn.call({} as ICredentialTestFunctions, { id: '1', name: 'Push', type: 'chargePilotPushApi', data } as ICredentialsDecrypted);
	};

	test('the node tests the credential locally (there is no ChargePilot endpoint to test a push key against)', async () => {
		const { nodeType, credentialType } = loadPushTrigger();
		expect(nodeType.description.credentials).toEqual([{ name: 'chargePilotPushApi', required: true, testedBy: 'chargePilotPushApiTest' }]);
		expect(credentialType.name).toBe('chargePilotPushApi');
		expect(credentialType.properties.map((p) => [p.name, p.typeOptions?.password])).toEqual([['subscriptionKey', true]]);
		expect(credentialType.test).toBeUndefined();
		expect(credentialType.authenticate).toBeUndefined();

		await expect(test_({ subscriptionKey: KEY })).resolves.toMatchObject({ status: 'OK' });
		await expect(test_({ subscriptionKey: '' })).resolves.toMatchObject({ status: 'Error', message: 'The Subscription Key is empty.' });
		await expect(test_({})).resolves.toMatchObject({ status: 'Error' });
		await expect(test_({ subscriptionKey: 'short-key' })).resolves.toMatchObject({ status: 'Error', message: expect.stringMatching(/only 9 characters/) });
		await expect(test_({ subscriptionKey: `${KEY}\n${KEY}` })).resolves.toMatchObject({ status: 'Error', message: expect.stringMatching(/line break/) });
		// The test's messages never contain the key.
		const result = await test_({ subscriptionKey: 'abc\u00e9' });
		expect(result.message).not.toContain('abc');
	});
});

// Reads dist/ by design (what n8n's loader sees), so it says nothing about mutated sources.
describe("n8n's package loader", () => {
	(FROM_SOURCE ? test.skip : test)('loads the trigger and its credential (with icons and codex) from a package.json that lists them', async () => {
		const root = mkdtempSync(path.join(os.tmpdir(), 'chargepilot-push-loader-'));
		try {
			const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8'));
			pkg.n8n.credentials = [...new Set([...pkg.n8n.credentials, `dist/${PUSH_CREDENTIAL_FILE}`])];
			pkg.n8n.nodes = [...new Set([...pkg.n8n.nodes, `dist/${PUSH_NODE_FILE}`])];
			writeFileSync(path.join(root, 'package.json'), JSON.stringify(pkg));
			symlinkSync(DIST, path.join(root, 'dist'), 'dir');
			const loader = new PackageDirectoryLoader(root);
			await loader.loadAll();
			// The package's other nodes and credential load alongside.
			expect(Object.keys(loader.nodeTypes)).toEqual(expect.arrayContaining(['chargePilot', 'chargePilotPushTrigger']));
			expect(Object.keys(loader.credentialTypes).sort()).toEqual(['chargePilotApi', 'chargePilotPushApi']);
			const description = loader.types.nodes.find((type) => type.name === 'chargePilotPushTrigger');
			expect(description).toBeDefined();
			expect(description?.group).toEqual(['trigger']);
			expect(description?.inputs).toEqual([]);
			expect(description?.usableAsTool).toBeUndefined();
			// The path template (with n8n 2.x's resolver that reads it without an expression sandbox) and an
			// empty responseData, so n8n answers with the node's {"received": n}.
			expect(description?.webhooks).toEqual([
				expect.objectContaining({ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path: '={{$parameter["path"]}}', isFullPath: true }),
			]);
			const resolvers = Object.getOwnPropertySymbols(description?.webhooks?.[0] ?? {}).map((symbol) => (description?.webhooks?.[0] as unknown as Record<symbol, { path?: { resolve(p: object): unknown } }>)[symbol]);
			expect(resolvers.map((resolver) => resolver.path?.resolve({ path: 'my-push' }))).toEqual(['my-push']);
			expect(description?.codex?.categories).toContain('Data & Storage');
			const iconUrl = description?.iconUrl as { light: string; dark: string };
			for (const icon of [iconUrl.light, iconUrl.dark]) {
				expect(icon).toMatch(/^icons\/n8n-nodes-chargepilot\/dist\/icons\/chargepilot(\.dark)?\.svg$/);
				expect(existsSync(path.join(root, icon.replace(/^icons\/n8n-nodes-chargepilot\//, '')))).toBe(true);
			}
			const credential = loader.types.credentials.find((type) => type.name === 'chargePilotPushApi');
			expect(credential?.supportedNodes).toEqual(['chargePilotPushTrigger']);
			for (const icon of Object.values(credential?.iconUrl as Record<string, string>)) {
				expect(existsSync(path.join(root, icon.replace(/^icons\/n8n-nodes-chargepilot\//, '')))).toBe(true);
			}
		} finally {
			rmSync(root, { recursive: true, force: true });
		}
	});
});
