import { createHash, createHmac } from 'node:crypto';

/**
 * ChargePilot request signature, as the getting-started guide defines it:
 *
 *   hashedSecret = hex(SHA-256(secret))            (the 64-character lowercase hex text is the key)
 *   payload      = METHOD:URL_PATH:TIMESTAMP:BODY  (BODY is '' when there is none)
 *   signature    = hex(HMAC-SHA256(key = hashedSecret, message = payload))
 *
 * BODY is the body exactly as sent: a string is taken as its UTF-8 bytes, a Buffer byte for byte
 * (so a body that is not valid UTF-8 is signed as the bytes that go on the wire, not as a lossy
 * decoding of them). Pure and synchronous: the caller decides the exact bytes (`canonicalRequest.ts`).
 */
export type BodyBytes = string | Buffer;

// Node's hash and HMAC `update()` take a string as its UTF-8 bytes and a Buffer as it is.
export function hashSecret(secret: string): string {
	return createHash('sha256').update(secret).digest('hex');
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
	body: BodyBytes,
): string {
	return createHmac('sha256', hashedSecret).update(signaturePayload(method, signedPath, timestamp, '')).update(body).digest('hex');
}

export function computeSignature(
	method: string,
	signedPath: string,
	timestamp: string | number,
	body: BodyBytes,
	secret: string,
): string {
	return signWithHashedSecret(hashSecret(secret), method, signedPath, timestamp, body);
}
