/**
 * Runs the built ChargePilot Push Trigger's webhook() through n8n-core's real WebhookContext, as
 * n8n's WebhookService.runWebhook does it: real parameter resolution, real getCredentials via the
 * credentials helper, the webhook path as n8n registers it, and a fake Express request and response
 * as far as the node uses them.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import { WebhookContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject, ICredentialType, IDataObject, INode, INodeType, IWebhookData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { DIST, FROM_SOURCE, mockAdditionalData, packageModule, TestCredentialsHelper, TestNodeTypes } from './engine';

export const PUSH_TRIGGER_TYPE = 'n8n-nodes-chargepilot.chargePilotPushTrigger';
/** The built files, relative to dist/. */
export const PUSH_NODE_FILE = 'nodes/ChargePilotPushTrigger/ChargePilotPushTrigger.node.js';
export const PUSH_CREDENTIAL_FILE = 'credentials/ChargePilotPushApi.credentials.js';

/* eslint-disable @typescript-eslint/no-require-imports */
export function loadPushTrigger(): { nodeType: INodeType; credentialType: ICredentialType } {
	const nodeFile = path.join(DIST, PUSH_NODE_FILE);
	if (!FROM_SOURCE && !existsSync(nodeFile)) throw new Error(`${nodeFile} is missing: run npm run build first`);
	const { ChargePilotPushTrigger } = require(packageModule(PUSH_NODE_FILE.replace(/\.js$/, '')));
	const { ChargePilotPushApi } = require(packageModule(PUSH_CREDENTIAL_FILE.replace(/\.js$/, '')));
	return { nodeType: new ChargePilotPushTrigger(), credentialType: new ChargePilotPushApi() };
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** The response object the node answers on (Express's, as far as the node uses it). */
export interface FakeResponse {
	statusCode: number;
	headers: Record<string, string>;
	body?: string;
	ended: boolean;
	setHeader(name: string, value: string): void;
	end(body?: string): void;
}

function fakeResponse(): FakeResponse {
	return {
		statusCode: 200,
		headers: {},
		ended: false,
		setHeader(name, value) {
			this.headers[name.toLowerCase()] = value;
		},
		end(body) {
			if (this.ended) throw new Error('response ended twice');
			this.ended = true;
			this.body = body;
		},
	};
}

export interface WebhookOptions {
	/** Request headers (lower-case names, as Node gives them). */
	headers: Record<string, string>;
	/** The stored credential's data. */
	credentials: ICredentialDataDecryptedObject;
	/** Raw body: a string is sent as UTF-8 bytes; an object/array is JSON-encoded. */
	raw?: unknown;
	/** Leave out rawBody and give only n8n's parsed body. */
	parsedOnly?: unknown;
	/** The trigger's parameters (n8n applies the defaults). */
	parameters?: Record<string, unknown>;
}

export interface WebhookResult {
	/** What webhook() returned (workflowData: the items that would start an execution). */
	result: IWebhookResponseData;
	/** Who wrote the answer: the node itself, or n8n (the node returned `webhookResponse`). */
	answeredBy: 'node' | 'n8n';
	status: number;
	json: IDataObject | undefined;
	text: string | undefined;
	response: FakeResponse;
	webhookData: IWebhookData;
}

function triggerNode(parameters: Record<string, unknown>): INode {
	return {
		id: '0b8c54c4-1d0e-4a47-9c3f-2f8a5d7e9b10',
		name: 'ChargePilot Push Trigger',
		type: PUSH_TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId: '5c8f1a3e-2b7d-4e59-8a61-9d0c3b2e7f44',
		parameters: parameters as INode['parameters'],
		credentials: { chargePilotPushApi: { id: 'push-cred-1', name: 'ChargePilot Push' } },
	};
}

/** One POST to the trigger's webhook through webhook() in a real WebhookContext. */
export async function runWebhook(options: WebhookOptions): Promise<WebhookResult> {
	const { nodeType, credentialType } = loadPushTrigger();
	const node = triggerNode(options.parameters ?? {});
	const workflow = new Workflow({
		id: 'push-test',
		nodes: [node],
		connections: {},
		nodeTypes: new TestNodeTypes({ [PUSH_TRIGGER_TYPE]: nodeType }),
		active: true,
		settings: { timezone: 'UTC' },
	});
	// The Workflow constructor applied the parameter defaults, as in n8n.
	const workflowNode = workflow.getNode(node.name) as INode;

	const rawText = options.raw === undefined ? undefined : typeof options.raw === 'string' ? options.raw : JSON.stringify(options.raw);
	const request = {
		method: 'POST',
		url: '/webhook/chargepilot-sessions',
		headers: options.headers,
		params: {},
		query: {},
		...(options.parsedOnly !== undefined ? { body: options.parsedOnly } : {}),
		...(rawText !== undefined ? { rawBody: Buffer.from(rawText, 'utf8') } : {}),
	};
	const response = fakeResponse();
	const credentialsHelper = new TestCredentialsHelper(credentialType, options.credentials);
	const additionalData = mockAdditionalData(credentialsHelper, { absent: ['executionContext'], set: { httpRequest: request, httpResponse: response } });

	// The webhook as n8n registers it: the path expression resolved against the node's parameters.
	const [description] = nodeType.description.webhooks ?? [];
	const nodePath = workflow.expression.getSimpleParameterValue(workflowNode, description.path, 'webhook', {}) as string;
	const webhookData: IWebhookData = {
		httpMethod: description.httpMethod as IWebhookData['httpMethod'],
		node: workflowNode.name,
		path: NodeHelpers.getNodeWebhookPath(workflow.id, workflowNode, nodePath, description.isFullPath as boolean),
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
	};

	const context = new WebhookContext(workflow, workflowNode, additionalData, 'webhook', webhookData, [], null);
	const webhook = nodeType.webhook as (this: IWebhookFunctions) => Promise<IWebhookResponseData>;
	const result = await webhook.call(context);
	if (!response.ended && !result.noWebhookResponse) {
		// The node left the answer to n8n (responseMode onReceived): n8n sends `webhookResponse` as
		// JSON with 200, once it has stored the execution (2.x; 1.x before running it).
		const text = JSON.stringify(result.webhookResponse ?? { message: 'Workflow was started' });
		return { result, answeredBy: 'n8n', status: 200, json: JSON.parse(text) as IDataObject, text, response, webhookData };
	}
	let json: IDataObject | undefined;
	try {
		json = response.body === undefined ? undefined : (JSON.parse(response.body) as IDataObject);
	} catch {
		json = undefined;
	}
	return { result, answeredBy: 'node', status: response.statusCode, json, text: response.body, response, webhookData };
}
