'use strict';

/**
 * Fault injection for resilience tests: latency, slow bodies, error statuses,
 * connection resets and malformed JSON. Random faults use their own seeded
 * generator (faultSeed), so a given sequence of requests always sees the same
 * faults. failNext() queues deterministic faults ahead of the random ones.
 *
 * All delays are bounded (MAX_DELAY_MS) so a misconfigured test cannot hang.
 */

const { mulberry32 } = require('./rng');

const MAX_DELAY_MS = 60000;
const MAX_QUEUE = 100000;
const DEFAULT_FAULT_SEED = 1;
const FAULT_OPTION_KEYS = ['latencyMs', 'rates', 'retryAfter', 'slowBodyMs', 'trickleMs', 'maxFaults', 'faultSeed'];
const FAIL_NEXT_KEYS = ['status', 'reset', 'malformed', 'endless', 'bodyBytes', 'retryAfter', 'delayMs', 'includePing'];
/** Most bytes an `endless` answer sends before it ends by itself (and at most MAX_DELAY_MS). */
const MAX_ENDLESS_BYTES = 2 * 1024 * 1024 * 1024;
/** Largest error body a status fault may be padded to (`bodyBytes`). */
const MAX_FAULT_BODY_BYTES = 64 * 1024 * 1024;
/** Statuses that get the configured Retry-After header when a fault does not set its own. */
const RETRY_AFTER_STATUSES = new Set([429, 503]);

function checkDelay(name, value) {
	if (value === undefined) return 0;
	if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_DELAY_MS) {
		throw new RangeError(`faults: ${name} must be a number of milliseconds between 0 and ${MAX_DELAY_MS}`);
	}
	return value;
}

function checkStatus(name, value) {
	if (!Number.isInteger(value) || value < 400 || value > 599) {
		throw new RangeError(`faults: ${name} must be an HTTP status between 400 and 599`);
	}
	return value;
}

function checkRetryAfter(value) {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return String(value);
	if (typeof value === 'string' && value.trim() !== '') return value;
	throw new TypeError('faults: retryAfter must be a whole number of seconds or an HTTP-date string');
}

function checkKeys(what, object, allowed) {
	for (const key of Object.keys(object)) {
		if (!allowed.includes(key)) throw new TypeError(`${what}: unknown option ${key}; use ${allowed.join(', ')}`);
	}
}

/**
 * Validates the `faults` option and returns a normalised copy.
 * @param {object|null|undefined} faults
 */
function normalizeFaults(faults) {
	const input = faults || {};
	if (typeof input !== 'object') throw new TypeError('faults must be an object or null');
	checkKeys('faults', input, FAULT_OPTION_KEYS);

	const rates = [];
	let total = 0;
	// Sorted keys: the same rates object always maps random draws the same way.
	for (const key of Object.keys(input.rates || {}).sort()) {
		const rate = input.rates[key];
		if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
			throw new RangeError(`faults.rates.${key} must be a probability between 0 and 1`);
		}
		if (key === 'reset' || key === 'malformed') rates.push({ kind: key, rate });
		else if (/^[0-9]{3}$/.test(key)) rates.push({ kind: 'status', status: checkStatus(`rates.${key}`, Number(key)), rate });
		else throw new TypeError(`faults.rates: unknown fault ${key}; use an HTTP status such as "503", "reset" or "malformed"`);
		total += rate;
	}
	if (total > 1 + 1e-9) throw new RangeError('faults.rates must add up to at most 1');

	const maxFaults = input.maxFaults === undefined ? Infinity : input.maxFaults;
	if (typeof maxFaults !== 'number' || !(maxFaults >= 0) || (maxFaults !== Infinity && !Number.isInteger(maxFaults))) {
		throw new RangeError('faults.maxFaults must be an integer >= 0 or Infinity');
	}
	const faultSeed = input.faultSeed === undefined ? DEFAULT_FAULT_SEED : input.faultSeed;
	if (!Number.isInteger(faultSeed)) throw new TypeError('faults.faultSeed must be an integer');

	return {
		latencyMs: checkDelay('latencyMs', input.latencyMs),
		slowBodyMs: checkDelay('slowBodyMs', input.slowBodyMs),
		trickleMs: checkDelay('trickleMs', input.trickleMs),
		retryAfter: checkRetryAfter(input.retryAfter),
		rates,
		maxFaults,
		faultSeed,
	};
}

class FaultInjector {
	/** @param {object|null|undefined} faults the `faults` option */
	constructor(faults) {
		this.queue = [];
		this.configure(faults);
	}

	/** Replaces the fault configuration and restarts the random stream. */
	configure(faults) {
		this.config = normalizeFaults(faults);
		this.random = mulberry32(this.config.faultSeed);
		this.randomInjected = 0;
	}

	get latencyMs() {
		return this.config.latencyMs;
	}

	get slowBodyMs() {
		return this.config.slowBodyMs;
	}

	get trickleMs() {
		return this.config.trickleMs;
	}

	/** Number of queued failNext() faults not yet used. */
	get pending() {
		return this.queue.length;
	}

	/**
	 * Makes the next `count` requests fail. Exactly one of status / reset /
	 * malformed / endless may be given; the default is status 503. `endless`: a
	 * 200 whose charging_events list never ends (written as fast as the client
	 * reads, until it disconnects, MAX_ENDLESS_BYTES or MAX_DELAY_MS);
	 * `bodyBytes` pads a status fault's error message to about that many bytes.
	 */
	failNext(count = 1, spec = {}) {
		if (!Number.isInteger(count) || count < 0 || this.queue.length + count > MAX_QUEUE) {
			throw new RangeError(`failNext: count must be an integer >= 0 (at most ${MAX_QUEUE} queued)`);
		}
		checkKeys('failNext', spec, FAIL_NEXT_KEYS);
		const kinds = [spec.status !== undefined, Boolean(spec.reset), Boolean(spec.malformed), Boolean(spec.endless)].filter(Boolean);
		if (kinds.length > 1) throw new TypeError('failNext: give only one of status, reset, malformed, endless');
		if (spec.bodyBytes !== undefined && !(Number.isInteger(spec.bodyBytes) && spec.bodyBytes >= 0 && spec.bodyBytes <= MAX_FAULT_BODY_BYTES)) {
			throw new RangeError(`failNext: bodyBytes must be an integer from 0 to ${MAX_FAULT_BODY_BYTES}`);
		}
		if (spec.bodyBytes !== undefined && (spec.reset || spec.malformed || spec.endless)) throw new TypeError('failNext: bodyBytes goes with a status fault only');
		const fault = {
			kind: spec.reset ? 'reset' : spec.malformed ? 'malformed' : spec.endless ? 'endless' : 'status',
			status: spec.reset || spec.malformed || spec.endless ? undefined : checkStatus('status', spec.status === undefined ? 503 : spec.status),
			bodyBytes: spec.bodyBytes,
			retryAfter: checkRetryAfter(spec.retryAfter),
			delayMs: checkDelay('delayMs', spec.delayMs),
			includePing: Boolean(spec.includePing),
			source: 'queue',
		};
		for (let i = 0; i < count; i++) this.queue.push({ ...fault });
	}

	/** Drops every queued failNext() fault. */
	clearQueue() {
		this.queue.length = 0;
	}

	/**
	 * Decides whether the current request is faulted.
	 * @param {{ isPing: boolean }} request
	 * @returns {null | { kind: 'status'|'reset'|'malformed', status?: number, retryAfter?: string, delayMs: number, source: string }}
	 */
	pick({ isPing }) {
		if (this.queue.length > 0 && (!isPing || this.queue[0].includePing)) {
			const fault = this.queue.shift();
			if (fault.kind === 'status' && fault.retryAfter === undefined && RETRY_AFTER_STATUSES.has(fault.status)) {
				fault.retryAfter = this.config.retryAfter;
			}
			return fault;
		}
		if (isPing || this.config.rates.length === 0) return null;
		// One draw per signed request keeps the sequence reproducible.
		const draw = this.random();
		if (this.randomInjected >= this.config.maxFaults) return null;
		let cumulative = 0;
		for (const entry of this.config.rates) {
			cumulative += entry.rate;
			if (draw < cumulative) {
				this.randomInjected++;
				return {
					kind: entry.kind,
					status: entry.status,
					retryAfter:
						entry.kind === 'status' && RETRY_AFTER_STATUSES.has(entry.status) ? this.config.retryAfter : undefined,
					delayMs: 0,
					source: 'random',
				};
			}
		}
		return null;
	}
}

/** The invalid JSON body a "malformed" fault sends with status 200. */
const MALFORMED_BODY = '{"charging_events":[{"transaction_id":100001,"start_time":"2026-01-01T0';

module.exports = { FaultInjector, normalizeFaults, MALFORMED_BODY, MAX_DELAY_MS, MAX_ENDLESS_BYTES };
