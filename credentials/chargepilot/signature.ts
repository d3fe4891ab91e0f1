import { createHash, createHmac } from 'node:crypto';

/**
 * ChargePilot request signature, as the getting-started guide defines it:
 *
 *   hashedSecret = hex(SHA-256(secret))            (the 64-character lowercase hex text is the key)
 *   payload      = METHOD:URL_PATH:TIMESTAMP:BODY  (BODY is '' when there is none)
 *   signature    = hex(HMAC-SHA256(key = hashedSecret, message = payload))
 *
 * Pure and synchronous: the caller decides the exact bytes (see `canonicalRequest.ts`).
 */
export function hashSecret(secret: string): string {
	return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function signaturePayload(
	method: string,
	signedPath: string,
	timestamp: string | number,
	bodyText: string,
): string {
	return `${method}:${signedPath}:${timestamp}:${bodyText}`;
}

/** Signs with an already hashed secret: lets a caller hash once and sign many requests. */
export function signWithHashedSecret(
	hashedSecret: string,
	method: string,
	signedPath: string,
	timestamp: string | number,
	bodyText: string,
): string {
	return createHmac('sha256', hashedSecret)
		.update(signaturePayload(method, signedPath, timestamp, bodyText), 'utf8')
		.digest('hex');
}

export function computeSignature(
	method: string,
	signedPath: string,
	timestamp: string | number,
	bodyText: string,
	secret: string,
): string {
	return signWithHashedSecret(hashSecret(secret), method, signedPath, timestamp, bodyText);
}
