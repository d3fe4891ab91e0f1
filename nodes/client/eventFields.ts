/**
 * Fields of a charging event that ChargePilot's public docs do not name, read from what the event
 * holds: energy, charger, connector and ID tag, each from an ordered, documented list of candidate
 * fields (the first usable one wins), plus local start/stop times and the duration in minutes.
 *
 * The docs name only the core fields: `start_time`, `stop_time` (ISO 8601) and `duration` (seconds).
 * The candidates come from the sandbox (dev/sandbox: `energy_wh`, `charger_id`, `connector_id`,
 * `id_tag`, `transaction_data.{charger_id, connector_id, id_tag, meter_start, meter_stop}`), the
 * Charging Data Push-API (`EnergyDelivered` in Wh, `ChargerID`, `ConnectorID`, `Id`, `StartAt`,
 * `EndAt`) and OCPP 1.6 (`meterStart`/`meterStop` in Wh, `idTag`, `connectorId`).
 *
 * Numbers: energy is kept in whole Wh (the meters' resolution), so an event's `energy_kwh` is its Wh
 * / 1000 with at most 3 decimals and sums of Wh are exact integers: a summary's `energy_kwh` equals
 * the sum of its events' `energy_kwh` exactly when both are compared in Wh (× 1000, rounded), or
 * rounded to 3 decimals. Durations are kept in whole milliseconds; `duration_minutes` has 2
 * decimals. Rounding is decimal, half up: inputs are scaled by moving the decimal point in their
 * text (1.0005 kWh is 1001 Wh, not 1000 as 1.0005 × 1000 in floating point would give), outputs are
 * integer divisions rounded exactly (divideRounded) and then divided by 100 or 1000, which gives the
 * double nearest to the decimal value.
 */
import type { IDataObject } from 'n8n-workflow';

import { parseDateTime } from './dates';
import { toLocalIso } from './periods';
import { isTimeZone } from './timeZones';

export type EnergyUnit = 'Wh' | 'kWh';

/** The Energy Field option: a dot path into the event and the unit of the number there. */
export interface EnergyField {
	path: string;
	unit: EnergyUnit;
}

/** Where an event's energy can be: one number, or a meter pair (stop − start). */
export type EnergyCandidate = { path: string; unit: EnergyUnit } | { start: string; stop: string; unit: 'Wh' };

/**
 * Tried in this order; the first that gives a usable value wins (a missing, null, non-number or
 * negative value is passed over). A bare `energy` field is not a candidate: its unit is unknown
 * (12.5 could be kWh, 12500 Wh), and a guess could be off by 1000; name it with Energy Field.
 */
export const ENERGY_CANDIDATES: readonly EnergyCandidate[] = [
	{ path: 'energy_wh', unit: 'Wh' },
	{ path: 'energy_kwh', unit: 'kWh' },
	{ path: 'EnergyDelivered', unit: 'Wh' },
	{ path: 'transaction_data.energy_wh', unit: 'Wh' },
	{ path: 'transaction_data.energy_kwh', unit: 'kWh' },
	{ start: 'transaction_data.meter_start', stop: 'transaction_data.meter_stop', unit: 'Wh' },
	{ start: 'transaction_data.meterStart', stop: 'transaction_data.meterStop', unit: 'Wh' },
	{ start: 'meter_start', stop: 'meter_stop', unit: 'Wh' },
];

export const CHARGER_ID_CANDIDATES: readonly string[] = ['charger_id', 'transaction_data.charger_id', 'ChargerID', 'charge_point_id', 'transaction_data.charge_point_id'];
export const CONNECTOR_ID_CANDIDATES: readonly string[] = ['connector_id', 'transaction_data.connector_id', 'ConnectorID', 'connectorId', 'transaction_data.connectorId'];
export const ID_TAG_CANDIDATES: readonly string[] = ['id_tag', 'transaction_data.id_tag', 'IdTag', 'idTag', 'transaction_data.idTag', 'Id'];
export const START_TIME_CANDIDATES: readonly string[] = ['start_time', 'StartAt'];
export const STOP_TIME_CANDIDATES: readonly string[] = ['stop_time', 'EndAt'];

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/**
 * The value at a dot path ('transaction_data.meter_stop'), reading own properties only: '__proto__'
 * or 'constructor' is found only when the object itself has such a key. An empty segment ('a..b',
 * '') finds nothing.
 */
export function readPath(value: unknown, path: string): unknown {
	let current = value;
	for (const key of path.split('.')) {
		if (key === '' || current === null || typeof current !== 'object' || !hasOwn(current, key)) return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

/** A path readPath can follow: text without empty segments. */
export function isDotPath(path: unknown): path is string {
	return typeof path === 'string' && path.split('.').every((key) => key !== '');
}

/** Moves the decimal point of a number, in decimal: shiftDecimal(1.0005, 3) is exactly 1000.5. */
export function shiftDecimal(value: number, places: number): number {
	// '35544e0' splits into 35544 and 0, '1e-7e0' into 1 and -7.
	const [mantissa, exponent] = `${value}e0`.split('e');
	return Number(`${mantissa}e${Number(exponent) + places}`);
}

/**
 * numerator / denominator rounded half up, for integers 0 <= numerator < 2^52 and denominator >= 1:
 * exact (no floating-point product first), so divideRounded(5, 2) is 3 and divideRounded(1800, 3600) 1.
 */
export function divideRounded(numerator: number, denominator: number): number {
	return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

const isNumber = (value: unknown): value is number => Number.isFinite(value);
const isAmount = (value: unknown): value is number => isNumber(value) && value >= 0;

function candidateWh(event: IDataObject, candidate: EnergyCandidate): number | undefined {
	if ('path' in candidate) {
		const value = readPath(event, candidate.path);
		if (!isAmount(value)) return undefined;
		return Math.round(candidate.unit === 'kWh' ? shiftDecimal(value, 3) : value);
	}
	const start = readPath(event, candidate.start);
	const stop = readPath(event, candidate.stop);
	if (!isNumber(start) || !isNumber(stop) || stop < start) return undefined;
	return Math.round(stop - start);
}

function describeCandidate(candidate: EnergyCandidate): string {
	return 'path' in candidate ? candidate.path : `${candidate.stop} - ${candidate.start}`;
}

/**
 * The energy an event delivered: whole Wh, the same in kWh (3 decimals) and where it came from (the
 * path, or 'stop - start' of a meter pair). With `energyField`, only that field counts. Undefined
 * when there is none: never 0 for a missing value (a real 0 Wh reading is 0).
 */
export function energyKwh(event: IDataObject, energyField?: EnergyField): { kwh: number; wh: number; source: string } | undefined {
	const candidates = energyField === undefined ? ENERGY_CANDIDATES : [{ path: energyField.path, unit: energyField.unit }];
	for (const candidate of candidates) {
		const wh = candidateWh(event, candidate);
		if (wh !== undefined) return { kwh: wh / 1000, wh, source: describeCandidate(candidate) };
	}
	return undefined;
}

/** The first candidate that is non-empty text or a finite number, as text. */
function firstId(event: IDataObject, candidates: readonly string[]): string | undefined {
	for (const path of candidates) {
		const value = readPath(event, path);
		if (typeof value === 'string' && value !== '') return value;
		if (Number.isFinite(value)) return String(value);
	}
	return undefined;
}

/** The charging station's ID (charger_id, ChargerID, ...), as text. */
export function chargerId(event: IDataObject): string | undefined {
	return firstId(event, CHARGER_ID_CANDIDATES);
}

/** The connector's number on its station (connector_id, ConnectorID, ...), as text. */
export function connectorId(event: IDataObject): string | undefined {
	return firstId(event, CONNECTOR_ID_CANDIDATES);
}

/** The ID tag (RFID card) that started the session (id_tag, IdTag, the Push-API's Id, ...). */
export function idTag(event: IDataObject): string | undefined {
	return firstId(event, ID_TAG_CANDIDATES);
}

/** The first candidate that parses as a date-time (text without an offset is UTC), in epoch ms. */
function firstTime(event: IDataObject, candidates: readonly string[]): number | undefined {
	for (const path of candidates) {
		const ms = parseDateTime(readPath(event, path), 'UTC');
		if (ms !== undefined) return ms;
	}
	return undefined;
}

/** When the session started (start_time, or the Push-API's StartAt), in epoch ms. */
export function startMs(event: IDataObject): number | undefined {
	return firstTime(event, START_TIME_CANDIDATES);
}

/** When the session stopped (stop_time, or the Push-API's EndAt), in epoch ms. */
export function stopMs(event: IDataObject): number | undefined {
	return firstTime(event, STOP_TIME_CANDIDATES);
}

/**
 * The session's length in whole ms: `duration` (seconds, the documented field) when it is a finite
 * number >= 0, else stop − start when both parse and stop is not before start.
 */
export function durationMs(event: IDataObject): number | undefined {
	const seconds = readPath(event, 'duration');
	if (isAmount(seconds)) return Math.round(shiftDecimal(seconds, 3));
	const start = startMs(event);
	const stop = stopMs(event);
	if (start === undefined || stop === undefined || stop < start) return undefined;
	return stop - start;
}

/** The session's length in minutes, 2 decimals (3295 s is 54.92). */
export function durationMinutes(event: IDataObject): number | undefined {
	const ms = durationMs(event);
	return ms === undefined ? undefined : divideRounded(ms, 600) / 100;
}

/**
 * A copy of the event with `start_time_local`, `stop_time_local` (ISO 8601 with the zone's offset),
 * `energy_kwh` and `duration_minutes`; each is null when the event lacks what it needs. Fields of
 * the event with these names are replaced. Throws a RangeError for an unknown zone.
 */
export function withLocalFields(event: IDataObject, timeZone: string, energyField?: EnergyField): IDataObject {
	if (!isTimeZone(timeZone)) throw new RangeError(`Unknown time zone ${JSON.stringify(timeZone)}`);
	const start = startMs(event);
	const stop = stopMs(event);
	// A key-by-key copy: V8 gives `{ ...event, more }` a map of its own per object, about 30 times
	// slower at 100,000 events. An own '__proto__' key is defined, not assigned (assigning it would
	// set the copy's prototype).
	const copy: IDataObject = {};
	for (const key of Object.keys(event)) {
		if (key === '__proto__') Object.defineProperty(copy, key, { value: event[key], enumerable: true, writable: true, configurable: true });
		else copy[key] = event[key];
	}
	copy.start_time_local = start === undefined ? null : toLocalIso(start, timeZone);
	copy.stop_time_local = stop === undefined ? null : toLocalIso(stop, timeZone);
	copy.energy_kwh = energyKwh(event, energyField)?.kwh ?? null;
	copy.duration_minutes = durationMinutes(event) ?? null;
	return copy;
}
