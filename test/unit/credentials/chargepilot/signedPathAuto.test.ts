/**
 * Signed Path "Auto" on its own: the choice of form, what an answer teaches, and the memory (per
 * credential: base URL, API key and hashed secret; only forms that got an answer other than 401).
 */
import { signRequestOptions } from '../../../../credentials/chargepilot/authenticate';
import {
	afterAnswer,
	chooseVariant,
	forgetAll,
	MAX_REMEMBERED,
	memoryKey,
	recordSigning,
	rememberedEntries,
	rememberedVariant,
	signingRecord,
} from '../../../../credentials/chargepilot/signedPathAuto';
import { hashSecret } from '../../../../credentials/chargepilot/signature';
import type { SignedPathVariant } from '../../../../credentials/chargepilot/constants';

const BASE = 'http://127.0.0.1:8787/rest/v1';
const creds = { region: 'custom', baseUrl: BASE, apiKey: 'key-A-123', apiSecret: 'secret-A-456', signedPath: 'auto' };
const keyOf = (credentials: { baseUrl: string; apiKey: string; apiSecret: string }) => memoryKey(credentials.baseUrl, credentials.apiKey, hashSecret(credentials.apiSecret));

/** Teaches the memory that `variant` got an answer for `key`, as the transport does after a 200. */
function learn(key: string, variant: SignedPathVariant): void {
	const options = {};
	recordSigning([options], { mode: 'auto', tried: [variant], key });
	expect(afterAnswer(options, 200)).toBe('settled');
}

beforeEach(() => forgetAll());

describe('the memory', () => {
	test('per credential: base URL, API key and secret together', () => {
		learn(memoryKey(BASE, 'key-A', hashSecret('s1')), 'relative');
		expect(rememberedVariant(memoryKey(BASE, 'key-A', hashSecret('s1')))).toBe('relative');
		expect(rememberedVariant(memoryKey(BASE, 'key-A', hashSecret('s2')))).toBeUndefined();
		expect(rememberedVariant(memoryKey(BASE, 'key-B', hashSecret('s1')))).toBeUndefined();
		expect(rememberedVariant(memoryKey('http://127.0.0.1:9999/rest/v1', 'key-A', hashSecret('s1')))).toBeUndefined();
	});

	test('the key is a hash: the parts cannot run into each other', () => {
		expect(memoryKey(BASE, 'a\nb', 'c')).not.toBe(memoryKey(BASE, 'a', 'b\nc'));
		expect(memoryKey(BASE, 'k', 'h')).toMatch(/^[0-9a-f]{64}$/);
	});

	test('nothing of the credential is stored in clear: no key, no secret, no hashed secret, no base URL', () => {
		const first = signRequestOptions(creds, { url: '/sites' });
		afterAnswer(first, 200);
		const dump = JSON.stringify(rememberedEntries());
		expect(rememberedEntries()).toHaveLength(1);
		expect(dump).not.toContain(creds.apiKey);
		expect(dump).not.toContain(creds.apiSecret);
		expect(dump).not.toContain(hashSecret(creds.apiSecret));
		expect(dump).not.toContain('127.0.0.1');
		expect(rememberedEntries()[0][0]).toBe(keyOf(creds));
	});

	test('bounded: at most MAX_REMEMBERED credentials, the least recently used goes first', () => {
		learn('keep-me', 'relative');
		for (let index = 0; index < MAX_REMEMBERED + 50; index++) {
			learn(`k${index}`, 'full');
			if (index % 10 === 0) expect(rememberedVariant('keep-me')).toBe('relative'); // used: stays
		}
		expect(rememberedEntries()).toHaveLength(MAX_REMEMBERED);
		expect(rememberedVariant('k0')).toBeUndefined();
		expect(rememberedVariant(`k${MAX_REMEMBERED + 49}`)).toBe('full');
	});

	test('asking for a credential nothing is known of stores nothing', () => {
		expect(rememberedVariant('unknown')).toBeUndefined();
		expect(rememberedEntries()).toEqual([]);
	});
});

describe('choosing the form', () => {
	test('pinned modes sign as set, re-run or not, and an answer teaches nothing', () => {
		expect(chooseVariant('relative', 'k', undefined).variant).toBe('relative');
		const first = chooseVariant('full', 'k', undefined);
		expect(first.record).toEqual({ mode: 'full', tried: ['full'] });
		expect(chooseVariant('full', 'k', first.record).variant).toBe('full');
		const options = {};
		recordSigning([options], first.record);
		expect(afterAnswer(options, 401)).toBe('settled');
		expect(afterAnswer(options, 200)).toBe('settled');
		expect(rememberedEntries()).toEqual([]);
	});

	test('Auto: full first; a re-send signs the other form and remembers nothing by itself', () => {
		const first = chooseVariant('auto', 'k', undefined);
		expect(first).toEqual({ variant: 'full', record: { mode: 'auto', tried: ['full'], key: 'k' } });
		const rerun = chooseVariant('auto', 'k', first.record);
		expect(rerun).toEqual({ variant: 'relative', record: { mode: 'auto', tried: ['full', 'relative'], key: 'k' } });
		expect(rememberedEntries()).toEqual([]);
		expect(chooseVariant('auto', 'k', undefined).variant).toBe('full');
	});

	test('Auto starts with the form that got an answer, and a later 401 to it tries the other once', () => {
		learn('k', 'relative');
		const later = chooseVariant('auto', 'k', undefined);
		expect(later.variant).toBe('relative');
		expect(chooseVariant('auto', 'k', later.record).variant).toBe('full');
	});

	test('Auto after a request signed under a pinned mode, or with nothing tried: a first call', () => {
		// The credential switched from Full to Auto between a request and its re-run.
		const pinned = chooseVariant('auto', 'k', { mode: 'full', tried: ['full'] });
		expect(pinned).toEqual({ variant: 'full', record: { mode: 'auto', tried: ['full'], key: 'k' } });
		const empty = chooseVariant('auto', 'k', { mode: 'auto', tried: [], key: 'k' });
		expect(empty).toEqual({ variant: 'full', record: { mode: 'auto', tried: ['full'], key: 'k' } });
		expect(rememberedEntries()).toEqual([]);
	});

	test('the key is worked out only for Auto (a function is called once, then not at all for pinned modes)', () => {
		const key = jest.fn(() => 'k');
		chooseVariant('full', key, undefined);
		expect(key).not.toHaveBeenCalled();
		chooseVariant('auto', key, undefined);
		expect(key).toHaveBeenCalledTimes(1);
	});
});

describe('what an answer teaches (afterAnswer)', () => {
	const signed = (record: Parameters<typeof recordSigning>[1]) => {
		const options = {};
		recordSigning([options], record);
		return options;
	};

	test('an answer other than 401 remembers the form it was signed with', () => {
		for (const status of [200, 204, 403, 404, 500]) {
			forgetAll();
			expect(afterAnswer(signed({ mode: 'auto', tried: ['full', 'relative'], key: 'k' }), status)).toBe('settled');
			expect(rememberedVariant('k')).toBe('relative');
		}
	});

	test('a 401 to the first form asks for a re-send and remembers nothing', () => {
		expect(afterAnswer(signed({ mode: 'auto', tried: ['full'], key: 'k' }), 401)).toBe('resend');
		expect(rememberedEntries()).toEqual([]);
	});

	test('a 401 to both forms (the clock off for a minute): settled, and the form that worked stays remembered', () => {
		learn('k', 'relative');
		const first = chooseVariant('auto', 'k', undefined);
		const options = signed(first.record);
		expect(afterAnswer(options, 401)).toBe('resend');
		const second = chooseVariant('auto', 'k', first.record);
		recordSigning([options], second.record);
		expect(afterAnswer(options, 401)).toBe('settled');
		expect(rememberedVariant('k')).toBe('relative');
	});

	test('options that were never signed, or signed without a key, or with nothing tried: settled, nothing learned', () => {
		expect(afterAnswer({}, 401)).toBe('settled');
		expect(afterAnswer(signed({ mode: 'auto', tried: ['full'] }), 401)).toBe('settled');
		expect(afterAnswer(signed({ mode: 'auto', tried: [], key: 'k' }), 200)).toBe('settled');
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
		const again = { url: '/sites' };
		signRequestOptions(creds, again);
		const viaInput = signRequestOptions(creds, again);
		expect(signingRecord(viaInput)?.tried).toEqual(['full', 'relative']);
		expect(rememberedEntries()).toEqual([]);
	});

	test('a second credential with the same key and another secret (a stale copy) neither reads nor flips what the first learned (attack run 2)', () => {
		const stale = { ...creds, apiSecret: 'secret-A-old' };
		// A learns that its server checks the relative form.
		const a = signRequestOptions(creds, { url: '/sites' });
		expect(afterAnswer(a, 401)).toBe('resend');
		afterAnswer(signRequestOptions(creds, a), 200);
		expect(signingRecord(signRequestOptions(creds, { url: '/sites' }))?.tried).toEqual(['relative']);
		// B runs: both forms refused (its secret is wrong).
		for (let run = 0; run < 3; run++) {
			const b = signRequestOptions(stale, { url: '/sites' });
			expect(signingRecord(b)?.tried).toEqual(['full']);
			expect(afterAnswer(b, 401)).toBe('resend');
			expect(afterAnswer(signRequestOptions(stale, b), 401)).toBe('settled');
		}
		// A still starts with what worked for it.
		expect(signingRecord(signRequestOptions(creds, { url: '/sites' }))?.tried).toEqual(['relative']);
		expect(rememberedEntries()).toEqual([[keyOf(creds), 'relative']]);
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
