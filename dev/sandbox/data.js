'use strict';

/**
 * Seeded, deterministic sandbox data: five sites with fuse trees and a store
 * of charging events per site.
 *
 * Charging events are kept as compact "rows" (numbers and shared string
 * references) and only turned into API objects (ISO strings, nested
 * transaction_data) when a page is served. That keeps 100,000+ events cheap to
 * generate and to hold in memory. The sites are in sites.js, the events in events.js; this file
 * puts them together and hands out transaction ids.
 */

const { createRandom, deriveSeed } = require('./rng');
const { DATA_SPAN_SECONDS, DATA_START_SECONDS, EventStore, OVERRIDABLE_FIELDS, isoSeconds, makeRow, toApiEvent, toUnixSeconds } = require('./events');
const { MAIN_SITE_ID, SITE_BLUEPRINTS, buildIdTags, buildSite, buildStations } = require('./sites');

/** First transaction id handed out; ids are unique across all sites. */
const FIRST_TRANSACTION_ID = 100001;

/** Probability that an event starts at exactly the same second as the previous one. */
const TIE_PROBABILITY = 0.05;


/** With `until`, the seeded sessions start at least this long before it (Unix seconds). */
const UNTIL_LEAD_SECONDS = 15 * 60;

/**
 * Builds the seeded data set.
 * @param {{ seed: number, eventCount: number, until?: number | null }} options  `until` (Unix
 *   seconds): the history ends then instead of on 2026-07-01: the sessions start in the 181 days
 *   before it (up to 15 minutes before), and each has stopped and been recorded by it (the few that
 *   would still be charging are cut short). The same seed gives the same sessions, moved in time.
 */
function createDataSet({ seed, eventCount, until = null }) {
	let nextTransactionId = FIRST_TRANSACTION_ID;
	const states = new Map();
	const spanStart = until === null ? DATA_START_SECONDS : until - UNTIL_LEAD_SECONDS - DATA_SPAN_SECONDS;
	const recordedBy = until === null ? undefined : until;

	/** The state of one site with `count` events, from a blueprint. */
	function siteState(blueprint, count) {
		const rng = createRandom(deriveSeed(seed, blueprint.id));
		const stations = buildStations(blueprint, rng);
		const site = buildSite(blueprint, stations, rng);
		const state = {
			site,
			blueprint,
			dtoPresence: blueprint.dtoPresence,
			stations,
			tags: buildIdTags(blueprint, rng),
			// Events get their own stream so the event count does not change the site data.
			rng: createRandom(deriveSeed(seed, `${blueprint.id}/events`)),
			meterReadings: new Map(),
			meanGapSeconds: Math.max(1, Math.floor(DATA_SPAN_SECONDS / Math.max(count, 1))),
			store: null,
		};

		// Stratified start times: event i starts somewhere in the i-th slice of
		// the span, so times never decrease; a few reuse the previous start (ties).
		const rows = new Array(count);
		let previousStart = spanStart;
		for (let i = 0; i < count; i++) {
			let start = spanStart + Math.floor(((i + state.rng.next()) * DATA_SPAN_SECONDS) / count);
			if (i > 0 && state.rng.chance(TIE_PROBABILITY)) start = previousStart;
			rows[i] = makeRow(state, start, nextTransactionId++, recordedBy);
			previousStart = start;
		}
		state.store = new EventStore(rows, spanStart);
		return state;
	}

	for (const blueprint of SITE_BLUEPRINTS) {
		const count = blueprint.eventCount === null ? eventCount : blueprint.eventCount;
		states.set(blueprint.id, siteState(blueprint, count));
	}
	const sites = [...states.values()].map((s) => s.site);

	function requireSite(siteId) {
		const state = states.get(siteId);
		if (!state) throw new Error(`Unknown sandbox site ${JSON.stringify(siteId)}`);
		return state;
	}

	return {
		/** The site objects, as GET /sites returns them (addSite appends). */
		sites,

		/** Where the seeded start times lie: { from, to } as ISO 8601 (to: exclusive). */
		span: { from: isoSeconds(spanStart), to: isoSeconds(spanStart + DATA_SPAN_SECONDS) },

		/**
		 * Adds a site without events (add them with addEvents), shaped like the smallest seeded
		 * site: for tests of odd IDs (e.g. "constructor") and of growing site lists.
		 */
		addSite(id, { name = `Sandbox site ${id}`, timezone = 'UTC' } = {}) {
			if (typeof id !== 'string' || id === '') throw new TypeError('addSite: id must be a non-empty string');
			if (states.has(id)) throw new Error(`addSite: site ${JSON.stringify(id)} exists`);
			const template = SITE_BLUEPRINTS[SITE_BLUEPRINTS.length - 1];
			const state = siteState({ ...template, id, name, timezone, eventCount: 0 }, 0);
			states.set(id, state);
			sites.push(state.site);
			return state.site;
		},

		/** Internal state of one site, or undefined. */
		getSiteState(siteId) {
			return states.get(siteId);
		},

		/** Number of events of a site. */
		countEvents(siteId) {
			return requireSite(siteId).store.length;
		},

		/** All events of a site as API objects, in the default order. */
		getEvents(siteId) {
			return requireSite(siteId).store.rows.map(toApiEvent);
		},

		/**
		 * Appends events that start after the current last event, with new,
		 * increasing transaction ids. `spec` is a count or an array of override
		 * objects (see OVERRIDABLE_FIELDS, plus `occurrence_time`: when the session
		 * was recorded; without `start_time` the session is placed so that it ended
		 * and was recorded then). Returns the added events.
		 */
		addEvents(siteId, spec) {
			const state = requireSite(siteId);
			let overrides;
			if (typeof spec === 'number') {
				if (!Number.isInteger(spec) || spec < 0) throw new TypeError('addEvents: count must be an integer >= 0');
				overrides = new Array(spec).fill(null);
			} else if (Array.isArray(spec)) {
				overrides = spec;
			} else {
				throw new TypeError('addEvents: expected a count or an array of event overrides');
			}
			const rows = [];
			let lastStart = state.store.lastStart;
			for (const override of overrides) {
				const start = lastStart + 1 + Math.floor(state.rng.next() * 2 * state.meanGapSeconds);
				const row = makeRow(state, start, nextTransactionId++);
				if (override) {
					for (const [field, value] of Object.entries(override)) {
						if (field === 'occurrence_time') continue;
						const key = OVERRIDABLE_FIELDS[field];
						if (!key) {
							throw new TypeError(
								`addEvents: unsupported field ${field}; use ${Object.keys(OVERRIDABLE_FIELDS).join(', ')}`,
							);
						}
						row[key] = field === 'start_time' ? toUnixSeconds(value) : value;
					}
					if (override.occurrence_time !== undefined) {
						const recorded = toUnixSeconds(override.occurrence_time, 'occurrence_time');
						if (override.start_time === undefined) row.start = recorded - row.recordDelay - row.duration;
						else if (recorded < row.start + row.duration) throw new TypeError('addEvents: occurrence_time is before the session stops (start_time + duration)');
						else row.recordDelay = recorded - row.start - row.duration;
					}
				}
				lastStart = Math.max(lastStart, row.start);
				rows.push(row);
			}
			state.store.append(rows);
			return rows.map(toApiEvent);
		},
	};
}

module.exports = { createDataSet, MAIN_SITE_ID };
