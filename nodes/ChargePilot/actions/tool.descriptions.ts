import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/**
 * The ChargePilot node as an AI agent's tool ("ChargePilot Tool", which n8n makes from
 * `usableAsTool`). A model sees a tool's name, its description and the arguments filled with
 * `$fromAI()`; n8n's own description would only say "Get many charging events in ChargePilot".
 * So each operation brings a description written for a model (what it returns, IDs, units, time
 * formats, limits), as the default of the tool's Description parameter, which users may edit, and
 * charging events a smaller default Limit.
 *
 * They are the node's own properties, shown only in the tool (`@tool` in their display options,
 * as n8n's HTTP Request node does), not `usableAsTool.replacements`: n8n applies replacements only to
 * the description its editor shows. The engine builds the tool from the node's own properties
 * (n8n's NodeTypes.getByNameAndVersion → convertNodeToAiTool, in 1.x and 2.x) and fills the
 * defaults of those, so a Description or Limit given as a replacement is shown to the user but
 * never used: the model was told "Get many sites in ChargePilot" and got 50 events (measured with
 * n8n 2.41.1 and 1.123.81, test/e2e/ai-agent.e2e.js). Because the node has a `toolDescription`
 * property, n8n adds no "Tool Description: Set Automatically" switch of its own.
 */
const TOOL_DESCRIPTIONS: Array<[string, string, string]> = [
	[
		'api',
		'ping',
		'Checks whether the ChargePilot EV-charging API is reachable. Takes no arguments. Returns {"result": "...", "latencyMs": <round trip in ms>}.',
	],
	[
		'api',
		'customRequest',
		'Sends one signed request to the ChargePilot REST API (The Mobility House) and returns its JSON answer. The path is relative to /rest/v1, e.g. /sites, /sites/{siteId} (one site with its fuse tree) or /charging-events/site/{siteId}?from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z (times in ISO 8601 with an offset; take at most 1000, skip for paging; energy_wh in Wh). Errors come back as {"error", "description", "httpCode"}.',
	],
	[
		'site',
		'getAll',
		'Lists the EV charging sites this ChargePilot API key can read. Returns one item per site: id (pass it as the site ID to the other ChargePilot tools), name, timezone (IANA), controller, controllerId, controllerSerialNo, chargingStationCount and chargingPointCount.',
	],
	[
		'site',
		'get',
		'Gets one EV charging site by its ID (the id from the sites list, e.g. site-berlin-depot): name, timezone (IANA), controller and its numbers of charging stations and charging points. An unknown ID comes back as an error with httpCode 404.',
	],
	[
		'chargingEvent',
		'getAll',
		'Lists the completed EV charging sessions (charging events) of one site that started between From and To. Site: the site ID from the sites list. From and To: ISO 8601 date-times with an offset, e.g. 2026-11-01T00:00:00Z; To must be after From; keep the window to a few weeks. Returns one item per session with the fields ChargePilot sends: transaction_id, start_time, stop_time, duration (seconds), energy delivered in Wh where present (e.g. energy_wh), charger and connector IDs, id_tag. At most Limit sessions (default 20), so more sessions may exist: ask for a shorter window to see them all. An empty window returns {"results": 0, "message"}; a window ChargePilot truncates is marked with _truncated. An unknown site comes back as an error with httpCode 404.',
	],
];

/** Default Limit of Charging Event → Get Many in tool use: 20 sessions fit a model's context (~9,000 characters). */
export const TOOL_EVENT_LIMIT = 20;

/** The display options of a property, shown only in the tool (`true`) or only in the node (`false`). */
function onlyInTool(displayOptions: IDisplayOptions | undefined, tool: boolean): IDisplayOptions {
	return { ...displayOptions, show: { ...displayOptions?.show, '@tool': [tool] } };
}

/**
 * The node's properties with what the tool adds: the model-facing Description per operation in
 * front, and for charging events a Limit of its own (default 20) in the tool, the node's (50) in
 * the node.
 */
export function withToolProperties(properties: INodeProperties[]): INodeProperties[] {
	const descriptions: INodeProperties[] = TOOL_DESCRIPTIONS.map(([resource, operation, text]) => ({
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 3 },
		default: text,
		required: true,
		description: 'What the AI model is told this tool does. The default says what it returns and which formats it expects; adjust it to your use.',
		displayOptions: onlyInTool({ show: { resource: [resource], operation: [operation] } }, true),
	}));
	const own = properties.flatMap((property) =>
		property.name === 'limit' && property.displayOptions?.show?.resource?.includes('chargingEvent')
			? [
					{ ...property, displayOptions: onlyInTool(property.displayOptions, false) },
					{ ...property, default: TOOL_EVENT_LIMIT, displayOptions: onlyInTool(property.displayOptions, true) },
				]
			: [property],
	);
	return [...descriptions, ...own];
}
