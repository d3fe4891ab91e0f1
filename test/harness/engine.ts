/**
 * Runs the built ChargePilot node inside n8n's real execution engine (n8n-core's WorkflowExecute),
 * the way n8n's own nodes-testing harness does: real parameter resolution, real execute context,
 * real `httpRequestWithAuthentication` and HTTP layer, real credential `authenticate`. Only the
 * credential store is ours (it returns the given decrypted data), and the network is loopback.
 */
import path from 'node:path';

import { mock } from 'jest-mock-extended';
import { ExecutionLifecycleHooks, LoadOptionsContext, PollContext, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { ICredentialsHelper, Workflow } from 'n8n-workflow';

const ROOT = path.resolve(__dirname, '..', '..');
export const DIST = path.join(ROOT, 'dist');
export const NODE_TYPE = 'n8n-nodes-chargepilot.chargePilot';

/**
 * Where the engine tests load the package from. By default the built files in dist/ (what n8n
 * loads from the published package). With CHARGEPILOT_TEST_LOAD=source (set only by
 * jest.stryker.config.js, for `npm run mutate`) the TypeScript sources instead: Stryker mutates the
 * sources, and tests that load dist/ would never see a mutant.
 */
export const FROM_SOURCE = process.env.CHARGEPILOT_TEST_LOAD === 'source';

/** A module of the package, e.g. `nodes/ChargePilot/ChargePilot.node`, from dist/ or the sources. */
export function packageModule(relativePath: string): string {
	return FROM_SOURCE ? path.join(ROOT, relativePath) : path.join(DIST, `${relativePath}.js`);
}

/* eslint-disable @typescript-eslint/no-require-imports */
export function loadBuilt(): { nodeType: INodeType; credentialType: ICredentialType } {
	const { ChargePilot } = require(packageModule('nodes/ChargePilot/ChargePilot.node'));
	const { ChargePilotApi } = require(packageModule('credentials/ChargePilotApi.credentials'));
	return { nodeType: new ChargePilot(), credentialType: new ChargePilotApi() };
}
/* eslint-enable @typescript-eslint/no-require-imports */

export class TestNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType>) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		return this.getByNameAndVersion(nodeType);
	}

	getByNameAndVersion(nodeType: string): INodeType {
		const type = this.types[nodeType];
		if (!type) throw new Error(`Unknown node type ${nodeType}`);
		return type;
	}

	getKnownTypes() {
		return {};
	}
}

/** Credential store of the test: hands out the given decrypted data, calls the real authenticate. */
export class TestCredentialsHelper extends ICredentialsHelper {
	/** Every options object `authenticate` received, for tests of what the node asked for. */
	readonly authenticateCalls: IHttpRequestOptions[] = [];
	/** How often n8n asked for the decrypted credential (n8n loads it from its database each time). */
	decryptCalls = 0;

	constructor(
		private readonly credentialType: ICredentialType,
		private readonly data: ICredentialDataDecryptedObject,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, typeName: string, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		if (typeName !== this.credentialType.name) throw new Error(`Unexpected credential type ${typeName}`);
		this.authenticateCalls.push({ ...requestOptions });
		const authenticate = this.credentialType.authenticate;
		if (typeof authenticate !== 'function') throw new Error('authenticate is not a function');
		return await authenticate.call(this.credentialType, credentials, requestOptions);
	}

	async preAuthentication(_helpers: IHttpRequestHelper, _credentials: ICredentialDataDecryptedObject): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used');
	}

	async getDecrypted(_additionalData: IWorkflowExecuteAdditionalData, _nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentialDataDecryptedObject> {
		if (type !== this.credentialType.name) throw new Error(`No credentials of type ${type}`);
		this.decryptCalls++;
		// A copy, as n8n decrypts afresh for every use.
		return { ...this.data };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties() {
		return this.credentialType.properties;
	}
}

export interface RunOptions {
	/** Node parameters as in a workflow's JSON (n8n resolves and validates them). */
	parameters: Record<string, unknown>;
	credentials: ICredentialDataDecryptedObject;
	/** Input items' JSON (default: one empty item). */
	items?: Array<Record<string, unknown>>;
	continueOnFail?: boolean;
	timezone?: string;
	/** Run it as n8n's generated tool variant ("ChargePilot Tool", type …chargePilotTool; see aiToolVariant). */
	asTool?: boolean;
}

export interface RunResult {
	/** Output items of the ChargePilot node (main output 0). */
	items: INodeExecutionData[];
	/** The node's error when the run failed. */
	error?: Error & { description?: string; httpCode?: string; context?: IDataObject };
	run: IRun;
	credentialsHelper: TestCredentialsHelper;
	hints: unknown[];
}

function chargePilotNode(parameters: INodeParameters, continueOnFail: boolean, asTool = false): INode {
	return {
		id: 'b6d9f3a8-1c1e-4f4e-9a61-0c7d3f5e8a01',
		name: 'ChargePilot',
		type: asTool ? `${NODE_TYPE}Tool` : NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { chargePilotApi: { id: 'cred-1', name: 'ChargePilot Sandbox' } },
		...(continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
}

/**
 * n8n's additional data of an execution, mocked as n8n's own tests do (anything not set is a mock),
 * with our credential store. `absent`: more properties n8n only reads when they are configured;
 * `set`: properties to give (e.g. the webhook's request and response).
 */
export function mockAdditionalData(
	credentialsHelper: ICredentialsHelper,
	{ hooks, absent = [], set = {} }: { hooks?: ExecutionLifecycleHooks; absent?: string[]; set?: Record<string, unknown> } = {},
): IWorkflowExecuteAdditionalData {
	const additionalData = mock<Record<string, unknown>>({ ...(hooks ? { hooks } : {}), currentNodeParameters: undefined }) as unknown as IWorkflowExecuteAdditionalData;
	additionalData.credentialsHelper = credentialsHelper;
	// Absent, not mocked: n8n only calls them when configured.
	const plain = additionalData as unknown as Record<string, unknown>;
	for (const optional of ['evalLlmMockHandler', 'executionId', 'encryptedRunnerIdentity', 'parentExecution', 'executionTimeoutTimestamp', 'userId', ...absent]) {
		plain[optional] = undefined;
	}
	Object.assign(plain, set);
	return additionalData;
}

/** A workflow of this one node, as n8n builds it from stored JSON. */
function singleNodeWorkflow(node: INode, nodeType: INodeType, extra: { settings?: IDataObject; staticData?: IDataObject; active?: boolean } = {}): Workflow {
	return new Workflow({
		id: 'engine-test',
		nodes: [node],
		connections: {},
		nodeTypes: new TestNodeTypes({ [node.type]: nodeType }),
		active: extra.active ?? false,
		settings: extra.settings,
		staticData: extra.staticData,
	});
}

/** The additional data of an execution whose credential store hands out `credentials`. */
function executionDeps(credentialType: ICredentialType, credentials: ICredentialDataDecryptedObject, mode: 'manual' | 'trigger' = 'manual') {
	const credentialsHelper = new TestCredentialsHelper(credentialType, credentials);
	const hooks = new ExecutionLifecycleHooks(mode, 'engine-test-execution', mock());
	return { credentialsHelper, hooks, additionalData: mockAdditionalData(credentialsHelper, { hooks }) };
}

/**
 * The node type n8n's engine runs for `<type>Tool` (n8n's NodeTypes.getByNameAndVersion →
 * convertNodeToAiTool in packages/cli/src/tool-generation/ai-tools.ts, 1.x and 2.x): the node's own
 * description (never `usableAsTool.replacements`, which only the editor applies) named
 * `<name>Tool`, plus n8n's "Tool Description" switch (default "Set Automatically") when the node
 * brings no `toolDescription` property. Its inputs stay the node's, so the harness can feed it items.
 */
export function aiToolVariant(nodeType: INodeType): INodeType {
	const properties = [...nodeType.description.properties];
	if (!properties.some((property) => property.name === 'toolDescription')) {
		const switchable = properties.some((property) => property.name === 'resource' || property.name === 'operation');
		const text = { displayName: 'Description', name: 'toolDescription', type: 'string' as const, default: nodeType.description.description, required: true };
		properties.unshift(
			...(switchable
				? [
						{ displayName: 'Tool Description', name: 'descriptionType', type: 'options' as const, options: [{ name: 'Set Automatically', value: 'auto' }, { name: 'Set Manually', value: 'manual' }], default: 'auto' },
						{ ...text, displayOptions: { show: { descriptionType: ['manual'] } } },
					]
				: [text]),
		);
	}
	const description = { ...nodeType.description, name: `${nodeType.description.name}Tool`, displayName: `${nodeType.description.displayName} Tool`, properties };
	delete description.usableAsTool;
	return Object.assign(Object.create(nodeType) as INodeType, { description });
}

/** Runs the ChargePilot node once on the given input items in the real engine. */
export async function runNode(options: RunOptions): Promise<RunResult> {
	const { nodeType: built, credentialType } = loadBuilt();
	const nodeType = options.asTool ? aiToolVariant(built) : built;
	const node = chargePilotNode(options.parameters as INodeParameters, options.continueOnFail ?? false, options.asTool);
	const workflow = singleNodeWorkflow(node, nodeType, { settings: { timezone: options.timezone ?? 'UTC' } });
	const { credentialsHelper, hooks, additionalData } = executionDeps(credentialType, options.credentials);
	let finished: (run: IRun) => void = () => undefined;
	const done = new Promise<IRun>((resolve) => (finished = resolve));
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => finished(fullRunData));

	const input = (options.items ?? [{}]).map((json) => ({ json: json as IDataObject }));
	const runExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			nodeExecutionStack: [{ node, data: { main: [input] }, source: null } as IExecuteData],
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	} as unknown as IRunExecutionData;

	const execution = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	await execution.processRunExecutionData(workflow);
	const run = await done;
	const taskData = run.data.resultData.runData[node.name]?.[0];
	return {
		items: taskData?.data?.main?.[0] ?? [],
		error: (taskData?.error ?? run.data.resultData.error) as RunResult['error'],
		run,
		credentialsHelper,
		hints: (taskData as { hints?: unknown[] } | undefined)?.hints ?? [],
	};
}

/** Calls the node's site list search through n8n's real load-options context. */
export async function searchSites(credentials: ICredentialDataDecryptedObject, filter?: string): Promise<INodeListSearchResult> {
	const { nodeType, credentialType } = loadBuilt();
	const node = chargePilotNode({ resource: 'site', operation: 'get' }, false);
	const workflow = singleNodeWorkflow(node, nodeType);
	const context = new LoadOptionsContext(workflow, node, executionDeps(credentialType, credentials).additionalData, 'parameters.siteId');
	const search = nodeType.methods?.listSearch?.searchSites;
	if (!search) throw new Error('searchSites is not registered');
	return await search.call(context, filter);
}

/**
 * The credential's Test button, the way n8n runs it: the credential's `test.request` (base URL
 * resolved, as n8n resolves its expression) through n8n's real `httpRequestWithAuthentication`,
 * with n8n's own retry after a 401 (which calls `authenticate` again on its output). Resolves with
 * the full response, rejects with n8n's error.
 */
export async function credentialTest(credentials: ICredentialDataDecryptedObject, baseURL: string): Promise<{ statusCode: number; body: unknown }> {
	const { nodeType, credentialType } = loadBuilt();
	const node = chargePilotNode({ resource: 'site', operation: 'getAll' }, false);
	const workflow = singleNodeWorkflow(node, nodeType);
	const context = new LoadOptionsContext(workflow, node, executionDeps(credentialType, credentials).additionalData, 'parameters.siteId');
	const test = credentialType.test?.request;
	if (!test) throw new Error('the credential has no test request');
	// As RoutingNode builds it for the Test button.
	const options = { qs: {}, body: {}, headers: {}, ...test, baseURL, returnFullResponse: true, timeout: 300_000 } as IHttpRequestOptions;
	delete (options as { body?: unknown }).body;
	return (await context.helpers.httpRequestWithAuthentication.call(context, credentialType.name, options, {
		credentialsDecrypted: { id: 'cred-test', name: 'ChargePilot test', type: credentialType.name, data: credentials },
	})) as { statusCode: number; body: unknown };
}

/* eslint-disable @typescript-eslint/no-require-imports */
function loadTrigger(): INodeType {
	const { ChargePilotTrigger } = require(packageModule('nodes/ChargePilotTrigger/ChargePilotTrigger.node'));
	return new ChargePilotTrigger();
}
/* eslint-enable @typescript-eslint/no-require-imports */

export const TRIGGER_TYPE = 'n8n-nodes-chargepilot.chargePilotTrigger';

export interface PollOptions {
	parameters: Record<string, unknown>;
	credentials: ICredentialDataDecryptedObject;
	/** The workflow's static data from an earlier poll (as n8n stores it between polls and restarts). */
	staticData?: IDataObject;
	mode?: 'trigger' | 'manual';
}

/**
 * One poll of the ChargePilot Trigger through n8n-core's real PollContext. Returns the emitted
 * items and the workflow's static data afterwards (a JSON copy, as n8n persists it).
 */
export async function pollTrigger(options: PollOptions): Promise<{ items: INodeExecutionData[] | null; staticData: IDataObject }> {
	const { credentialType } = loadBuilt();
	const trigger = loadTrigger();
	const node: INode = {
		id: 'c0ffee00-0000-4000-8000-000000000001',
		name: 'ChargePilot Trigger',
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters as INodeParameters,
		credentials: { chargePilotApi: { id: 'cred-1', name: 'ChargePilot Sandbox' } },
	};
	const workflow = singleNodeWorkflow(node, trigger, { active: true, staticData: JSON.parse(JSON.stringify(options.staticData ?? {})) });
	const { additionalData } = executionDeps(credentialType, options.credentials, 'trigger');
	const context = new PollContext(workflow, node, additionalData, options.mode ?? 'trigger', 'activate');
	const result = await trigger.poll!.call(context);
	return { items: result ? result[0] : null, staticData: JSON.parse(JSON.stringify(workflow.staticData)) };
}
