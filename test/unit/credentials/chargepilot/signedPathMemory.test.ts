/**
 * Signed Path "Auto": the remembered-variant store and the choice of variant, on their own.
 */
import { signRequestOptions } from '../../../../credentials/chargepilot/authenticate';
import {
	chooseVariant,
	forgetAll,
	MAX_REMEMBERED,
	memoryKey,
	remember,
	rememberedEntries,
	rememberedVariant,
	signingRecord,
} from '../../../../credentials/chargepilot/signedPathMemory';

const BASE = 'http://127.0.0.1:8787/rest/v1';
const creds = { region: 'custom', baseUrl: BASE, apiKey: 'key-A-123', apiSecret: 'secret-A-456', signedPath: 'auto' };

beforeEach(() => forgetAll());

test('remembered per credential: base URL and API key together', () => {
	remember(memoryKey(BASE, 'key-A'), 'relative');
	expect(rememberedVariant(memoryKey(BASE, 'key-A'))).toBe('relative');
	expect(rememberedVariant(memoryKey(BASE, 'key-B'))).toBeUndefined();
	expect(rememberedVariant(memoryKey('http://127.0.0.1:9999/rest/v1', 'key-A'))).toBeUndefined();
});

test('nothing of the credential is stored in clear: no key, no secret, no base URL', () => {
	const first = signRequestOptions(creds, { url: '/sites' });
	signRequestOptions(creds, first); // a re-run after a 401: the other variant is remembered
	const dump = JSON.stringify(rememberedEntries());
	expect(rememberedEntries()).toHaveLength(1);
	expect(dump).not.toContain(creds.apiKey);
	expect(dump).not.toContain(creds.apiSecret);
	expect(dump).not.toContain('127.0.0.1');
	expect(rememberedEntries()[0][0]).toMatch(/^[0-9a-f]{64}$/);
});

test('bounded: at most MAX_REMEMBERED credentials, the least recently used goes first', () => {
	remember('keep-me', 'relative');
	for (let index = 0; index < MAX_REMEMBERED + 50; index++) {
		remember(`k${index}`, 'full');
		if (index % 10 === 0) expect(rememberedVariant('keep-me')).toBe('relative'); // used: stays
	}
	expect(rememberedEntries()).toHaveLength(MAX_REMEMBERED);
	expect(rememberedVariant('k0')).toBeUndefined();
	expect(rememberedVariant(`k${MAX_REMEMBERED + 49}`)).toBe('full');
});

describe('choosing the variant', () => {
	test('pinned modes sign as set, re-run or not, and remember nothing', () => {
		expect(chooseVariant('relative', 'k', undefined).variant).toBe('relative');
		const first = chooseVariant('full', 'k', undefined);
		expect(chooseVariant('full', 'k', first.record).variant).toBe('full');
		expect(rememberedEntries()).toEqual([]);
	});

	test('Auto: full first; a re-run signs the other form and remembers it; the next request starts with it', () => {
		const first = chooseVariant('auto', 'k', undefined);
		expect(first.variant).toBe('full');
		const rerun = chooseVariant('auto', 'k', first.record);
		expect(rerun.variant).toBe('relative');
		expect(rerun.record.tried).toEqual(['full', 'relative']);
		expect(chooseVariant('auto', 'k', undefined).variant).toBe('relative');
		// A later 401 with the remembered form tries the other one once, the same way.
		const later = chooseVariant('auto', 'k', undefined);
		expect(chooseVariant('auto', 'k', later.record).variant).toBe('full');
		expect(chooseVariant('auto', 'k', undefined).variant).toBe('full');
	});

	test('Auto after a request signed under a pinned mode, or with nothing tried: a first call', () => {
		// The credential switched from Full to Auto between a request and its re-run.
		const pinned = chooseVariant('auto', 'k', { mode: 'full', tried: ['full'] });
		expect(pinned).toEqual({ variant: 'full', record: { mode: 'auto', tried: ['full'] } });
		const empty = chooseVariant('auto', 'k', { mode: 'auto', tried: [] });
		expect(empty).toEqual({ variant: 'full', record: { mode: 'auto', tried: ['full'] } });
		expect(rememberedEntries()).toEqual([]);
	});

	test('asking for a credential nothing is known of stores nothing', () => {
		expect(rememberedVariant('unknown')).toBeUndefined();
		expect(rememberedEntries()).toEqual([]);
	});
});

describe('authenticate with Auto', () => {
	test('a re-run is recognised both on its own output (n8n) and on the same input again (the node)', () => {
		const input = { url: '/sites' };
		const out = signRequestOptions(creds, input);
		expect(signingRecord(out)?.tried).toEqual(['full']);
		expect(signingRecord(input)?.tried).toEqual(['full']);
		const viaOutput = signRequestOptions(creds, out);
		expect(signingRecord(viaOutput)?.tried).toEqual(['full', 'relative']);
		forgetAll();
		const again = { url: '/sites' };
		signRequestOptions(creds, again);
		const viaInput = signRequestOptions(creds, again);
		expect(signingRecord(viaInput)?.tried).toEqual(['full', 'relative']);
	});

	test('a missing Signed Path (credentials saved before Auto existed without one) means Auto', () => {
		const { signedPath: _omitted, ...withoutMode } = creds;
		const out = signRequestOptions(withoutMode, { url: '/sites' });
		expect(signingRecord(out)?.mode).toBe('auto');
	});

	test('the two signatures of a re-run differ only by the signed path form', () => {
		const first = signRequestOptions(creds, { url: '/sites' }, 1_718_000_000_000);
		const second = signRequestOptions(creds, first, 1_718_000_000_000);
		expect((first.headers as Record<string, string>)['x-signature']).not.toBe((second.headers as Record<string, string>)['x-signature']);
		expect(first.url).toBe(second.url);
	});
});
