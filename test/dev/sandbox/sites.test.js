'use strict';

/**
 * GET /sites and /sites/{id} of the sandbox (dev/sandbox/sites.js, data.js, routes.js).
 */

const { startSandbox } = require('../../../dev/sandbox');
const { fixedNow, signed } = require('./independent-client');

jest.setTimeout(30000);

describe('sandbox: sites', () => {
	let sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ now: fixedNow, eventCount: 100 });
	});
	afterAll(() => sandbox.close());

	/** Walks a fuse tree depth-first. */
	function* nodes(tree) {
		for (const node of tree) {
			yield node;
			yield* nodes(node.children);
		}
	}

	test('GET /sites returns the five seeded sites as a bare array', async () => {
		const res = await signed(sandbox, '/rest/v1/sites');
		expect(res.status).toBe(200);
		expect(Array.isArray(res.json)).toBe(true);
		expect(res.json.map((s) => s.id)).toEqual([
			'site-berlin-depot',
			'site-amsterdam-office',
			'site-brooklyn-fleet-yard',
			'site-los-angeles-showroom',
			'site-kolkata-tech-park',
		]);
		expect(res.json.map((s) => s.timezone)).toEqual([
			'Europe/Berlin',
			'Europe/Amsterdam',
			'America/New_York',
			'America/Los_Angeles',
			'Asia/Kolkata',
		]);
		expect(res.json).toEqual(sandbox.sites);
	});

	test('sites have a local controller and a nested fuse tree', async () => {
		const res = await signed(sandbox, '/rest/v1/sites/site-berlin-depot');
		const site = res.json;
		expect(Object.keys(site.local_controller).sort()).toEqual(['device_id', 'id', 'name', 'serial_no']);
		expect(site.fuse_tree).toHaveLength(1);
		expect(site.fuse_tree[0].type).toBe('fuse');
		const all = [...nodes(site.fuse_tree)];
		for (const node of all) {
			expect(typeof node.parameters.depth).toBe('string');
			expect(Object.keys(node.parameters).sort()).toEqual(
				[
					'additional_comments',
					'connectors',
					'depth',
					'fallback',
					'fallback_status',
					'firmware_version',
					'fuse_id',
					'inbound_limit',
					'limit',
					'meter',
					'name',
					'order',
					'outbound_limit',
					'pending_fallback_value',
				].sort(),
			);
		}
		expect(new Set(all.map((n) => n.type))).toEqual(new Set(['fuse', 'charging_station', 'connector_group']));
		const station = all.find((n) => n.type === 'charging_station');
		expect(station.parameters.connectors[0]).toEqual({
			id: expect.any(String),
			connector_id: expect.any(Number),
			type: expect.stringMatching(/^(Type2|CCS)$/),
			max_current: expect.any(Number),
		});
		const stationCounts = sandbox.sites.map(
			(s) => [...nodes(s.fuse_tree)].filter((n) => n.type === 'charging_station').length,
		);
		expect(new Set(stationCounts).size).toBe(5);
	});

	test("listEnvelope 'object' wraps the list", async () => {
		sandbox.configure({ listEnvelope: 'object' });
		try {
			const res = await signed(sandbox, '/rest/v1/sites');
			expect(res.json).toEqual({ sites: sandbox.sites, count: 5 });
		} finally {
			sandbox.configure({ listEnvelope: 'array' });
		}
	});

	test('the same seed gives the same data, another seed different data', async () => {
		const again = await startSandbox({ eventCount: 100 });
		const other = await startSandbox({ eventCount: 100, seed: 7 });
		try {
			expect(again.sites).toEqual(sandbox.sites);
			expect(again.getEvents('site-berlin-depot')).toEqual(sandbox.getEvents('site-berlin-depot'));
			expect(other.sites).not.toEqual(sandbox.sites);
		} finally {
			await Promise.all([again.close(), other.close()]);
		}
	});
});
