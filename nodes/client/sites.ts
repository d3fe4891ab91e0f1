import type { IDataObject } from 'n8n-workflow';

import { hasControlCharacter, hasLoneSurrogate, isPlainObject, shorten } from '../../credentials/chargepilot';

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
		const parameters: IDataObject = isPlainObject(node.parameters) ? (node.parameters as IDataObject) : {};
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
	const controller: IDataObject = isPlainObject(site.local_controller) ? (site.local_controller as IDataObject) : {};
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

/** Site IDs are short; anything longer is not an ID (and would make a long request target). */
export const MAX_SITE_ID_LENGTH = 200;

/**
 * Why a value cannot be a site ID (one path segment of `/sites/{id}`), or undefined: the one rule
 * for a site ID from any source (the node's Site parameter, an AI model's `$fromAI()`, the polling
 * trigger's parameter, a site ChargePilot lists).
 * - empty; control characters (line breaks, tabs); longer than MAX_SITE_ID_LENGTH;
 * - "." and "..": dot segments the URL parser would resolve (Site → Get with ID "." would read the
 *   site list); encoding does not help, as "%2e" counts as a dot too;
 * - "/" or "\\": encoded as %2F / %5C they stay in the segment, but a gateway that decodes before
 *   routing would read a path (".." + "/admin" reaches /admin with a valid signature);
 * - a lone surrogate, which has no URL encoding.
 */
export function siteIdProblem(value: string): string | undefined {
	if (value === '') return 'is empty';
	if (hasControlCharacter(value)) return 'contains a line break or control character';
	if (value.length > MAX_SITE_ID_LENGTH) return `is ${value.length} characters long`;
	if (value === '.' || value === '..') return `"${value}" is a dot segment, not an ID`;
	if (/[/\\]/.test(value)) return `"${shorten(value)}" contains "/" or "\\", which an ID cannot hold`;
	if (hasLoneSurrogate(value)) return 'contains half of a character (a lone UTF-16 surrogate)';
	return undefined;
}

/** `/sites/{id}`: the ID as one encoded path segment. Throws for a value that cannot be one. */
export function sitePath(prefix: string, siteId: string): string {
	const problem = siteIdProblem(siteId);
	if (problem) throw new Error(`Cannot build ${prefix}/{id}: the ID ${problem}`);
	return `${prefix}/${encodeURIComponent(siteId)}`;
}
