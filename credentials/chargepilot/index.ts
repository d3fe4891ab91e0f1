/**
 * What the nodes may use of the ChargePilot credential's signer: the credential type names and the
 * rules a request must follow to be signed (so a node can refuse bad input early, naming the item).
 * The signing itself stays inside the credential's `authenticate`; nothing here touches a secret.
 */
export { CREDENTIAL_TYPE, PUSH_CREDENTIAL_TYPE, REGION_BASE_URLS, SIGNATURE_HEADERS, type SignedPathMode, type SignedPathVariant } from './constants';
export { encodeQuery, pathProblem } from './canonicalRequest';
export { isChargePilotCredentialError } from './errors';
export { HEADER_NAME, headerValueProblem, isFramingHeader } from './headers';
export { afterAnswer, signingRecord, type SigningRecord } from './signedPathAuto';
export { hasControlCharacter, hasLoneSurrogate, isPlainObject, shorten } from './values';
