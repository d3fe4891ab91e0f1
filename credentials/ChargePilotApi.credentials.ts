import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { signRequestOptions } from './chargepilot/authenticate';
import { CREDENTIAL_TYPE, REGION_BASE_URLS } from './chargepilot/constants';

export class ChargePilotApi implements ICredentialType {
	name = CREDENTIAL_TYPE;

	displayName = 'ChargePilot API';

	icon = { light: 'file:../icons/chargepilot.svg', dark: 'file:../icons/chargepilot.dark.svg' } as const;

	documentationUrl =
		'https://github.com/n8n-nodes-chargepilot/n8n-nodes-chargepilot#credential-chargepilot-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				{ name: 'EU', value: 'eu', description: REGION_BASE_URLS.eu },
				{ name: 'US', value: 'us', description: REGION_BASE_URLS.us },
				{ name: 'Custom', value: 'custom', description: 'Another base URL, e.g. the local ChargePilot sandbox' },
			],
			default: 'eu',
			description: 'The ChargePilot cloud your site is managed in',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:8787/rest/v1',
			description: 'Base URL of the API including /rest/v1 (http or https)',
			displayOptions: { show: { region: ['custom'] } },
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API key The Mobility House issued for your sites; sent as x-api-key',
		},
		{
			displayName: 'API Secret',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Signs every request; the secret itself is never sent',
		},
		{
			displayName: 'Signed Path',
			name: 'signedPath',
			type: 'options',
			options: [
				{
					name: 'Auto',
					value: 'auto',
					description:
						'Find out which form the server checks: sign the full path first, and after a 401 try the relative one once. What works is remembered for this credential, so later requests pay no extra round trip.',
				},
				{
					name: 'Full Path (/rest/v1/sites?...)',
					value: 'full',
					description: 'Always sign the request path from the host, as the getting-started guide describes',
				},
				{
					name: 'Relative Path (/sites?...)',
					value: 'relative',
					description: "Always sign the path below the base URL, as the guide's code sample does",
				},
			],
			default: 'auto',
			description:
				"Which form of the path goes into the signature. ChargePilot's guide shows both; Auto finds the one your server checks. Pin one only if you know it.",
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return signRequestOptions(credentials, requestOptions);
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ $credentials.region === "custom" ? $credentials.baseUrl : ($credentials.region === "us" ? "${REGION_BASE_URLS.us}" : "${REGION_BASE_URLS.eu}") }}`,
			url: '/sites',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'ChargePilot rejected the request (401). With Signed Path "Auto" both forms of the signature were tried (Full Path, then Relative Path), so check, in this order: the API Key and API Secret; that this machine\'s clock is correct (the signature carries a timestamp); and the Region. With a pinned Signed Path, try "Auto".',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'ChargePilot accepted the key but refused access (403): ask The Mobility House which sites this key may read.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message: 'Nothing answers at this address (404): check the Region or the Base URL, which must end in /rest/v1.',
				},
			},
		],
	};
}
