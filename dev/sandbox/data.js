'use strict';

/**
 * Seeded, deterministic sandbox data: four sites with fuse trees and a store
 * of charging events per site.
 *
 * Charging events are kept as compact "rows" (numbers and shared string
 * references) and only turned into API objects (ISO strings, nested
 * transaction_data) when a page is served. That keeps 100,000+ events cheap to
 * generate and to hold in memory.
 */

const { createRandom, deriveSeed } = require('./rng');

/** All seeded events start on or after this instant (Unix seconds). */
const DATA_START_SECONDS = Date.UTC(2026, 0, 1) / 1000; // 2026-01-01T00:00:00Z
/** Seeded events are spread over this many seconds (2026-01-01 .. 2026-07-01). */
const DATA_SPAN_SECONDS = 181 * 86400;
/** First transaction id handed out; ids are unique across all sites. */
const FIRST_TRANSACTION_ID = 100001;

const MAIN_SITE_ID = 'site-berlin-depot';

/**
 * The four seeded sites. `eventCount: null` means "use the eventCount option".
 */
const SITE_BLUEPRINTS = [
	{
		id: 'site-berlin-depot',
		name: 'Berlin Bus Depot Marienfelde',
		timezone: 'Europe/Berlin',
		code: 'BER',
		city: 'Berlin',
		stationLabel: 'Ladesäule',
		stationCount: 20,
		distributionCount: 4,
		mainFuseAmps: 1600,
		dcStations: 12,
		dtoPresence: true,
		eventCount: null,
		fleets: ['Müller-Flotte', 'BVG Betriebshof Süd', 'Spedition Groß & Söhne', 'Stadtwerke E-Bus'],
	},
	{
		id: 'site-amsterdam-office',
		name: 'Amsterdam Zuidas Office Garage',
		timezone: 'Europe/Amsterdam',
		code: 'AMS',
		city: 'Amsterdam',
		stationLabel: 'Laadpaal',
		stationCount: 6,
		distributionCount: 1,
		mainFuseAmps: 250,
		dcStations: 0,
		dtoPresence: false,
		eventCount: 300,
		fleets: ['Café de Sluis', 'Gemeente Amsterdam', 'IJburg Taxi'],
	},
	{
		id: 'site-brooklyn-fleet-yard',
		name: 'Brooklyn Navy Yard Fleet Hub',
		timezone: 'America/New_York',
		code: 'BKN',
		city: 'Brooklyn',
		stationLabel: 'Charger',
		stationCount: 12,
		distributionCount: 3,
		mainFuseAmps: 800,
		dcStations: 4,
		dtoPresence: true,
		eventCount: 400,
		fleets: ['Peña Logistics', 'Brooklyn Bakery Vans', 'NYC Parks Fleet'],
	},
	{
		id: 'site-los-angeles-showroom',
		name: 'Los Angeles Arts District Showroom',
		timezone: 'America/Los_Angeles',
		code: 'LAX',
		city: 'Los Angeles',
		stationLabel: 'Charger',
		stationCount: 3,
		distributionCount: 1,
		mainFuseAmps: 200,
		dcStations: 1,
		dtoPresence: false,
		eventCount: 200,
		fleets: ['Núñez Test Drives', 'Showroom Demo Fleet'],
	},
];

const AC_HARDWARE = ['KEBA KeContact P30 1.16.0', 'Alfen Eve Double Pro-line 6.4.0', 'ABL eMH3 1.8p3'];
const DC_HARDWARE = ['ABB Terra 184 1.8.33', 'Kempower S-Series 1.40.2', 'Alpitronic HYC300 2.3.1'];
const STOP_REASONS = ['EVDisconnected', 'EVDisconnected', 'EVDisconnected', 'Local', 'Local', 'Remote', 'PowerLoss'];

/** Probability that an event starts at exactly the same second as the previous one. */
const TIE_PROBABILITY = 0.05;

// ---------------------------------------------------------------------------
// Formatting helpers
// ---------------------------------------------------------------------------

/** Unix seconds -> ISO 8601 with Z and seconds precision, e.g. 2026-01-01T08:00:00Z */
function isoSeconds(unixSeconds) {
	return new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

function pad(number, width) {
	return String(number).padStart(width, '0');
}

function randomHex(rng, length, upper = false) {
	let out = '';
	for (let i = 0; i < length; i++) out += Math.floor(rng.next() * 16).toString(16);
	return upper ? out.toUpperCase() : out;
}

// ---------------------------------------------------------------------------
// Sites and fuse trees
// ---------------------------------------------------------------------------

/** Every node carries the full documented parameter set; unused ones are null. */
function nodeParameters(values) {
	return {
		name: null,
		limit: null,
		inbound_limit: null,
		outbound_limit: null,
		fallback: null,
		pending_fallback_value: null,
		fallback_status: 'inactive',
		order: 0,
		depth: '0',
		fuse_id: null,
		firmware_version: null,
		additional_comments: null,
		meter: null,
		connectors: [],
		...values,
	};
}

/** Builds the charging stations (internal model) of one site. */
function buildStations(blueprint, rng) {
	const stations = [];
	for (let i = 0; i < blueprint.stationCount; i++) {
		const dc = i < blueprint.dcStations;
		const number = pad(i + 1, 2);
		const chargerId = `${blueprint.code}-${dc ? 'DC' : 'AC'}-${number}`;
		// DC stations have one or two CCS connectors; AC stations two Type2 sockets.
		const connectorCount = dc ? rng.int(1, 2) : 2;
		const connectors = [];
		for (let c = 1; c <= connectorCount; c++) {
			connectors.push({
				id: `${chargerId}-${c}`,
				connector_id: c,
				type: dc ? 'CCS' : 'Type2',
				max_current: dc ? rng.pick([200, 300, 400]) : 32,
			});
		}
		stations.push({
			chargerId,
			name: `${blueprint.stationLabel} ${number}${dc ? ' (DC)' : ''}`,
			dc,
			maxKw: dc ? rng.pick([50, 150, 300]) : 22,
			firmware: dc ? rng.pick(DC_HARDWARE) : rng.pick(AC_HARDWARE),
			connectors,
		});
	}
	return stations;
}

function buildStationNode(station, index, parentFuseId, rng) {
	const limit = station.dc ? Math.max(...station.connectors.map((c) => c.max_current)) : 32;
	// A few stations show non-default fallback states so clients see all variants.
	let fallbackStatus = 'inactive';
	let pendingFallback = null;
	const roll = rng.next();
	if (roll < 0.1) {
		fallbackStatus = 'active';
	} else if (roll < 0.2) {
		fallbackStatus = 'pending';
		pendingFallback = station.dc ? 50 : 10;
	}
	const children = [];
	if (station.connectors.length > 1) {
		// Stations with several connectors share a group limit.
		children.push({
			type: 'connector_group',
			parameters: nodeParameters({
				name: `${station.name} connector group`,
				limit,
				inbound_limit: limit,
				outbound_limit: 0,
				fallback: station.dc ? 0 : 6,
				order: 0,
				depth: '3',
				fuse_id: parentFuseId,
				connectors: station.connectors.map((c) => ({ ...c })),
			}),
			children: [],
		});
	}
	return {
		type: 'charging_station',
		parameters: nodeParameters({
			name: station.name,
			limit,
			inbound_limit: limit,
			outbound_limit: 0,
			fallback: station.dc ? 0 : 6,
			pending_fallback_value: pendingFallback,
			fallback_status: fallbackStatus,
			order: index,
			depth: '2',
			fuse_id: parentFuseId,
			firmware_version: station.firmware,
			additional_comments: rng.chance(0.3) ? `Bay ${rng.int(1, 40)}` : null,
			meter: null,
			connectors: station.connectors.map((c) => ({ ...c })),
		}),
		children,
	};
}

function buildFuseTree(blueprint, stations, rng) {
	const distributions = [];
	const letters = 'ABCDEFGH';
	for (let d = 0; d < blueprint.distributionCount; d++) {
		const fuseId = `${blueprint.code}-F1-${letters[d]}`;
		const limit = Math.round(blueprint.mainFuseAmps / blueprint.distributionCount / 10) * 10;
		// Stations are split into contiguous blocks per sub-distribution.
		const members = stations.filter(
			(_, i) => Math.floor((i * blueprint.distributionCount) / stations.length) === d,
		);
		distributions.push({
			type: 'fuse',
			parameters: nodeParameters({
				name: `Sub-distribution ${letters[d]}`,
				limit,
				inbound_limit: limit,
				outbound_limit: 0,
				fallback: Math.round(limit / 4),
				order: d,
				depth: '1',
				fuse_id: fuseId,
				additional_comments: d === 0 ? 'Feeds the first row of chargers' : null,
			}),
			children: members.map((station, i) => buildStationNode(station, i, fuseId, rng)),
		});
	}
	const mainFuseId = `${blueprint.code}-F0`;
	return [
		{
			type: 'fuse',
			parameters: nodeParameters({
				name: 'Main fuse',
				limit: blueprint.mainFuseAmps,
				inbound_limit: blueprint.mainFuseAmps,
				outbound_limit: Math.round(blueprint.mainFuseAmps / 2),
				fallback: Math.round(blueprint.mainFuseAmps / 4),
				order: 0,
				depth: '0',
				fuse_id: mainFuseId,
				additional_comments: `Grid connection point ${blueprint.city}`,
				meter: {
					id: `${blueprint.code}-M0`,
					manufacturer: 'Janitza',
					model: 'UMG 604-PRO',
					protocol: 'modbus_tcp',
				},
			}),
			children: distributions,
		},
	];
}

/** RFID-like UIDs plus readable fleet tags (some with non-ASCII characters). */
function buildIdTags(blueprint, rng) {
	const tags = [];
	for (let i = 0; i < 14; i++) tags.push(randomHex(rng, 14, true));
	for (const fleet of blueprint.fleets) {
		const perFleet = rng.int(2, 3);
		for (let i = 0; i < perFleet; i++) tags.push(`${fleet}-${pad(rng.int(1, 99), 2)}`);
	}
	return tags;
}

// ---------------------------------------------------------------------------
// Charging events
// ---------------------------------------------------------------------------

/**
 * Creates one compact event row starting at `start` (Unix seconds).
 * @param {object} site internal site state (rng, stations, tags, meter readings)
 * @param {number} start
 * @param {number} transactionId
 */
function makeRow(site, start, transactionId) {
	const { rng } = site;
	const station = rng.pick(site.stations);
	const connector = rng.pick(station.connectors);
	const dc = connector.type === 'CCS';
	const duration = dc ? rng.int(12 * 60, 95 * 60) : rng.int(45 * 60, 11 * 3600);
	const averageKw = dc ? rng.float(30, station.maxKw * 0.8) : rng.float(2.3, 11);
	const energyWh = Math.max(1, Math.round((averageKw * 1000 * duration) / 3600));
	const initialSoc = dc ? rng.int(8, 60) : null;
	const endSoc = dc ? Math.min(100, initialSoc + rng.int(20, 70)) : null;
	const meterStart = site.meterReadings.get(connector.id) || 0;
	site.meterReadings.set(connector.id, meterStart + energyWh);
	return {
		transactionId,
		start,
		duration,
		recordDelay: rng.int(1, 90),
		chargerId: station.chargerId,
		connectorId: connector.connector_id,
		connectorType: connector.type,
		idTag: rng.pick(site.tags),
		energyWh,
		meterStart,
		initialSoc,
		endSoc,
		stopReason: rng.pick(STOP_REASONS),
	};
}

/** Turns a compact row into the charging-event object the API returns. */
function toApiEvent(row) {
	const stop = row.start + row.duration;
	return {
		transaction_id: row.transactionId,
		occurrence_time: isoSeconds(stop + row.recordDelay),
		start_time: isoSeconds(row.start),
		stop_time: isoSeconds(stop),
		duration: row.duration,
		transaction_data: {
			charger_id: row.chargerId,
			connector_id: row.connectorId,
			connector_type: row.connectorType,
			id_tag: row.idTag,
			meter_start: row.meterStart,
			meter_stop: row.meterStart + row.energyWh,
			stop_reason: row.stopReason,
		},
		energy_wh: row.energyWh,
		charger_id: row.chargerId,
		connector_id: row.connectorId,
		id_tag: row.idTag,
		initial_soc: row.initialSoc,
		end_soc: row.endSoc,
	};
}

/** Default order: start_time asc, then transaction_id asc. */
function compareDefault(a, b) {
	return a.start - b.start || a.transactionId - b.transactionId;
}

/**
 * The charging events of one site, always kept in the default order.
 * `version` changes whenever events are added (used to invalidate caches).
 */
class EventStore {
	constructor(rows) {
		this.rows = rows;
		this.version = 0;
	}

	get length() {
		return this.rows.length;
	}

	get lastStart() {
		return this.rows.length ? this.rows[this.rows.length - 1].start : DATA_START_SECONDS;
	}

	append(rows) {
		let sorted = true;
		let previous = this.rows[this.rows.length - 1];
		for (const row of rows) {
			if (previous && compareDefault(previous, row) > 0) sorted = false;
			this.rows.push(row);
			previous = row;
		}
		// Overrides may place an event earlier than existing ones: restore order.
		if (!sorted) this.rows.sort(compareDefault);
		this.version++;
	}

	/** Index of the first row whose start (in ms) is >= the given ms value. */
	lowerBound(ms) {
		let lo = 0;
		let hi = this.rows.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (this.rows[mid].start * 1000 < ms) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}

	/** Rows with fromMs <= start < toMs, in default order (a new array). */
	window(fromMs, toMs) {
		return this.rows.slice(this.lowerBound(fromMs), this.lowerBound(toMs));
	}
}

/** Fields that addEvents() accepts in an override object. */
const OVERRIDABLE_FIELDS = {
	start_time: 'start',
	duration: 'duration',
	energy_wh: 'energyWh',
	charger_id: 'chargerId',
	connector_id: 'connectorId',
	connector_type: 'connectorType',
	id_tag: 'idTag',
	initial_soc: 'initialSoc',
	end_soc: 'endSoc',
	stop_reason: 'stopReason',
};

function toUnixSeconds(value) {
	const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
	if (!Number.isFinite(ms)) throw new TypeError(`addEvents: invalid start_time ${JSON.stringify(value)}`);
	return Math.floor(ms / 1000);
}

// ---------------------------------------------------------------------------
// Public: build the whole data set
// ---------------------------------------------------------------------------

/**
 * Builds the seeded data set.
 * @param {{ seed: number, eventCount: number }} options
 */
function createDataSet({ seed, eventCount }) {
	let nextTransactionId = FIRST_TRANSACTION_ID;
	const states = new Map();

	/** Builds one site with `count` events from a blueprint. */
	function buildSite(blueprint, count) {
		const rng = createRandom(deriveSeed(seed, blueprint.id));
		const stations = buildStations(blueprint, rng);
		const site = {
			id: blueprint.id,
			name: blueprint.name,
			timezone: blueprint.timezone,
			local_controller: {
				id: `lc-${blueprint.code.toLowerCase()}-${randomHex(rng, 6)}`,
				name: `ChargePilot Controller ${blueprint.city}`,
				serial_no: `TMH-LC-${rng.int(21, 25)}-${pad(rng.int(1, 99999), 5)}`,
				device_id: `cp-${randomHex(rng, 8)}-${randomHex(rng, 4)}-${randomHex(rng, 4)}`,
			},
			fuse_tree: buildFuseTree(blueprint, stations, rng),
		};
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
		let previousStart = DATA_START_SECONDS;
		for (let i = 0; i < count; i++) {
			let start = DATA_START_SECONDS + Math.floor(((i + state.rng.next()) * DATA_SPAN_SECONDS) / count);
			if (i > 0 && state.rng.chance(TIE_PROBABILITY)) start = previousStart;
			rows[i] = makeRow(state, start, nextTransactionId++);
			previousStart = start;
		}
		state.store = new EventStore(rows);
		return state;
	}

	for (const blueprint of SITE_BLUEPRINTS) {
		const count = blueprint.eventCount === null ? eventCount : blueprint.eventCount;
		states.set(blueprint.id, buildSite(blueprint, count));
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

		/**
		 * Adds a site without events (add them with addEvents), shaped like the smallest seeded
		 * site: for tests of odd IDs (e.g. "constructor") and of growing site lists.
		 */
		addSite(id, { name = `Sandbox site ${id}`, timezone = 'UTC' } = {}) {
			if (typeof id !== 'string' || id === '') throw new TypeError('addSite: id must be a non-empty string');
			if (states.has(id)) throw new Error(`addSite: site ${JSON.stringify(id)} exists`);
			const template = SITE_BLUEPRINTS[SITE_BLUEPRINTS.length - 1];
			const state = buildSite({ ...template, id, name, timezone, eventCount: 0 }, 0);
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
		 * objects (see OVERRIDABLE_FIELDS). Returns the added events.
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
						const key = OVERRIDABLE_FIELDS[field];
						if (!key) {
							throw new TypeError(
								`addEvents: unsupported field ${field}; use ${Object.keys(OVERRIDABLE_FIELDS).join(', ')}`,
							);
						}
						row[key] = field === 'start_time' ? toUnixSeconds(value) : value;
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

module.exports = {
	createDataSet,
	toApiEvent,
	isoSeconds,
	MAIN_SITE_ID,
	SITE_BLUEPRINTS,
	DATA_START_SECONDS,
	DATA_SPAN_SECONDS,
};
