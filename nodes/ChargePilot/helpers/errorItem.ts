import type { IDataObject } from 'n8n-workflow';

/** The JSON of an error item under "Continue On Fail": what failed and why, never a secret. */
export function errorJson(error: unknown): IDataObject {
	// Anything can be thrown, undefined and null included.
	const failure = (error ?? {}) as { message?: string; description?: string | null; httpCode?: string | null; context?: IDataObject };
	const json: IDataObject = { error: failure.message ?? String(error) };
	if (failure.description) json.description = failure.description;
	if (failure.httpCode) json.httpCode = failure.httpCode;
	if (typeof failure.context?.attempts === 'number') json.attempts = failure.context.attempts;
	return json;
}
