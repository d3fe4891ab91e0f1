import type { IExecuteFunctions } from 'n8n-workflow';

import { siteIdProblem } from '../../client/sites';
import { itemParameter, runNode } from './parameters';
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
	const problem = siteIdProblem(value);
	if (problem) throw inputError(node, itemIndex, 'Site', `the ID ${problem}`, 'Pick the site from the list, or enter its ID as Site → Get Many shows it (an expression may have added characters).');
	return value;
}
