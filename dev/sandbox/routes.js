'use strict';

/**
 * Route table and handlers of the sandbox API (all under /rest/v1).
 *
 * Handlers are plain functions (ctx) => { status, body, headers? }; the server
 * takes care of authentication, faults, serialisation and recording.
 */

const { API_PREFIX } = require('./auth');
const { errorResult, jsonResult, isJsonContentType } = require('./http-util');
const { parseEventsQuery, runEventsQuery } = require('./events-query');

// ---------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------

function ping() {
	return jsonResult(200, { result: 'ChargePilot Rest API is available' });
}

/** Sites the authenticated key may see (keys can be limited with `sites`). */
function visibleSites(ctx) {
	const scope = ctx.keyEntry && ctx.keyEntry.sites;
	return ctx.app.data.sites.filter((site) => !scope || scope.has(site.id));
}

/** Decodes a path parameter; undefined when it is not valid percent-encoding. */
function decodeParam(raw) {
	try {
		return decodeURIComponent(raw);
	} catch {
		return undefined;
	}
}

/** Looks up a visible site; returns { site } or { notFound: result }. */
function findSite(ctx, rawId) {
	const id = decodeParam(rawId);
	const site = id === undefined ? undefined : visibleSites(ctx).find((s) => s.id === id);
	if (!site) return { notFound: errorResult(404, `Site ${id === undefined ? rawId : id} not found`) };
	return { site };
}

function listSites(ctx) {
	const sites = visibleSites(ctx);
	if (ctx.app.options.listEnvelope === 'object') return jsonResult(200, { sites, count: sites.length });
	return jsonResult(200, sites);
}

function getSite(ctx) {
	const { site, notFound } = findSite(ctx, ctx.params[0]);
	return notFound || jsonResult(200, site);
}

function listChargingEvents(ctx) {
	const { site, notFound } = findSite(ctx, ctx.params[0]);
	if (notFound) return notFound;
	const parsed = parseEventsQuery(ctx.searchParams);
	if (parsed.errors) return errorResult(400, parsed.errors);
	if (parsed.error) return errorResult(400, parsed.error);
	const { truncateAbove, truncated, lies } = ctx.app.options;
	const siteState = ctx.app.data.getSiteState(site.id);
	if (!lies) return jsonResult(200, runEventsQuery(siteState, parsed.query, { truncateAbove, truncated }));
	const query = lies.ignoreSkip ? { ...parsed.query, skip: 0 } : parsed.query;
	const tieRandom = lies.unstableTies === 'flip' ? (query.skip > 0 ? 'descending' : undefined) : lies.unstableTies ? ctx.app.tieRandom : undefined;
	const result = runEventsQuery(siteState, lies.endless ? { ...query, skip: 0 } : query, { truncateAbove, truncated, pageCeiling: lies.pageCeiling, tieRandom });
	if (lies.endless && result.charging_events.length > 0) {
		// As many events as asked for, every page new: IDs far above the real ones, offset by skip.
		const template = result.charging_events[0];
		result.charging_events = Array.from({ length: parsed.query.take }, (_, index) => ({
			...template,
			transaction_id: 900_000_000 + parsed.query.skip + index,
		}));
	}
	if (lies.count !== undefined) result.count = lies.count;
	return jsonResult(200, result);
}

/** Query object; a parameter given several times becomes an array. */
function queryObject(searchParams) {
	const query = {};
	for (const key of new Set(searchParams.keys())) {
		const values = searchParams.getAll(key);
		query[key] = values.length > 1 ? values : values[0];
	}
	return query;
}

/**
 * Echoes what the server received, for testing requests with bodies.
 * An empty body is reported as null; a JSON content type with an invalid body
 * is a 400.
 */
function echo(ctx) {
	const contentType = ctx.headers['content-type'] === undefined ? null : ctx.headers['content-type'];
	const text = ctx.body.toString('utf8');
	let body = ctx.body.length === 0 ? null : text;
	if (ctx.body.length > 0 && isJsonContentType(contentType)) {
		try {
			body = JSON.parse(text);
		} catch (error) {
			return errorResult(400, `Invalid JSON body: ${error.message}`);
		}
	}
	return jsonResult(200, {
		method: ctx.method,
		target: ctx.target,
		path: ctx.pathname,
		query: queryObject(ctx.searchParams),
		body,
		contentType,
		bodyBytes: ctx.body.length,
	});
}

// ---------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------

/**
 * `methods: null` accepts any method. HEAD is served like GET.
 * `public: true` routes skip authentication.
 */
const ROUTES = [
	{ name: 'ping', methods: ['GET'], pattern: /^\/ping$/, public: true, handle: ping },
	{ name: 'listSites', methods: ['GET'], pattern: /^\/sites$/, handle: listSites },
	{ name: 'getSite', methods: ['GET'], pattern: /^\/sites\/([^/]+)$/, handle: getSite },
	{ name: 'chargingEvents', methods: ['GET'], pattern: /^\/charging-events\/site\/([^/]+)$/, handle: listChargingEvents },
	{ name: 'echo', methods: null, pattern: /^\/echo(?:\/.*)?$/, handle: echo },
];

/**
 * Finds the route for a request.
 * @param {string} method
 * @param {string} pathname raw path (no query)
 * @returns {{ route: object, params: string[] } | { route: null, notFound: object }}
 */
function matchRoute(method, pathname) {
	const notFound = { route: null, notFound: errorResult(404, `Cannot ${method} ${pathname}`) };
	if (pathname !== API_PREFIX && !pathname.startsWith(`${API_PREFIX}/`)) return notFound;
	let local = pathname.slice(API_PREFIX.length) || '/';
	// Like Express in non-strict mode: one trailing slash is ignored.
	if (local.length > 1 && local.endsWith('/') && !local.startsWith('/echo')) local = local.slice(0, -1);
	const effectiveMethod = method === 'HEAD' ? 'GET' : method;
	for (const route of ROUTES) {
		const match = route.pattern.exec(local);
		if (!match) continue;
		if (route.methods && !route.methods.includes(effectiveMethod)) return notFound;
		return { route, params: match.slice(1) };
	}
	return notFound;
}

module.exports = { ROUTES, matchRoute };
