import { ChargePilotCredentialError } from './errors';

/**
 * Header rules of the signer, for every caller (the ChargePilot node, the Test button, n8n's HTTP
 * Request node): the request's framing is ours (we fix the body bytes, the HTTP client frames them),
 * and header values go out byte for byte as given, so nothing may be altered on the way.
 */

/** RFC 9110 token characters: what a header name may contain. */
export const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Hop-by-hop and message-framing headers (RFC 9110 §7.6.1, RFC 9112 §6): set by a caller they
 * would contradict the framing of the signed body (Transfer-Encoding next to Content-Length is the
 * request-smuggling shape) or be read by whatever sits between n8n and the API.
 */
const FRAMING_HEADERS = new Set(['transfer-encoding', 'connection', 'te', 'upgrade', 'trailer', 'keep-alive']);

export function isFramingHeader(name: string): boolean {
	const lower = name.toLowerCase();
	return FRAMING_HEADERS.has(lower) || lower.startsWith('proxy-');
}

/**
 * What is wrong with a header value, or undefined: control characters (CR and LF included) and
 * DEL, characters a header cannot carry (beyond Latin-1, which Node would silently turn into other
 * bytes), lone UTF-16 surrogates.
 */
export function headerValueProblem(value: string): string | undefined {
	if (/[\r\n]/.test(value)) return 'contains a line break';
	for (let index = 0; index < value.length; index++) {
		const code = value.charCodeAt(index);
		// Horizontal tab is the one control character a field value may hold (RFC 9110 §5.5).
		if ((code < 0x20 && code !== 0x09) || code === 0x7f) return 'contains a control character';
		if (code > 0xff) return 'contains characters that cannot be sent in a header (only Latin-1 can)';
	}
	return undefined;
}

/**
 * Checks the caller's headers and returns them without `Content-Length` (the HTTP client sets the
 * true one). Refuses invalid names, framing headers, altered values and a Content-Length that does
 * not match the body that is sent.
 */
export function checkRequestHeaders(headers: Record<string, unknown>, bodyLength: number): Record<string, unknown> {
	const checked: Record<string, unknown> = {};
	for (const [name, raw] of Object.entries(headers)) {
		if (raw === undefined) continue;
		if (!HEADER_NAME.test(name)) {
			throw new ChargePilotCredentialError('headers', `"${name.slice(0, 60)}" is not a valid header name`);
		}
		if (isFramingHeader(name)) {
			throw new ChargePilotCredentialError(
				'headers',
				`The header "${name}" controls how the request is framed or forwarded; the ChargePilot credential does not sign requests that set it. Remove it.`,
			);
		}
		const values = Array.isArray(raw) ? raw : [raw];
		for (const value of values) {
			const problem = headerValueProblem(String(value));
			if (problem) throw new ChargePilotCredentialError('headers', `The value of the header "${name}" ${problem}. Remove or fix it.`);
		}
		if (name.toLowerCase() === 'content-length') {
			if (String(raw).trim() !== String(bodyLength)) {
				throw new ChargePilotCredentialError(
					'headers',
					`The Content-Length header says ${String(raw).slice(0, 20)} but the body is ${bodyLength} bytes. Remove the header: the length is set from the body that is signed.`,
				);
			}
			continue;
		}
		checked[name] = raw;
	}
	return checked;
}
