'use strict';

/**
 * Small deterministic pseudo-random helpers for the sandbox.
 *
 * Everything the sandbox "randomises" (seeded data, fault injection) goes
 * through these functions so that the same seed always gives the same data.
 * Math.random is never used.
 */

/**
 * mulberry32: a tiny, fast 32-bit PRNG. Returns a function that yields floats
 * in [0, 1).
 * @param {number} seed any number; only its low 32 bits are used
 * @returns {() => number}
 */
function mulberry32(seed) {
	let state = seed >>> 0;
	return function next() {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * Derives an independent 32-bit seed from a base seed and a label (FNV-1a over
 * the label, mixed with the seed), so each site gets its own random stream and
 * adding a site does not shift the data of the others.
 * @param {number} seed
 * @param {string} label
 * @returns {number}
 */
function deriveSeed(seed, label) {
	let hash = 0x811c9dc5 ^ (seed >>> 0);
	for (let i = 0; i < label.length; i++) {
		hash ^= label.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash >>> 0;
}

/**
 * Wraps a float generator with a few convenience helpers.
 * @param {number} seed
 */
function createRandom(seed) {
	const next = mulberry32(seed);
	return {
		/** float in [0, 1) */
		next,
		/** integer in [min, max] (both inclusive) */
		int(min, max) {
			return min + Math.floor(next() * (max - min + 1));
		},
		/** float in [min, max) */
		float(min, max) {
			return min + next() * (max - min);
		},
		/** one element of a non-empty array */
		pick(items) {
			return items[Math.floor(next() * items.length)];
		},
		/** true with the given probability */
		chance(probability) {
			return next() < probability;
		},
	};
}

module.exports = { mulberry32, deriveSeed, createRandom };
