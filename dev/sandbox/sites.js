'use strict';

/**
 * The sandbox's seeded sites: five blueprints, and from each (with its own random stream) the
 * charging stations, the fuse tree and the site object GET /sites returns.
 */

const MAIN_SITE_ID = 'site-berlin-depot';

/**
 * The seeded sites: Europe/Berlin, Europe/Amsterdam, America/New_York, America/Los_Angeles and
 * Asia/Kolkata (a half-hour offset). `eventCount: null` means "use the eventCount option".
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
	{
		// A half-hour offset (UTC+05:30) and no daylight saving: local days start at 18:30 UTC.
		id: 'site-kolkata-tech-park',
		name: 'Kolkata Salt Lake Tech Park',
		timezone: 'Asia/Kolkata',
		code: 'CCU',
		city: 'Kolkata',
		stationLabel: 'Charger',
		stationCount: 8,
		distributionCount: 2,
		mainFuseAmps: 400,
		dcStations: 2,
		dtoPresence: false,
		eventCount: 250,
		fleets: ['Dasgupta Cabs', 'Tech Park Shuttle', 'Kolkata Metro Fleet'],
	},
];

const AC_HARDWARE = ['KEBA KeContact P30 1.16.0', 'Alfen Eve Double Pro-line 6.4.0', 'ABL eMH3 1.8p3'];
const DC_HARDWARE = ['ABB Terra 184 1.8.33', 'Kempower S-Series 1.40.2', 'Alpitronic HYC300 2.3.1'];

function pad(number, width) {
	return String(number).padStart(width, '0');
}

function randomHex(rng, length, upper = false) {
	let out = '';
	for (let i = 0; i < length; i++) out += Math.floor(rng.next() * 16).toString(16);
	return upper ? out.toUpperCase() : out;
}


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

/** The site object of the API: id, name, timezone, local controller and fuse tree. */
function buildSite(blueprint, stations, rng) {
	return {
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
}

module.exports = { MAIN_SITE_ID, SITE_BLUEPRINTS, buildStations, buildIdTags, buildSite };
