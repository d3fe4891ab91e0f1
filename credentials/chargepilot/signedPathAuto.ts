import { createHash } from 'node:crypto';

import type { SignedPathMode, SignedPathVariant } from './constants';

/**
 * Signed Path "Auto", its one owner: which form of the path a ChargePilot server checks ("full"
 * `/rest/v1/sites…` or "relative" `/sites…`) is not publicly known, so it is found out per request
 * and what worked is remembered. This module decides which form a request is signed with
 * (`chooseVariant`, called by `authenticate`), whether a refused request is sent again with the other
 * form (`afterAnswer`, called by whoever sees the answer: the nodes' transport, through index.ts),
 * and what is remembered.
 *
 * The contract:
 * - a form is remembered only after an answer other than 401 to a request signed with it: a 401 to
 *   both forms (a clock that is off, a wrong secret) never replaces a form that worked;
 * - remembered per credential: the key is a SHA-256 of the base URL, the API key and the hashed
 *   secret (never the secret, never the key in clear), so a second credential with the same key and
 *   another secret (a stale copy after a rotation) neither reads nor changes what the first learned;
 * - for the life of the n8n process, in memory only, at most MAX_REMEMBERED credentials (the one
 *   used least recently goes first).
 *
 * Who sees answers: the ChargePilot node and trigger (their transport reports each one). n8n's own
 * re-run after a 401 (the credential's Test button, n8n's HTTP Request node) calls `authenticate`
 * again, which signs the other form, but never shows the credential the answer: those paths try both
 * forms and teach nothing; they use what the nodes learned.
 */
export const MAX_REMEMBERED = 256;

const remembered = new Map<string, SignedPathVariant>();

/** The memory key of a credential: base URL, API key and the hex SHA-256 of the secret, hashed together. */
export function memoryKey(baseUrl: string, apiKey: string, hashedSecret: string): string {
	return createHash('sha256').update(JSON.stringify([baseUrl, apiKey, hashedSecret]), 'utf8').digest('hex');
}

/** The form that last got an answer other than 401 for this credential, if any. */
export function rememberedVariant(key: string): SignedPathVariant | undefined {
	const variant = remembered.get(key);
	if (variant !== undefined) {
		// Most recently used last, so the oldest entry is the one that goes when the map is full.
		remembered.delete(key);
		remembered.set(key, variant);
	}
	return variant;
}

function remember(key: string, variant: SignedPathVariant): void {
	remembered.delete(key);
	remembered.set(key, variant);
	while (remembered.size > MAX_REMEMBERED) {
		const oldest = remembered.keys().next().value as string;
		remembered.delete(oldest);
	}
}

/** What is remembered, for tests and diagnostics: hashed keys and forms only. */
export function rememberedEntries(): Array<[string, SignedPathVariant]> {
	return [...remembered];
}

export function forgetAll(): void {
	remembered.clear();
}

/**
 * How one request was signed: the credential's mode, every form tried for it, in order (two after a
 * re-send following a 401), and the credential's memory key (Auto only). Recorded for the options
 * object `authenticate` received and for the one it returned, since a re-send hands `authenticate`
 * one of them again (n8n its output, the node the same input).
 */
export interface SigningRecord {
	mode: SignedPathMode;
	tried: SignedPathVariant[];
	/** Auto only: the credential's memory key. */
	key?: string;
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
 * The form to sign with. Pinned modes sign as set. Auto: a first call signs with the remembered
 * form (full when none is known); a re-send of a request it signed before (after a 401) signs with
 * the other one. Nothing is remembered here: only an answer teaches (`afterAnswer`). Only a 401
 * re-sends a request, and a refused request did nothing, so the other form cannot double a write.
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
		return { variant, record: { mode, tried: [...previous.tried, variant], key: keyText } };
	}
	const variant = rememberedVariant(keyText) ?? 'full';
	return { variant, record: { mode, tried: [variant], key: keyText } };
}

/**
 * What the answer (HTTP status) to a request signed by `authenticate` means for Auto: `'resend'`
 * when its form was refused (401) and the other form has not been tried for it, so the caller sends
 * the same options again (`authenticate` then signs the other form); otherwise `'settled'`. An
 * answer other than 401 remembers the form it was signed with, for the credential.
 */
export function afterAnswer(options: object, status: number): 'resend' | 'settled' {
	const record = records.get(options);
	if (!record || record.mode !== 'auto' || record.key === undefined || record.tried.length === 0) return 'settled';
	if (status !== 401) {
		remember(record.key, record.tried[record.tried.length - 1]);
		return 'settled';
	}
	return record.tried.length === 1 ? 'resend' : 'settled';
}
