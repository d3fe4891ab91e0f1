import type { IDataObject } from 'n8n-workflow';

import { isPlainObject } from './validation';

/**
 * The public guide does not show the list envelopes, so accept a bare array or an object that
 * wraps one (`sites`, `data`, `items`, `results`, or its only array field).
 */
export function listFromResponse(body: unknown, preferredKey: string): IDataObject[] | undefined {
	if (Array.isArray(body)) return body as IDataObject[];
	if (!isPlainObject(body)) return undefined;
	for (const key of [preferredKey, 'data', 'items', 'results']) {
		if (Array.isArray(body[key])) return body[key] as IDataObject[];
	}
	const arrays = Object.values(body).filter(Array.isArray);
	return arrays.length === 1 ? (arrays[0] as IDataObject[]) : undefined;
}

const STATION_TYPE = /charg|station|evse|wallbox/i;

interface TreeCounts {
	stations: number;
	connectors: number;
}

function countTree(nodes: unknown, counts: TreeCounts): void {
	if (!Array.isArray(nodes)) return;
	for (const node of nodes) {
		if (!isPlainObject(node)) continue;
		const parameters = isPlainObject(node.parameters) ? node.parameters : {};
		const connectors = Array.isArray(parameters.connectors) ? parameters.connectors.length : 0;
		counts.connectors += connectors;
		if (typeof node.type === 'string' && STATION_TYPE.test(node.type)) counts.stations += 1;
		countTree(node.children, counts);
	}
}

/** Charging stations and charging points (connectors) in a site's fuse tree. */
export function countChargingPoints(fuseTree: unknown): TreeCounts {
	const counts = { stations: 0, connectors: 0 };
	countTree(fuseTree, counts);
	return counts;
}

/** The flat site summary of the Simplify switch. */
export function simplifySite(site: IDataObject): IDataObject {
	const controller = isPlainObject(site.local_controller) ? site.local_controller : {};
	const counts = countChargingPoints(site.fuse_tree);
	return {
		id: site.id,
		name: site.name,
		timezone: site.timezone,
		controller: controller.name ?? null,
		controllerId: controller.id ?? null,
		controllerSerialNo: controller.serial_no ?? null,
		chargingStationCount: counts.stations,
		// A station whose connectors are not listed still counts as one charging point.
		chargingPointCount: Math.max(counts.connectors, counts.stations),
	};
}
