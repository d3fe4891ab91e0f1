import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	IHookFunctions,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import * as n8nWorkflow from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { PUSH_CREDENTIAL_TYPE } from '../../credentials/chargepilot';

import {
	checkContentType,
	checkSubscriptionKey,
	isRejection,
	readJsonBody,
	safeHeaders,
	subscriptionKeyProblem,
	toSessions,
} from './push';
import type { PushRequestBody } from './push';

/** The parts of n8n's (Express) response the node answers with. */
interface PushResponse {
	statusCode: number;
	setHeader(name: string, value: string): unknown;
	end(body: string): unknown;
}

/**
 * The webhook's path, from the Path parameter. n8n 2.x can read it without evaluating an
 * expression when the node says how (`webhookDescriptionFields`): no expression sandbox per push,
 * which a burst of pushes otherwise pays for. n8n 1.x has no such helper and takes the expression.
 */
const PATH_FIELD: { path: string } =
	typeof n8nWorkflow.webhookDescriptionFields === 'function' && typeof n8nWorkflow.fromParameter === 'function'
		? n8nWorkflow.webhookDescriptionFields({ path: n8nWorkflow.fromParameter('path') })
		: { path: '={{$parameter["path"]}}' };

function respond(response: PushResponse, status: number, body: IDataObject): void {
	response.statusCode = status;
	response.setHeader('Content-Type', 'application/json; charset=utf-8');
	response.setHeader('Cache-Control', 'no-store');
	response.end(JSON.stringify(body));
}

export class ChargePilotPushTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ChargePilot Push Trigger',
		name: 'chargePilotPushTrigger',
		icon: { light: 'file:../../icons/chargepilot.svg', dark: 'file:../../icons/chargepilot.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"POST /" + $parameter["path"]}}',
		description: 'Receive completed charging sessions from the ChargePilot Charging Data Push-API (The Mobility House)',
		defaults: { name: 'ChargePilot Push Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: PUSH_CREDENTIAL_TYPE, required: true, testedBy: 'chargePilotPushApiTest' }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Empty: n8n answers with the node's webhookResponse ({"received": n}), not with its default text.
				responseData: '',
				...PATH_FIELD,
				isFullPath: true,
			},
		],
		properties: [
			{
				displayName:
					'Give The Mobility House the Production URL above (it must be reachable from the internet over HTTPS) and the subscription key of the credential. ChargePilot then pushes completed sessions, hourly by default; every session becomes one item. Requests without the right Ocp-Apim-Subscription-Key header get 401 and start nothing.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Path',
				name: 'path',
				type: 'string',
				default: 'chargepilot-sessions',
				required: true,
				placeholder: 'chargepilot-sessions',
				description: 'The last part of the webhook URL, e.g. https://n8n.example.com/webhook/chargepilot-sessions',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Include Headers',
						name: 'includeHeaders',
						type: 'boolean',
						default: false,
						description:
							'Whether to add the request headers to every item as _headers (without the subscription key, Authorization and Cookie headers)',
					},
				],
			},
		],
	};

	methods = {
		credentialTest: {
			/**
			 * ChargePilot has no endpoint to check a push key against (it is the caller, not the
			 * server), so the test checks what can be checked locally.
			 */
			async chargePilotPushApiTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				const problem = subscriptionKeyProblem(credential.data?.subscriptionKey);
				if (problem) return { status: 'Error', message: problem };
				return {
					status: 'OK',
					message:
						'The key is well-formed. ChargePilot offers no way to check it from n8n: the ChargePilot Push Trigger compares it with every push and answers 401 to any other key.',
				};
			},
		},
	};

	/**
	 * The push target is configured by The Mobility House, not through an API, so there is nothing
	 * to register with, look up at, or remove from ChargePilot: n8n only has to listen.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const response = this.getResponseObject() as unknown as PushResponse;
		const headers = this.getHeaderData() as IDataObject;

		const credentials = await this.getCredentials(PUSH_CREDENTIAL_TYPE);
		const expected = typeof credentials.subscriptionKey === 'string' ? credentials.subscriptionKey.trim() : '';
		if (expected === '') {
			this.logger.warn('ChargePilot Push Trigger: the credential has no Subscription Key, so every push is refused with 401', {
				workflowId: this.getWorkflow().id,
				node: this.getNode().name,
			});
		}
		// Nothing about the request is looked at before its key is known to be right.
		const unauthorized = checkSubscriptionKey(headers, expected);
		if (unauthorized) {
			this.logger.debug(`ChargePilot Push Trigger: refused a push (401): ${unauthorized.body.message}`, {
				workflowId: this.getWorkflow().id,
				node: this.getNode().name,
			});
			respond(response, unauthorized.status, unauthorized.body);
			return { noWebhookResponse: true };
		}

		const wrongType = checkContentType(headers['content-type']);
		if (wrongType) {
			respond(response, wrongType.status, wrongType.body);
			return { noWebhookResponse: true };
		}
		const body = readJsonBody(this.getRequestObject() as unknown as PushRequestBody);
		if (isRejection(body)) {
			respond(response, body.status, body.body);
			return { noWebhookResponse: true };
		}
		const parsed = toSessions(body.value);
		if (isRejection(parsed)) {
			respond(response, parsed.status, parsed.body);
			return { noWebhookResponse: true };
		}

		const { sessions } = parsed;
		// A push without sessions is acknowledged, but there is nothing to run the workflow on.
		if (sessions.length === 0) {
			respond(response, 200, { received: 0 });
			return { noWebhookResponse: true };
		}

		const includeHeaders = this.getNodeParameter('options.includeHeaders', false) as boolean;
		const extra = includeHeaders ? { _headers: safeHeaders(headers) } : {};
		const items: INodeExecutionData[] = sessions.map((session) => ({ json: { ...session, ...extra } }));
		// n8n answers with {"received": n} itself, at once, without waiting for the workflow. n8n 2.x
		// sends it only once the execution is stored (and, in queue mode, queued): if that fails,
		// ChargePilot gets a 5xx instead of a 200 for sessions no execution would ever see.
		return { workflowData: [items], webhookResponse: { received: sessions.length } };
	}
}
