/**
 * Fields the public docs do not name, read from candidates in a documented order; energy never
 * reported as 0 when it is missing; exact decimal rounding; own properties only.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	CHARGER_ID_CANDIDATES,
	CONNECTOR_ID_CANDIDATES,
	ENERGY_CANDIDATES,
	ID_TAG_CANDIDATES,
	chargerId,
	connectorId,
	durationMinutes,
	durationMs,
	energyKwh,
	idTag,
	isDotPath,
	readPath,
	divideRounded,
	shiftDecimal,
	startMs,
	stopMs,
	withLocalFields,
} from '../../../../nodes/client/eventFields';

/** Shaped like the sandbox's events (dev/sandbox/README.md). */
const sandboxEvent = (): IDataObject => ({
	transaction_id: 100001,
	occurrence_time: '2026-01-01T01:30:19Z',
	start_time: '2026-01-01T00:34:47Z',
	stop_time: '2026-01-01T01:29:42Z',
	duration: 3295,
	transaction_data: {
		charger_id: 'BER-DC-01',
		connector_id: 1,
		connector_type: 'CCS',
		id_tag: '082C905994D0D7',
		meter_start: 1000,
		meter_stop: 36544,
		stop_reason: 'Remote',
	},
	energy_wh: 35544,
	charger_id: 'BER-DC-01',
	connector_id: 1,
	id_tag: '082C905994D0D7',
	initial_soc: 42,
	end_soc: 94,
});

/** Shaped like the Charging Data Push-API's sessions. */
const pushEvent = (): IDataObject => ({
	TransactionID: 100001,
	ChargerID: 'BER-DC-01',
	ConnectorID: 2,
	StartAt: '2026-01-01T00:34:47Z',
	EndAt: '2026-01-01T01:29:42Z',
	Id: 'Müller-Flotte-85',
	EnergyDelivered: 12000,
	InitialSoC: null,
	EndSoC: null,
});

describe('readPath', () => {
	const object = { a: { b: { c: 3 } }, list: [10, { x: 'y' }], nil: null, text: 'abc', zero: 0 };

	test('follows own keys, arrays included', () => {
		expect(readPath(object, 'a.b.c')).toBe(3);
		expect(readPath(object, 'a.b')).toEqual({ c: 3 });
		expect(readPath(object, 'list.0')).toBe(10);
		expect(readPath(object, 'list.1.x')).toBe('y');
		expect(readPath(object, 'zero')).toBe(0);
		expect(readPath(object, 'nil')).toBeNull();
	});

	test('finds nothing past a missing key, null or a primitive, or at an empty segment', () => {
		expect(readPath(object, 'a.x.c')).toBeUndefined();
		expect(readPath(object, 'nil.x')).toBeUndefined();
		expect(readPath(object, 'text.length')).toBeUndefined();
		expect(readPath(object, 'zero.toFixed')).toBeUndefined();
		expect(readPath(object, '')).toBeUndefined();
		expect(readPath(object, 'a..b')).toBeUndefined();
		expect(readPath(object, 'a.b.')).toBeUndefined();
		expect(readPath(object, '.a')).toBeUndefined();
		expect(readPath(null, 'a')).toBeUndefined();
		expect(readPath(undefined, 'a')).toBeUndefined();
		expect(readPath('abc', 'length')).toBeUndefined();
	});

	test("an empty segment finds nothing even where the object has an own '' key", () => {
		expect(readPath({ '': { x: 1 } }, '.x')).toBeUndefined();
		expect(readPath({ '': 1 }, '')).toBeUndefined();
	});

	test('never walks into the prototype', () => {
		expect(readPath({}, '__proto__')).toBeUndefined();
		expect(readPath({}, 'constructor')).toBeUndefined();
		expect(readPath({}, 'constructor.name')).toBeUndefined();
		expect(readPath({}, 'toString')).toBeUndefined();
		expect(readPath({ a: {} }, 'a.__proto__.polluted')).toBeUndefined();
		expect(readPath([], 'map')).toBeUndefined();
	});

	test('but reads __proto__ and constructor when they are the object\'s own keys (JSON can have them)', () => {
		const parsed = JSON.parse('{"__proto__": {"x": 1}, "constructor": {"name": "own"}}');
		expect(readPath(parsed, '__proto__.x')).toBe(1);
		expect(readPath(parsed, 'constructor.name')).toBe('own');
		expect(readPath({ hasOwnProperty: 5 }, 'hasOwnProperty')).toBe(5);
		const bare = Object.create(null) as Record<string, unknown>;
		bare.k = 'v';
		expect(readPath(bare, 'k')).toBe('v');
	});

	test('isDotPath: text without empty segments', () => {
		expect(isDotPath('a')).toBe(true);
		expect(isDotPath('transaction_data.meter_stop')).toBe(true);
		expect(isDotPath('a b.c')).toBe(true);
		expect(isDotPath('')).toBe(false);
		expect(isDotPath('a.')).toBe(false);
		expect(isDotPath('.a')).toBe(false);
		expect(isDotPath('a..b')).toBe(false);
		expect(isDotPath(5)).toBe(false);
		expect(isDotPath(undefined)).toBe(false);
	});
});

describe('decimal arithmetic', () => {
	test('shiftDecimal moves the point in decimal, exponents included', () => {
		expect(shiftDecimal(1.0005, 3)).toBe(1000.5);
		expect(shiftDecimal(35544, -3)).toBe(35.544);
		expect(shiftDecimal(1e-7, 3)).toBe(0.0001);
		expect(shiftDecimal(1e21, -3)).toBe(1e18);
		expect(shiftDecimal(1.5e-10, 10)).toBe(1.5);
		expect(shiftDecimal(0, 3)).toBe(0);
		expect(shiftDecimal(-2.5, 1)).toBe(-25);
	});

	test('divideRounded divides integers rounding half up, exactly', () => {
		expect(divideRounded(5, 2)).toBe(3);
		expect(divideRounded(3, 2)).toBe(2);
		expect(divideRounded(7, 2)).toBe(4);
		expect(divideRounded(4, 3)).toBe(1);
		expect(divideRounded(5, 3)).toBe(2);
		expect(divideRounded(1800, 3600)).toBe(1);
		expect(divideRounded(1799, 3600)).toBe(0);
		expect(divideRounded(0, 7)).toBe(0);
		expect(divideRounded(10, 1)).toBe(10);
		// Near 2^52 a product-first rounding would be off; this is not.
		expect(divideRounded(2 ** 51 + 1, 2)).toBe(2 ** 50 + 1);
		expect(divideRounded(2 ** 51 - 1, 2)).toBe(2 ** 50);
	});
});

describe('ENERGY_CANDIDATES', () => {
	test('the documented order', () => {
		expect(ENERGY_CANDIDATES).toEqual([
			{ path: 'energy_wh', unit: 'Wh' },
			{ path: 'energy_kwh', unit: 'kWh' },
			{ path: 'EnergyDelivered', unit: 'Wh' },
			{ path: 'transaction_data.energy_wh', unit: 'Wh' },
			{ path: 'transaction_data.energy_kwh', unit: 'kWh' },
			{ start: 'transaction_data.meter_start', stop: 'transaction_data.meter_stop', unit: 'Wh' },
			{ start: 'transaction_data.meterStart', stop: 'transaction_data.meterStop', unit: 'Wh' },
			{ start: 'meter_start', stop: 'meter_stop', unit: 'Wh' },
		]);
	});
});

describe('energyKwh', () => {
	test('each candidate on its own, with its unit', () => {
		expect(energyKwh({ energy_wh: 35544 })).toEqual({ kwh: 35.544, wh: 35544, source: 'energy_wh' });
		expect(energyKwh({ energy_kwh: 35.544 })).toEqual({ kwh: 35.544, wh: 35544, source: 'energy_kwh' });
		expect(energyKwh({ EnergyDelivered: 12000 })).toEqual({ kwh: 12, wh: 12000, source: 'EnergyDelivered' });
		expect(energyKwh({ transaction_data: { energy_wh: 5 } })).toEqual({ kwh: 0.005, wh: 5, source: 'transaction_data.energy_wh' });
		expect(energyKwh({ transaction_data: { energy_kwh: 0.3 } })).toEqual({ kwh: 0.3, wh: 300, source: 'transaction_data.energy_kwh' });
		expect(energyKwh({ transaction_data: { meter_start: 1000, meter_stop: 36544 } })).toEqual({
			kwh: 35.544,
			wh: 35544,
			source: 'transaction_data.meter_stop - transaction_data.meter_start',
		});
		expect(energyKwh({ transaction_data: { meterStart: 7, meterStop: 19 } })).toEqual({ kwh: 0.012, wh: 12, source: 'transaction_data.meterStop - transaction_data.meterStart' });
		expect(energyKwh({ meter_start: 100, meter_stop: 2100 })).toEqual({ kwh: 2, wh: 2000, source: 'meter_stop - meter_start' });
	});

	test('the first usable candidate wins', () => {
		expect(energyKwh(sandboxEvent())?.source).toBe('energy_wh');
		expect(energyKwh({ energy_wh: 1, energy_kwh: 2 })?.source).toBe('energy_wh');
		expect(energyKwh({ energy_kwh: 2, EnergyDelivered: 3 })?.source).toBe('energy_kwh');
		expect(energyKwh({ EnergyDelivered: 3, transaction_data: { energy_wh: 4 } })?.source).toBe('EnergyDelivered');
		expect(energyKwh({ transaction_data: { energy_wh: 4, energy_kwh: 5 } })?.source).toBe('transaction_data.energy_wh');
		expect(energyKwh({ transaction_data: { energy_kwh: 5, meter_start: 0, meter_stop: 6 } })?.source).toBe('transaction_data.energy_kwh');
		expect(energyKwh({ transaction_data: { meter_start: 0, meter_stop: 6, meterStart: 0, meterStop: 7 } })?.wh).toBe(6);
		expect(energyKwh({ transaction_data: { meterStart: 0, meterStop: 7 }, meter_start: 0, meter_stop: 8 })?.wh).toBe(7);
	});

	test('missing, null, text, non-finite or negative values are passed over, never read as 0', () => {
		for (const bad of [undefined, null, '35544', Number.NaN, Infinity, -Infinity, -1, true, {}, [5]]) {
			expect(energyKwh({ energy_wh: bad as never })).toBeUndefined();
			expect(energyKwh({ energy_wh: bad as never, transaction_data: { meter_start: 0, meter_stop: 9 } })?.wh).toBe(9);
		}
		expect(energyKwh({})).toBeUndefined();
		expect(energyKwh({ transaction_data: null })).toBeUndefined();
		expect(energyKwh(pushEvent())?.wh).toBe(12000);
	});

	test('a real 0 Wh reading is 0', () => {
		expect(energyKwh({ energy_wh: 0 })).toEqual({ kwh: 0, wh: 0, source: 'energy_wh' });
		expect(energyKwh({ transaction_data: { meter_start: 500, meter_stop: 500 } })).toEqual({
			kwh: 0,
			wh: 0,
			source: 'transaction_data.meter_stop - transaction_data.meter_start',
		});
	});

	test('meter pairs: a negative difference or a half pair is no energy (the next pair may be)', () => {
		expect(energyKwh({ transaction_data: { meter_start: 500, meter_stop: 499 } })).toBeUndefined();
		expect(energyKwh({ transaction_data: { meter_start: 500, meter_stop: 499 }, meter_start: 1, meter_stop: 3 })?.wh).toBe(2);
		expect(energyKwh({ transaction_data: { meter_stop: 499 } })).toBeUndefined();
		expect(energyKwh({ transaction_data: { meter_start: 499 } })).toBeUndefined();
		expect(energyKwh({ transaction_data: { meter_start: '1', meter_stop: 9 } })).toBeUndefined();
		expect(energyKwh({ transaction_data: { meter_start: 1, meter_stop: Infinity } })).toBeUndefined();
		expect(energyKwh({ transaction_data: { meter_start: -Infinity, meter_stop: 5 } })).toBeUndefined();
		// A meter may start below zero after a reset; only the difference counts.
		expect(energyKwh({ transaction_data: { meter_start: -10, meter_stop: 5 } })?.wh).toBe(15);
	});

	test('whole Wh, rounded in decimal', () => {
		expect(energyKwh({ energy_kwh: 1.0005 })?.wh).toBe(1001);
		expect(energyKwh({ energy_kwh: 1.0004 })?.wh).toBe(1000);
		expect(energyKwh({ energy_kwh: 12.3456 })).toEqual({ kwh: 12.346, wh: 12346, source: 'energy_kwh' });
		expect(energyKwh({ energy_wh: 1234.5 })?.wh).toBe(1235);
		expect(energyKwh({ energy_wh: 1234.4 })?.wh).toBe(1234);
		expect(energyKwh({ meter_start: 0.2, meter_stop: 10.9 })?.wh).toBe(11);
	});

	test('an Energy Field is the only field read, in its unit', () => {
		expect(energyKwh({ data: { kwh: 7.5 } }, { path: 'data.kwh', unit: 'kWh' })).toEqual({ kwh: 7.5, wh: 7500, source: 'data.kwh' });
		expect(energyKwh({ data: { wh: 7500 } }, { path: 'data.wh', unit: 'Wh' })).toEqual({ kwh: 7.5, wh: 7500, source: 'data.wh' });
		expect(energyKwh(sandboxEvent(), { path: 'data.wh', unit: 'Wh' })).toBeUndefined();
		expect(energyKwh({ data: { wh: -1 } }, { path: 'data.wh', unit: 'Wh' })).toBeUndefined();
		expect(energyKwh({}, { path: '__proto__', unit: 'Wh' })).toBeUndefined();
		expect(energyKwh({}, { path: 'constructor.length', unit: 'Wh' })).toBeUndefined();
		expect(energyKwh({ energy_wh: 0 }, { path: 'energy_wh', unit: 'kWh' })).toEqual({ kwh: 0, wh: 0, source: 'energy_wh' });
	});
});

describe('grouping fields', () => {
	test('the documented candidates, in order', () => {
		expect(CHARGER_ID_CANDIDATES).toEqual(['charger_id', 'transaction_data.charger_id', 'ChargerID', 'charge_point_id', 'transaction_data.charge_point_id']);
		expect(CONNECTOR_ID_CANDIDATES).toEqual(['connector_id', 'transaction_data.connector_id', 'ConnectorID', 'connectorId', 'transaction_data.connectorId']);
		expect(ID_TAG_CANDIDATES).toEqual(['id_tag', 'transaction_data.id_tag', 'IdTag', 'idTag', 'transaction_data.idTag', 'Id']);
	});

	test('the sandbox and Push-API shapes; numbers become text', () => {
		expect([chargerId(sandboxEvent()), connectorId(sandboxEvent()), idTag(sandboxEvent())]).toEqual(['BER-DC-01', '1', '082C905994D0D7']);
		expect([chargerId(pushEvent()), connectorId(pushEvent()), idTag(pushEvent())]).toEqual(['BER-DC-01', '2', 'Müller-Flotte-85']);
	});

	test.each([
		[chargerId, CHARGER_ID_CANDIDATES],
		[connectorId, CONNECTOR_ID_CANDIDATES],
		[idTag, ID_TAG_CANDIDATES],
	] as Array<[(event: IDataObject) => string | undefined, string[]]>)('each candidate is read, earlier ones first: %p', (read, candidates) => {
		candidates.forEach((path, index) => {
			// The candidate alone, then with every later candidate set to something else.
			const alone: IDataObject = {};
			const withLater: IDataObject = {};
			const set = (target: IDataObject, where: string, value: unknown) => {
				const keys = where.split('.');
				let node = target;
				for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as IDataObject;
				node[keys[keys.length - 1]] = value as never;
			};
			set(alone, path, `v${index}`);
			set(withLater, path, `v${index}`);
			candidates.slice(index + 1).forEach((later, offset) => set(withLater, later, `later${offset}`));
			expect(read(alone)).toBe(`v${index}`);
			expect(read(withLater)).toBe(`v${index}`);
		});
	});

	test('empty text, null, non-finite numbers and objects are passed over; nothing is undefined', () => {
		expect(chargerId({ charger_id: '', transaction_data: { charger_id: 'T' } })).toBe('T');
		expect(chargerId({ charger_id: null, ChargerID: 'P' })).toBe('P');
		expect(connectorId({ connector_id: Number.NaN, ConnectorID: 3 })).toBe('3');
		expect(connectorId({ connector_id: Infinity })).toBeUndefined();
		expect(connectorId({ connector_id: 0 })).toBe('0');
		expect(idTag({ id_tag: { nested: 1 }, Id: 'card' })).toBe('card');
		expect(idTag({ id_tag: true })).toBeUndefined();
		expect(chargerId({})).toBeUndefined();
		expect(connectorId({})).toBeUndefined();
		expect(idTag({})).toBeUndefined();
		expect(idTag({ id_tag: ' ' })).toBe(' ');
	});
});

describe('start, stop and duration', () => {
	test('start_time / stop_time, else the Push-API names; text without an offset is UTC', () => {
		expect(startMs(sandboxEvent())).toBe(Date.parse('2026-01-01T00:34:47Z'));
		expect(stopMs(sandboxEvent())).toBe(Date.parse('2026-01-01T01:29:42Z'));
		expect(startMs(pushEvent())).toBe(Date.parse('2026-01-01T00:34:47Z'));
		expect(stopMs(pushEvent())).toBe(Date.parse('2026-01-01T01:29:42Z'));
		expect(startMs({ start_time: '2026-01-01T00:34:47' })).toBe(Date.parse('2026-01-01T00:34:47Z'));
		expect(startMs({ start_time: '2026-01-01T01:34:47+01:00' })).toBe(Date.parse('2026-01-01T00:34:47Z'));
		expect(startMs({ start_time: 'soon', StartAt: '2026-01-01T00:00:00Z' })).toBe(Date.parse('2026-01-01T00:00:00Z'));
		expect(stopMs({ stop_time: null, EndAt: '2026-01-01T00:00:00Z' })).toBe(Date.parse('2026-01-01T00:00:00Z'));
		expect(startMs({ start_time: '2026-02-30T00:00:00Z' })).toBeUndefined();
		expect(startMs({ start_time: 1767225600000 })).toBeUndefined();
		expect(startMs({})).toBeUndefined();
		expect(stopMs({})).toBeUndefined();
	});

	test('duration in seconds first, else stop - start', () => {
		expect(durationMs(sandboxEvent())).toBe(3_295_000);
		expect(durationMs({ duration: 0 })).toBe(0);
		expect(durationMs({ duration: 1.5 })).toBe(1500);
		expect(durationMs({ duration: 0.0005 })).toBe(1);
		expect(durationMs({ duration: 1.0005 })).toBe(1001);
		expect(durationMs(pushEvent())).toBe(3_295_000);
		// A duration that disagrees with the times still wins: it is the documented field.
		expect(durationMs({ ...sandboxEvent(), duration: 60 })).toBe(60_000);
		for (const bad of [-1, '3295', null, Number.NaN, Infinity]) {
			expect(durationMs({ ...sandboxEvent(), duration: bad as never })).toBe(3_295_000);
		}
	});

	test('no duration and no usable pair is nothing; stop before start is nothing; equal is 0', () => {
		expect(durationMs({})).toBeUndefined();
		expect(durationMs({ start_time: '2026-01-01T00:00:00Z' })).toBeUndefined();
		expect(durationMs({ stop_time: '2026-01-01T00:00:00Z' })).toBeUndefined();
		expect(durationMs({ start_time: '2026-01-01T00:00:01Z', stop_time: '2026-01-01T00:00:00Z' })).toBeUndefined();
		expect(durationMs({ start_time: '2026-01-01T00:00:00Z', stop_time: '2026-01-01T00:00:00Z' })).toBe(0);
		expect(durationMs({ start_time: '2026-01-01T00:00:00Z', stop_time: '2026-01-01T00:00:00.001Z' })).toBe(1);
	});

	test('minutes with 2 decimals', () => {
		expect(durationMinutes(sandboxEvent())).toBe(54.92);
		expect(durationMinutes({ duration: 90 })).toBe(1.5);
		expect(durationMinutes({ duration: 0.3 })).toBe(0.01);
		expect(durationMinutes({ duration: 0.2 })).toBe(0);
		expect(durationMinutes({ duration: 0 })).toBe(0);
		expect(durationMinutes({})).toBeUndefined();
	});
});

describe('withLocalFields', () => {
	test('adds the four fields to a copy; the rest unchanged', () => {
		const event = sandboxEvent();
		const before = JSON.stringify(event);
		const out = withLocalFields(event, 'Europe/Berlin');
		expect(out).not.toBe(event);
		expect(JSON.stringify(event)).toBe(before);
		expect(out).toEqual({
			...sandboxEvent(),
			start_time_local: '2026-01-01T01:34:47+01:00',
			stop_time_local: '2026-01-01T02:29:42+01:00',
			energy_kwh: 35.544,
			duration_minutes: 54.92,
		});
	});

	test('in another zone, with an Energy Field, and on the Push-API shape', () => {
		const out = withLocalFields({ ...sandboxEvent(), custom: { kwh: 1.25 } }, 'Asia/Kolkata', { path: 'custom.kwh', unit: 'kWh' });
		expect(out.start_time_local).toBe('2026-01-01T06:04:47+05:30');
		expect(out.energy_kwh).toBe(1.25);
		expect(withLocalFields(pushEvent(), 'UTC')).toMatchObject({ start_time_local: '2026-01-01T00:34:47+00:00', stop_time_local: '2026-01-01T01:29:42+00:00', energy_kwh: 12, duration_minutes: 54.92 });
	});

	test('null, never 0 or a guess, for what the event lacks; fields of the same names are replaced', () => {
		expect(withLocalFields({ transaction_id: 1, energy_kwh: 'n/a' }, 'UTC')).toEqual({
			transaction_id: 1,
			energy_kwh: null,
			start_time_local: null,
			stop_time_local: null,
			duration_minutes: null,
		});
		expect(withLocalFields({ start_time: '2026-01-01T00:00:00Z', duration_minutes: 5 }, 'UTC')).toEqual({
			start_time: '2026-01-01T00:00:00Z',
			start_time_local: '2026-01-01T00:00:00+00:00',
			stop_time_local: null,
			energy_kwh: null,
			duration_minutes: null,
		});
	});

	test('an unknown zone is a RangeError, even for an event without times', () => {
		expect(() => withLocalFields({}, 'Mars/Base')).toThrow(new RangeError('Unknown time zone "Mars/Base"'));
	});
});

describe('withLocalFields copies safely', () => {
	test("an own '__proto__' key is copied as a key and does not become the copy's prototype", () => {
		const event = JSON.parse('{"__proto__": {"polluted": true}, "start_time": "2026-01-01T00:00:00Z"}') as IDataObject;
		const out = withLocalFields(event, 'UTC');
		expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
		expect((out as { polluted?: unknown }).polluted).toBeUndefined();
		expect(Object.prototype.hasOwnProperty.call(out, '__proto__')).toBe(true);
		expect(Object.getOwnPropertyDescriptor(out, '__proto__')).toEqual({ value: { polluted: true }, enumerable: true, writable: true, configurable: true });
		expect(Object.keys(out)).toEqual(['__proto__', 'start_time', 'start_time_local', 'stop_time_local', 'energy_kwh', 'duration_minutes']);
		expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
	});

	test('the copy keeps the key order and nested values by reference (like a spread)', () => {
		const event = sandboxEvent();
		const out = withLocalFields(event, 'UTC');
		expect(Object.keys(out)).toEqual([...Object.keys(event), 'start_time_local', 'stop_time_local', 'energy_kwh', 'duration_minutes']);
		expect(out.transaction_data).toBe(event.transaction_data);
	});
});
