import { createHash } from 'node:crypto';

import type { SignedPathMode, SignedPathVariant } from './constants';

/**
 * Signed Path "Auto": which form of the path a ChargePilot server checks ("full" `/rest/v1/sites…`
 * or "relative" `/sites…`) is not publicly known, so `authenticate` finds it out and remembers it.
 *
 * Remembered per credential, for the life of the n8n process, in memory only: the key is a SHA-256
 * of the base URL and the API key (never the secret, never the key in clear), the value "full" or
 * "relative". At most MAX_REMEMBERED credentials; the one used least recently goes first.
 */
export const MAX_REMEMBERED = 256;

const remembered = new Map<string, SignedPathVariant>();

export function memoryKey(baseUrl: string, apiKey: string): string {
	return createHash('sha256').update(`${baseUrl}\n${apiKey}`, 'utf8').digest('hex');
}

/** The variant that last worked for this credential (or was tried last after a 401), if any. */
export function rememberedVariant(key: string): SignedPathVariant | undefined {
	const variant = remembered.get(key);
	if (variant !== undefined) {
		// Most recently used last, so the oldest entry is the one that goes when the map is full.
		remembered.delete(key);
		remembered.set(key, variant);
	}
	return variant;
}

export function remember(key: string, variant: SignedPathVariant): void {
	remembered.delete(key);
	remembered.set(key, variant);
	while (remembered.size > MAX_REMEMBERED) {
		const oldest = remembered.keys().next().value as string;
		remembered.delete(oldest);
	}
}

/** What is remembered, for tests and diagnostics: hashed keys and variants only. */
export function rememberedEntries(): Array<[string, SignedPathVariant]> {
	return [...remembered];
}

export function forgetAll(): void {
	remembered.clear();
}

/**
 * How one request was signed: the credential's mode and every variant tried for it, in order (two
 * after n8n, or the ChargePilot node, sent it again following a 401). Recorded for the options
 * object `authenticate` received and for the one it returned, since a re-run after a 401 hands
 * `authenticate` one of them again.
 */
export interface SigningRecord {
	mode: SignedPathMode;
	tried: SignedPathVariant[];
}

const records = new WeakMap<object, SigningRecord>();

export function signingRecord(options: object): SigningRecord | undefined {
	return records.get(options);
}

export function recordSigning(options: object[], record: SigningRecord): void {
	for (const object of options) records.set(object, record);
}

export function otherVariant(variant: SignedPathVariant): SignedPathVariant {
	return variant === 'full' ? 'relative' : 'full';
}

/**
 * The variant to sign with. Pinned modes sign as set. Auto: a first call signs with the remembered
 * variant (full when none is known yet); a re-run of a request it signed before (n8n, or the node,
 * sending it again after a 401) signs with the other one, and remembers it: a 401 means the first
 * variant was refused, so the other is the better guess for the next request. Only a 401 re-runs a
 * request, and a refused request did nothing, so trying the other variant cannot double a write.
 */
export function chooseVariant(
	mode: SignedPathMode,
	key: string | (() => string),
	previous: SigningRecord | undefined,
): { variant: SignedPathVariant; record: SigningRecord } {
	if (mode !== 'auto') return { variant: mode, record: { mode, tried: [mode] } };
	const keyText = typeof key === 'function' ? key() : key;
	if (previous && previous.mode === 'auto' && previous.tried.length > 0) {
		const variant = otherVariant(previous.tried[previous.tried.length - 1]);
		remember(keyText, variant);
		return { variant, record: { mode, tried: [...previous.tried, variant] } };
	}
	const variant = rememberedVariant(keyText) ?? 'full';
	return { variant, record: { mode, tried: [variant] } };
}
