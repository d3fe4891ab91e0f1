'use strict';

/**
 * ChargePilot API sandbox: a local emulator of the ChargePilot REST API
 * (The Mobility House) for tests and for trying the n8n node by hand.
 *
 *   const { startSandbox } = require('./dev/sandbox');
 *   const sandbox = await startSandbox({ signedPath: 'either' });
 *   // ... point the client at sandbox.baseUrl with sandbox.apiKey / apiSecret
 *   await sandbox.close();
 *
 * Plain CommonJS, Node built-ins only. See README.md in this folder.
 */

const net = require('node:net');

const { createKeyring, SIGNED_PATH_MODES } = require('./auth');
const { createDataSet, MAIN_SITE_ID } = require('./data');
const { FaultInjector } = require('./faults');
const { startGrowth } = require('./grow');
const { createSandboxServer } = require('./server');
const { pushSessions } = require('./push');
const { deriveSeed, mulberry32 } = require('./rng');

const DEFAULTS = {
	host: '127.0.0.1',
	port: 0,
	apiKey: 'sandbox-api-key',
	apiSecret: 'sandbox-api-secret',
	signedPath: 'full',
	skewSeconds: 300,
	seed: 42,
	eventCount: 6000,
	truncateAbove: null,
	truncated: false,
	listEnvelope: 'array',
	lies: null,
	recordLimit: 10000,
	maxBodyBytes: 1024 * 1024,
	dataUntil: null,
};
const MAX_EVENT_COUNT = 5000000;

/** Options that configure() may change while the sandbox runs. */
const RUNTIME_OPTIONS = ['signedPath', 'skewSeconds', 'now', 'truncateAbove', 'truncated', 'listEnvelope', 'lies', 'faults', 'recordLimit', 'onRequest'];
/** Options of startSandbox(): the runtime ones and those fixed at the start. */
const START_OPTIONS = ['host', 'port', 'apiKey', 'apiSecret', 'keys', 'seed', 'eventCount', 'maxBodyBytes', 'dataUntil', ...RUNTIME_OPTIONS];

// ---------------------------------------------------------------------------
// Option validation
// ---------------------------------------------------------------------------

function isLoopback(host) {
	if (host === 'localhost') return true;
	if (net.isIPv4(host)) return host.startsWith('127.');
	if (net.isIPv6(host)) return host === '::1' || /^::ffff:127\./i.test(host);
	return false;
}

function checkUnknown(what, options, allowed) {
	for (const key of Object.keys(options)) {
		if (!allowed.includes(key)) throw new TypeError(`${what}: unknown option ${key}; allowed: ${allowed.join(', ')}`);
	}
}

function nonEmptyString(name, value) {
	if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
	return value;
}

/** Validators for the options that may change at run time. */
const RUNTIME_VALIDATORS = {
	signedPath(value) {
		if (!SIGNED_PATH_MODES.includes(value)) throw new TypeError(`signedPath must be one of ${SIGNED_PATH_MODES.join(', ')}`);
		return value;
	},
	skewSeconds(value) {
		if (typeof value !== 'number' || !(value >= 0)) throw new TypeError('skewSeconds must be a number >= 0');
		return value;
	},
	now(value) {
		if (typeof value !== 'function') throw new TypeError('now must be a function returning epoch milliseconds');
		return value;
	},
	truncateAbove(value) {
		if (value !== null && !(Number.isInteger(value) && value >= 0)) {
			throw new TypeError('truncateAbove must be null or an integer >= 0');
		}
		return value;
	},
	truncated(value) {
		if (typeof value !== 'boolean') throw new TypeError('truncated must be a boolean');
		return value;
	},
	listEnvelope(value) {
		if (value !== 'array' && value !== 'object') throw new TypeError("listEnvelope must be 'array' or 'object'");
		return value;
	},
	/**
	 * A misbehaving server, for attack tests of the charging-events paging: `ignoreSkip` answers
	 * every page as if skip were 0, `count` replaces the reported total, `endless` makes every page
	 * full of new events (new IDs), however far the client pages, `pageCeiling` serves at most that
	 * many events per page whatever `take` asks (count unchanged: a capped server or proxy), and
	 * `unstableTies` sorts events with equal sort keys differently on every request (offset paging
	 * then repeats some and skips others); `'flip'`: ties by ascending ID on the first page and
	 * descending on later ones, so the same events are lost on every read.
	 */
	lies(value) {
		if (value === null || value === undefined) return null;
		if (typeof value !== 'object') throw new TypeError('lies must be null or an object');
		checkUnknown('lies', value, ['ignoreSkip', 'count', 'endless', 'pageCeiling', 'unstableTies']);
		if (value.count !== undefined && !(typeof value.count === 'number' && value.count >= 0)) throw new TypeError('lies.count must be a number >= 0');
		if (value.pageCeiling !== undefined && !(Number.isInteger(value.pageCeiling) && value.pageCeiling >= 1)) throw new TypeError('lies.pageCeiling must be an integer >= 1');
		if (![undefined, true, false, 'flip'].includes(value.unstableTies)) throw new TypeError("lies.unstableTies must be true, false or 'flip'");
		return {
			ignoreSkip: Boolean(value.ignoreSkip),
			endless: Boolean(value.endless),
			count: value.count,
			pageCeiling: value.pageCeiling,
			unstableTies: value.unstableTies === 'flip' ? 'flip' : Boolean(value.unstableTies),
		};
	},
	recordLimit(value) {
		if (value !== Infinity && !(Number.isInteger(value) && value >= 0)) {
			throw new TypeError('recordLimit must be an integer >= 0 or Infinity');
		}
		return value;
	},
	onRequest(value) {
		if (value !== null && value !== undefined && typeof value !== 'function') {
			throw new TypeError('onRequest must be a function or null');
		}
		return value || null;
	},
};

/** The list of { apiKey, apiSecret, sites? } the sandbox accepts; the first is the default. */
function resolveKeys(options) {
	const keys = [];
	if (options.keys === undefined || options.apiKey !== undefined || options.apiSecret !== undefined) {
		keys.push({
			apiKey: nonEmptyString('apiKey', options.apiKey === undefined ? DEFAULTS.apiKey : options.apiKey),
			apiSecret: nonEmptyString('apiSecret', options.apiSecret === undefined ? DEFAULTS.apiSecret : options.apiSecret),
		});
	}
	if (options.keys !== undefined) {
		if (!Array.isArray(options.keys) || options.keys.length === 0) throw new TypeError('keys must be a non-empty array');
		for (const [i, key] of options.keys.entries()) {
			if (!key || typeof key !== 'object') throw new TypeError(`keys[${i}] must be an object`);
			checkUnknown(`keys[${i}]`, key, ['apiKey', 'apiSecret', 'sites']);
			if (key.sites !== undefined && !Array.isArray(key.sites)) throw new TypeError(`keys[${i}].sites must be an array`);
			keys.push({
				apiKey: nonEmptyString(`keys[${i}].apiKey`, key.apiKey),
				apiSecret: nonEmptyString(`keys[${i}].apiSecret`, key.apiSecret),
				sites: key.sites,
			});
		}
	}
	return keys;
}

function normalizeStartOptions(options) {
	if (options === null || typeof options !== 'object') throw new TypeError('startSandbox options must be an object');
	checkUnknown('startSandbox', options, START_OPTIONS);
	const merged = { ...DEFAULTS, now: Date.now, onRequest: null, ...options };

	if (!isLoopback(merged.host)) {
		throw new Error(`The sandbox only listens on loopback addresses (127.0.0.1, ::1, localhost); refused host ${merged.host}`);
	}
	if (!(Number.isInteger(merged.port) && merged.port >= 0 && merged.port <= 65535)) {
		throw new TypeError('port must be an integer between 0 and 65535');
	}
	if (!Number.isInteger(merged.seed)) throw new TypeError('seed must be an integer');
	if (!(Number.isInteger(merged.eventCount) && merged.eventCount >= 0 && merged.eventCount <= MAX_EVENT_COUNT)) {
		throw new TypeError(`eventCount must be an integer between 0 and ${MAX_EVENT_COUNT}`);
	}
	if (!(Number.isInteger(merged.maxBodyBytes) && merged.maxBodyBytes >= 0)) {
		throw new TypeError('maxBodyBytes must be an integer >= 0');
	}
	const live = {};
	for (const [name, validate] of Object.entries(RUNTIME_VALIDATORS)) live[name] = validate(merged[name]);
	live.maxBodyBytes = merged.maxBodyBytes;
	merged.dataUntil = resolveDataUntil(merged.dataUntil, live.now);
	return { merged, live, keys: resolveKeys(options) };
}

/**
 * `dataUntil` as Unix seconds (null: the fixed 2026-01-01..2026-07-01 history): 'now' (the
 * sandbox clock at start), epoch milliseconds, a Date or an ISO 8601 string.
 */
function resolveDataUntil(value, now) {
	if (value === null || value === undefined) return null;
	let ms;
	if (value === 'now') ms = now();
	else if (value instanceof Date) ms = value.getTime();
	else if (typeof value === 'number') ms = value;
	else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) ms = Date.parse(value);
	if (!Number.isFinite(ms)) throw new TypeError(`dataUntil must be null, 'now', epoch milliseconds, a Date or an ISO 8601 date; got ${JSON.stringify(value)}`);
	return Math.floor(ms / 1000);
}

// ---------------------------------------------------------------------------
// startSandbox
// ---------------------------------------------------------------------------

/**
 * Starts a sandbox server on a loopback address.
 * @param {object} [options] see README.md
 * @returns {Promise<object>} the sandbox handle
 */
async function startSandbox(options = {}) {
	const { merged, live, keys } = normalizeStartOptions(options);

	const data = createDataSet({ seed: merged.seed, eventCount: merged.eventCount, until: merged.dataUntil });
	let growth = null;
	const state = {
		options: live,
		keyring: createKeyring(keys),
		data,
		faults: new FaultInjector(merged.faults),
		// The shuffle of `lies.unstableTies`: seeded, so a run is repeatable.
		tieRandom: mulberry32(deriveSeed(merged.seed, 'unstable-ties')),
		requests: [],
		stats: { requests: 0, faultsInjected: 0, byStatus: {} },
	};

	const http = createSandboxServer(state);
	const bindHost = merged.host === 'localhost' ? '127.0.0.1' : merged.host;
	const address = await http.listen(bindHost, merged.port);
	const hostForUrl = address.family === 'IPv6' || address.family === 6 ? `[${address.address}]` : address.address;
	const origin = `http://${hostForUrl}:${address.port}`;

	const sandbox = {
		origin,
		baseUrl: `${origin}/rest/v1`,
		host: address.address,
		port: address.port,
		apiKey: keys[0].apiKey,
		apiSecret: keys[0].apiSecret,
		/** ID of the site with `eventCount` events. */
		mainSiteId: MAIN_SITE_ID,
		/** The seeded site objects (as GET /sites returns them). */
		sites: data.sites,
		/** Where the seeded sessions start: { from, to } (ISO 8601, `to` exclusive); see dataUntil. */
		dataSpan: data.span,
		/** Recorded requests in arrival order (oldest dropped beyond recordLimit). */
		requests: state.requests,
		/** { requests, faultsInjected, byStatus: { [status]: count } }; status 0 = no response. */
		stats: state.stats,

		/** The most recent recorded request, or undefined. */
		get lastRequest() {
			return state.requests[state.requests.length - 1];
		},

		clearRequests() {
			state.requests.length = 0;
		},

		resetStats() {
			state.stats.requests = 0;
			state.stats.faultsInjected = 0;
			for (const key of Object.keys(state.stats.byStatus)) delete state.stats.byStatus[key];
		},

		/**
		 * Changes options at run time. `faults` replaces the whole fault
		 * configuration (null turns random faults off) and restarts its RNG.
		 */
		configure(partial) {
			if (partial === null || typeof partial !== 'object') throw new TypeError('configure expects an object');
			checkUnknown('configure', partial, RUNTIME_OPTIONS);
			const updates = {};
			for (const [name, value] of Object.entries(partial)) {
				if (name !== 'faults') updates[name] = RUNTIME_VALIDATORS[name](value);
			}
			if ('faults' in partial) state.faults.configure(partial.faults);
			Object.assign(state.options, updates);
			if (state.requests.length > state.options.recordLimit) {
				state.requests.splice(0, state.requests.length - state.options.recordLimit);
			}
			return sandbox;
		},

		/**
		 * Makes the next `count` requests (not /ping unless includePing) fail:
		 * { status?: number (default 503), reset?: true, malformed?: true,
		 *   retryAfter?: seconds | HTTP-date, delayMs?: number, includePing?: boolean }
		 */
		failNext(count = 1, spec = {}) {
			state.faults.failNext(count, spec);
			return sandbox;
		},

		/** Drops queued failNext() faults. */
		clearFailNext() {
			state.faults.clearQueue();
			return sandbox;
		},

		/** Number of queued failNext() faults not yet used. */
		get pendingFaults() {
			return state.faults.pending;
		},

		/** Appends events (a count or an array of overrides); returns the new events. */
		addEvents(siteId, countOrOverrides) {
			return data.addEvents(siteId, countOrOverrides);
		},

		/** Adds a site without events (`{ name?, timezone? }`); GET /sites lists it from now on. */
		addSite(id, details) {
			return data.addSite(id, details);
		},

		/** Number of events of a site (cheaper than getEvents(siteId).length). */
		countEvents(siteId) {
			return data.countEvents(siteId);
		},

		/** All events of a site in the default order (start_time, transaction_id). */
		getEvents(siteId) {
			return data.getEvents(siteId);
		},

		/**
		 * Pushes sessions to a webhook as ChargePilot's Charging Data Push-API does: the given events
		 * (default: the site's last `count` events) as Push-API objects, with the subscription key.
		 */
		pushSessions(url, subscriptionKey, { siteId = MAIN_SITE_ID, count = 1, events } = {}) {
			const sessions = events ?? data.getEvents(siteId).slice(-count);
			return pushSessions(url, subscriptionKey, sessions);
		},

		/**
		 * Keeps the data growing as a live account does: every `everyMs` (default 3 minutes) one more
		 * session ends, on each site in turn, recorded at that moment (sandbox clock); with `push`
		 * ({ url, subscriptionKey }) it is also pushed there as the Push-API would. `onSession(record)`
		 * sees each ({ siteId, event, push }); `immediately` adds the first one at once. Replaces an
		 * earlier growth; close() stops it. Returns { stats, next(), stop() } (see grow.js).
		 */
		grow({ everyMs = 180_000, push = null, onSession = null, immediately = false } = {}) {
			const previous = growth;
			growth = startGrowth({
				siteIds: () => data.sites.map((site) => site.id),
				addSession: (siteId, ms) => data.addEvents(siteId, [{ occurrence_time: ms }])[0],
				now: () => state.options.now(),
				everyMs,
				push,
				onSession,
				immediately,
			});
			if (previous) previous.stop();
			return growth;
		},

		/** Closes the server and every open socket, and stops the growth. Safe to call twice. */
		async close() {
			if (growth) await growth.stop();
			return http.close();
		},
	};
	return sandbox;
}

module.exports = { startSandbox, DEFAULTS, MAIN_SITE_ID };
