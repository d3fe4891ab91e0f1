import type { IExecuteFunctions } from 'n8n-workflow';

import { hasLoneSurrogate } from '../../../credentials/chargepilot/canonicalRequest';
import { itemParameter, runNode } from './runCache';
import { inputError } from './validation';

/** The site ID from the Site resource locator (list, ID, or a plain string from older workflows). */
export function siteIdParameter(context: IExecuteFunctions, itemIndex: number): string {
	const raw = itemParameter<unknown>(context, 'siteId', itemIndex, '', { extractValue: true });
	const node = runNode(context);
	if (raw !== undefined && raw !== null && typeof raw !== 'string' && typeof raw !== 'number') {
		throw inputError(node, itemIndex, 'Site', `the ID must be text, got ${Array.isArray(raw) ? 'an array' : typeof raw}`, 'Pick a site from the list, or enter its ID as text.');
	}
	const value = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
	if (!value) {
		throw inputError(node, itemIndex, 'Site', 'no site is selected', 'Pick a site from the list, or enter its ID (Site → Get Many lists them).');
	}
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f]/.test(value)) {
		throw inputError(node, itemIndex, 'Site', 'the ID contains a line break or control character', 'Enter the site ID without line breaks (an expression may have added them).');
	}
	if (value.length > 200) {
		throw inputError(node, itemIndex, 'Site', `the ID is ${value.length} characters long`, 'Site IDs are short; pick the site from the list.');
	}
	const problem = pathSegmentProblem(value);
	if (problem) throw inputError(node, itemIndex, 'Site', `the ID ${problem}`, 'Pick the site from the list, or enter its ID as Site → Get Many shows it.');
	return value;
}

/**
 * Why a value cannot be one path segment, or undefined. "." and ".." are dot segments: the URL
 * parser would resolve them (Site → Get with ID "." would read the site list); encoding does not
 * help, as "%2e" counts as a dot too. A lone surrogate has no URL encoding.
 */
export function pathSegmentProblem(value: string): string | undefined {
	if (value === '.' || value === '..') return `"${value}" is a dot segment, not an ID`;
	if (hasLoneSurrogate(value)) return 'contains half of a character (a lone UTF-16 surrogate)';
	return undefined;
}

/** `/sites/{id}`: the ID as one encoded path segment. Throws for a value that cannot be one. */
export function sitePath(prefix: string, siteId: string): string {
	const problem = pathSegmentProblem(siteId);
	if (problem) throw new Error(`Cannot build ${prefix}/{id}: the ID ${problem}`);
	return `${prefix}/${encodeURIComponent(siteId)}`;
}
