import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** Sends one item's request(s) and gives its output JSON (one or more items). */
export type Step = () => Promise<IDataObject[]>;

/**
 * The one shape every operation has (`actions/<resource>/<operation>.operation.ts`):
 * - `description`: its parameters, shown for its resource and operation only (`forOperation`);
 * - `prepare`: reads and checks one item's parameters synchronously, throwing on bad input, and
 *   returns the step that sends it. Splitting the two lets the router read the next items'
 *   parameters (real CPU time in n8n: expressions) while earlier requests are on the wire.
 */
export interface Operation {
	description: INodeProperties[];
	prepare(this: IExecuteFunctions, itemIndex: number): Step;
}

/**
 * The one shape every resource has (`actions/<resource>/<Resource>.resource.ts`): its entry in
 * the Resource list, its operations (the router dispatches on these keys), and the description
 * of its Operation list and parameters.
 */
export interface Resource {
	resource: INodePropertyOptions;
	operations: Record<string, Operation>;
	description: INodeProperties[];
}
