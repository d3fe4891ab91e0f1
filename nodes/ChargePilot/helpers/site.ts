import type { IExecuteFunctions } from 'n8n-workflow';

import { inputError } from './validation';

/** The site ID from the Site resource locator (list, ID, or a plain string from older workflows). */
export function siteIdParameter(context: IExecuteFunctions, itemIndex: number): string {
	const raw = context.getNodeParameter('siteId', itemIndex, '', { extractValue: true }) as unknown;
	const value = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
	const node = context.getNode();
	if (!value) {
		throw inputError(node, itemIndex, 'Site', 'no site is selected', 'Pick a site from the list, or enter its ID (Site → Get Many lists them).');
	}
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f]/.test(value)) {
		throw inputError(node, itemIndex, 'Site', 'the ID contains a line break or control character', 'Enter the site ID without line breaks (an expression may have added them).');
	}
	return value;
}

/** `/sites/{id}` with the ID as one encoded path segment. */
export function sitePath(prefix: string, siteId: string): string {
	return `${prefix}/${encodeURIComponent(siteId)}`;
}
