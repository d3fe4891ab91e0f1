'use strict';

/**
 * The sandbox's charging events: compact rows (numbers and shared string references), turned into
 * API objects only when a page is served, and a store of them per site in the default order.
 */

/** All seeded events start on or after this instant (Unix seconds). */
const DATA_START_SECONDS = Date.UTC(2026, 0, 1) / 1000; // 2026-01-01T00:00:00Z
/** Seeded events are spread over this many seconds (2026-01-01 .. 2026-07-01). */
const DATA_SPAN_SECONDS = 181 * 86400;

const STOP_REASONS = ['EVDisconnected', 'EVDisconnected', 'EVDisconnected', 'Local', 'Local', 'Remote', 'PowerLoss'];

/** Unix seconds -> ISO 8601 with Z and seconds precision, e.g. 2026-01-01T08:00:00Z */
function isoSeconds(unixSeconds) {
	return new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}


/**
 * Creates one compact event row starting at `start` (Unix seconds).
 * @param {object} site internal site state (rng, stations, tags, meter readings)
 * @param {number} start
 * @param {number} transactionId
 * @param {number} [recordedBy] Unix seconds: shorten the session so that it has stopped and been
 *   recorded by then (at least one minute long); the random draws are the same either way
 */
function makeRow(site, start, transactionId, recordedBy) {
	const { rng } = site;
	const station = rng.pick(site.stations);
	const connector = rng.pick(station.connectors);
	const dc = connector.type === 'CCS';
	let duration = dc ? rng.int(12 * 60, 95 * 60) : rng.int(45 * 60, 11 * 3600);
	const averageKw = dc ? rng.float(30, station.maxKw * 0.8) : rng.float(2.3, 11);
	const initialSoc = dc ? rng.int(8, 60) : null;
	const endSoc = dc ? Math.min(100, initialSoc + rng.int(20, 70)) : null;
	const recordDelay = rng.int(1, 90);
	const idTag = rng.pick(site.tags);
	const stopReason = rng.pick(STOP_REASONS);
	if (recordedBy !== undefined) duration = Math.max(60, Math.min(duration, recordedBy - recordDelay - start));
	const energyWh = Math.max(1, Math.round((averageKw * 1000 * duration) / 3600));
	const meterStart = site.meterReadings.get(connector.id) || 0;
	site.meterReadings.set(connector.id, meterStart + energyWh);
	return {
		transactionId,
		start,
		duration,
		recordDelay,
		chargerId: station.chargerId,
		connectorId: connector.connector_id,
		connectorType: connector.type,
		idTag,
		energyWh,
		meterStart,
		initialSoc,
		endSoc,
		stopReason,
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
	/** `emptyStart`: what lastStart is while there are no rows (Unix seconds). */
	constructor(rows, emptyStart = DATA_START_SECONDS) {
		this.rows = rows;
		this.emptyStart = emptyStart;
		this.version = 0;
	}

	get length() {
		return this.rows.length;
	}

	get lastStart() {
		return this.rows.length ? this.rows[this.rows.length - 1].start : this.emptyStart;
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

/**
 * Fields that addEvents() accepts in an override object (and the row keys they set).
 * `occurrence_time` (when ChargePilot recorded the session) is handled by addEvents itself.
 */
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

/** A Date, epoch milliseconds or an ISO 8601 string as Unix seconds; `field` names it in errors. */
function toUnixSeconds(value, field = 'start_time') {
	const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
	if (!Number.isFinite(ms)) throw new TypeError(`addEvents: invalid ${field} ${JSON.stringify(value)}`);
	return Math.floor(ms / 1000);
}

module.exports = { DATA_START_SECONDS, DATA_SPAN_SECONDS, isoSeconds, makeRow, toApiEvent, EventStore, OVERRIDABLE_FIELDS, toUnixSeconds };
