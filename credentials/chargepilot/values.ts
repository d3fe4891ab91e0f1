/**
 * Small checks on values that the signer and the nodes both need, kept in one place: a value that is
 * a plain JSON object, text that has no UTF-8 form, text with control characters, text cut short for
 * an error message.
 */

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * True when text holds a C0 control character (line breaks and tabs included) or DEL: the one rule
 * for every value that ends up in a URL or an ID (header values allow a tab: `headerValueProblem`).
 */
export function hasControlCharacter(text: string): boolean {
	return CONTROL_CHARACTER.test(text);
}

/**
 * A plain object (JSON-like: `{}`, or created without a prototype); not an array, Buffer, Date or
 * class instance. Also true for a plain object made in another realm (an expression sandbox), whose
 * prototype is that realm's Object.prototype.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
	const proto = Object.getPrototypeOf(value);
	if (proto === null || proto === Object.prototype) return true;
	return Object.getPrototypeOf(proto) === null && Object.prototype.toString.call(value) === '[object Object]';
}

/** True when a string holds a UTF-16 surrogate without its partner (it has no UTF-8 form). */
export function hasLoneSurrogate(text: string): boolean {
	return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** A value cut to a length that is safe to put into an error message. */
export function shorten(text: string, max = 60): string {
	return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}
