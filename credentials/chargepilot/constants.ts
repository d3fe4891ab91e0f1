/** Facts about the ChargePilot API that the credential, the node and the docs share. */
export const CREDENTIAL_TYPE = 'chargePilotApi';
/** The key of ChargePilot's Charging Data Push-API, which the Push Trigger checks. */
export const PUSH_CREDENTIAL_TYPE = 'chargePilotPushApi';

export const REGION_BASE_URLS = {
	us: 'https://chargepilot-api.tmhusa.energy/rest/v1',
	eu: 'https://chargepilot-api.tmh.energy/rest/v1',
} as const;

export type Region = keyof typeof REGION_BASE_URLS | 'custom';
export type SignedPathVariant = 'full' | 'relative';
/** The credential's Signed Path setting: one variant pinned, or Auto (find out and remember). */
export type SignedPathMode = SignedPathVariant | 'auto';

export const HEADER_API_KEY = 'x-api-key';
export const HEADER_TIMESTAMP = 'x-req-timestamp';
export const HEADER_SIGNATURE = 'x-signature';
export const SIGNATURE_HEADERS = [HEADER_API_KEY, HEADER_TIMESTAMP, HEADER_SIGNATURE];
