import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import { PUSH_CREDENTIAL_TYPE } from './chargepilot/constants';

/**
 * The key ChargePilot's Charging Data Push-API sends in the Ocp-Apim-Subscription-Key header of
 * every push. ChargePilot is the caller here, so nothing is signed or sent with this credential:
 * the ChargePilot Push Trigger compares incoming requests with it. Its test (testedBy on the
 * trigger) checks the key locally, as there is no ChargePilot endpoint to check it against.
 */
export class ChargePilotPushApi implements ICredentialType {
	name = PUSH_CREDENTIAL_TYPE;

	displayName = 'ChargePilot Push API';

	icon = { light: 'file:../icons/chargepilot.svg', dark: 'file:../icons/chargepilot.dark.svg' } as const;

	documentationUrl =
		'https://github.com/n8n-nodes-chargepilot/n8n-nodes-chargepilot#credential-chargepilot-push-api';

	properties: INodeProperties[] = [
		// The rule only knows names like apiKey or secret; this key is the shared secret of the Push-API.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Subscription Key',
			name: 'subscriptionKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The key you agreed with The Mobility House for the Charging Data Push-API. ChargePilot sends it in the Ocp-Apim-Subscription-Key header; pushes with any other key are refused (401).',
		},
	];
}
