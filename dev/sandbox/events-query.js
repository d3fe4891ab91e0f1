'use strict';

/**
 * GET /charging-events/site/{id}: query validation, filtering, sorting and
 * paging.
 *
 * Semantics of the sandbox (the public docs leave these open):
 * - window: events with from <= start_time < to;
 * - date-times without an offset are read as UTC; a date alone means 00:00Z;
 * - search_text: case-insensitive substring match against charger_id, id_tag,
 *   transaction_data.connector_type and the transaction_id as decimal text;
 * - every sort uses transaction_id ascending as tie-breaker, so paging with
 *   take/skip is stable;
 * - unknown query parameters are ignored.
 */

const { toApiEvent } = require('./events');

const SORT_FIELDS = ['transaction_id', 'occurrence_time', 'start_time', 'stop_time', 'duration', 'energy_wh'];
const SORT_ORDERS = ['asc', 'desc'];
const MAX_TAKE = 1000;
const DEFAULT_TAKE = 100;
const MAX_SEARCH_LENGTH = 100;

/** Sort keys on compact event rows (see data.js). */
const SORT_KEYS = {
	transaction_id: (row) => row.transactionId,
	occurrence_time: (row) => row.start + row.duration + row.recordDelay,
	start_time: (row) => row.start,
	stop_time: (row) => row.start + row.duration,
	duration: (row) => row.duration,
	energy_wh: (row) => row.energyWh,
};

// YYYY-MM-DD, optionally followed by THH:MM[:SS[.fraction]] and Z or +HH:MM / -HHMM / +HH
const ISO_PATTERN =
	/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Parses an ISO 8601 date or date-time into epoch ms, independent of the local
 * time zone. Returns null when the text is not a valid calendar date-time.
 * @param {string} text
 * @returns {number|null}
 */
function parseIsoDateTime(text) {
	const match = ISO_PATTERN.exec(text);
	if (!match) return null;
	const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = match;
	const year = Number(y);
	const month = Number(mo);
	const day = Number(d);
	const hour = Number(h);
	const minute = Number(mi);
	const second = Number(s);
	const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate(); // leap-agnostic first pass
	if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
		return null;
	}
	const date = new Date(0);
	date.setUTCFullYear(year, month - 1, day);
	if (date.getUTCMonth() !== month - 1) return null; // e.g. 29 February in a common year
	date.setUTCHours(hour, minute, second, Number(fraction.padEnd(3, '0').slice(0, 3)));
	let offsetMinutes = 0;
	if (zone.toUpperCase() !== 'Z') {
		const digits = zone.slice(1).replace(':', '');
		const offsetHours = Number(digits.slice(0, 2));
		const offsetRest = digits.length > 2 ? Number(digits.slice(2)) : 0;
		if (offsetHours > 23 || offsetRest > 59) return null;
		offsetMinutes = (zone[0] === '-' ? -1 : 1) * (offsetHours * 60 + offsetRest);
	}
	return date.getTime() - offsetMinutes * 60000;
}

/** Number of Unicode code points (how class-validator counts MaxLength). */
function codePointLength(text) {
	let length = 0;
	for (const _ of text) length++;
	return length;
}

/**
 * Validates the query string. Returns { query } or { errors: string[] } with
 * one message per problem (NestJS ValidationPipe style), or { error: string }
 * for the cross-field check.
 * @param {URLSearchParams} params
 */
function parseEventsQuery(params) {
	const errors = [];
	// Returns the one value of a parameter, or undefined when it is absent or
	// (after recording an error) given more than once.
	const single = (name) => {
		const all = params.getAll(name);
		if (all.length > 1) {
			errors.push(`${name} must be given only once`);
			return undefined;
		}
		return all.length ? all[0] : undefined;
	};

	const dateParam = (name) => {
		const value = single(name);
		if (value === undefined || value === '') {
			// A duplicated parameter was already reported by single().
			if (params.getAll(name).length <= 1) {
				errors.push(`${name} is required and must be an ISO 8601 date-time, e.g. 2026-01-01T00:00:00Z`);
			}
			return null;
		}
		const ms = parseIsoDateTime(value);
		if (ms === null) {
			let hint = '';
			if (value.includes(' ') && parseIsoDateTime(value.replace(/ /g, '+')) !== null) {
				hint = " (a '+' in a query string means a space; send the offset as %2B or use Z)";
			}
			errors.push(`${name} must be a valid ISO 8601 date-time, got ${JSON.stringify(value)}${hint}`);
			return null;
		}
		return ms;
	};

	const from = dateParam('from');
	const to = dateParam('to');

	let searchText = single('search_text');
	if (searchText !== undefined && codePointLength(searchText) > MAX_SEARCH_LENGTH) {
		errors.push(
			`search_text must be shorter than or equal to ${MAX_SEARCH_LENGTH} characters, ` +
				`got ${codePointLength(searchText)}`,
		);
	}
	if (searchText === '') searchText = undefined;

	const sortField = single('sort_field');
	if (sortField !== undefined && !SORT_FIELDS.includes(sortField)) {
		errors.push(`sort_field must be one of the following values: ${SORT_FIELDS.join(', ')}`);
	}
	const sortOrder = single('sort_order');
	if (sortOrder !== undefined && !SORT_ORDERS.includes(sortOrder)) {
		errors.push(`sort_order must be one of the following values: ${SORT_ORDERS.join(', ')}`);
	}

	const integerParam = (name, fallback, min, max, description) => {
		const value = single(name);
		if (value === undefined) return fallback;
		const number = /^[0-9]+$/.test(value) ? Number(value) : NaN;
		if (!Number.isSafeInteger(number) || number < min || number > max) {
			errors.push(`${name} must be ${description}, got ${JSON.stringify(value)}`);
			return fallback;
		}
		return number;
	};
	const take = integerParam('take', DEFAULT_TAKE, 1, MAX_TAKE, `an integer between 1 and ${MAX_TAKE}`);
	const skip = integerParam('skip', 0, 0, Number.MAX_SAFE_INTEGER, 'an integer >= 0');

	if (errors.length > 0) return { errors };
	if (to < from) return { error: 'to must not be earlier than from' };
	return {
		query: {
			fromMs: from,
			toMs: to,
			searchText,
			sortField: sortField || 'start_time',
			sortOrder: sortOrder || 'asc',
			take,
			skip,
		},
	};
}

function matchesSearch(row, needle) {
	return (
		row.chargerId.toLowerCase().includes(needle) ||
		String(row.idTag).toLowerCase().includes(needle) ||
		String(row.connectorType).toLowerCase().includes(needle) ||
		String(row.transactionId).includes(needle)
	);
}

/**
 * All rows matching the query, sorted. Cached per site for the last query so
 * that paging through a large custom-sorted result does not re-sort each page.
 */
function matchingRows(siteState, query) {
	const { store } = siteState;
	const key = JSON.stringify([query.fromMs, query.toMs, query.searchText, query.sortField, query.sortOrder]);
	const cache = siteState.queryCache;
	if (cache && cache.key === key && cache.version === store.version) return cache.rows;

	let rows = store.window(query.fromMs, query.toMs);
	if (query.searchText !== undefined) {
		const needle = query.searchText.toLowerCase();
		rows = rows.filter((row) => matchesSearch(row, needle));
	}
	const isDefaultOrder = query.sortField === 'start_time' && query.sortOrder === 'asc';
	if (!isDefaultOrder) {
		const sortKey = SORT_KEYS[query.sortField];
		const direction = query.sortOrder === 'desc' ? -1 : 1;
		rows.sort((a, b) => direction * (sortKey(a) - sortKey(b)) || a.transactionId - b.transactionId);
	}
	siteState.queryCache = { key, version: store.version, rows };
	return rows;
}

/**
 * The rows in an order whose ties (equal sort key) are shuffled with `random` (0 <= x < 1), or put
 * in descending ID order (`random` = 'descending'): a server whose sort is not stable from one
 * request to the next, so offset paging over tied rows can serve one row twice and another never.
 */
function shuffleTies(rows, sortField, random) {
	const sortKey = SORT_KEYS[sortField];
	const out = rows.slice();
	if (random === 'descending') {
		// Ties by descending transaction ID instead of ascending.
		return out.sort((a, b) => sortKey(a) - sortKey(b) || (sortField === 'transaction_id' ? 0 : b.transactionId - a.transactionId));
	}
	let start = 0;
	while (start < out.length) {
		let end = start + 1;
		while (end < out.length && sortKey(out[end]) === sortKey(out[start])) end++;
		for (let i = end - 1; i > start; i--) {
			const j = start + Math.floor(random() * (i - start + 1));
			[out[i], out[j]] = [out[j], out[i]];
		}
		start = end;
	}
	return out;
}

/**
 * Runs a validated query and builds the response envelope.
 * @param {object} siteState internal site state from data.js
 * @param {object} query from parseEventsQuery()
 * @param {{ truncateAbove: number|null, truncated: boolean, pageCeiling?: number, tieRandom?: () => number }} options
 *   `pageCeiling`: serve at most this many events per page whatever `take` asks (a capped server or
 *   proxy; `count` is unchanged); `tieRandom`: shuffle ties of the sort order with it (see shuffleTies).
 */
function runEventsQuery(siteState, query, options) {
	let rows = matchingRows(siteState, query);
	if (options.tieRandom) rows = shuffleTies(rows, query.sortField, options.tieRandom);
	let count = rows.length;
	let truncated = Boolean(options.truncated);
	if (options.truncateAbove !== null && options.truncateAbove !== undefined && count > options.truncateAbove) {
		count = options.truncateAbove;
		truncated = true;
	}
	const take = options.pageCeiling ? Math.min(query.take, options.pageCeiling) : query.take;
	const end = Math.min(count, query.skip + take);
	const page = query.skip < end ? rows.slice(query.skip, end) : [];
	return {
		charging_events: page.map(toApiEvent),
		count,
		truncated,
		dto_presence: siteState.dtoPresence,
	};
}

module.exports = {
	SORT_FIELDS,
	SORT_ORDERS,
	MAX_TAKE,
	DEFAULT_TAKE,
	MAX_SEARCH_LENGTH,
	parseIsoDateTime,
	parseEventsQuery,
	runEventsQuery,
	shuffleTies,
};
