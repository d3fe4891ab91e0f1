'use strict';

/**
 * Small HTTP helpers shared by the sandbox modules: NestJS-style error bodies,
 * request-target parsing and body reading.
 */

const http = require('node:http');

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * A NestJS-style error body: { statusCode, message, error }.
 * @param {number} statusCode
 * @param {string|string[]} message
 */
function errorBody(statusCode, message) {
	return { statusCode, message, error: http.STATUS_CODES[statusCode] || 'Error' };
}

/**
 * A handler result: status plus a JSON-serialisable body.
 * @returns {{ status: number, body: unknown, headers?: Record<string,string> }}
 */
function jsonResult(status, body, headers) {
	return headers ? { status, body, headers } : { status, body };
}

function errorResult(status, message) {
	return jsonResult(status, errorBody(status, message));
}

/**
 * Splits the raw request target into path and query without decoding.
 * Absolute-form targets (GET http://host/path) are reduced to origin form.
 * @param {string} rawTarget as on the request line
 * @returns {{ target: string, pathname: string, search: string }}
 *   target: origin-form target; pathname: before '?'; search: after '?' ('' if none)
 */
function splitTarget(rawTarget) {
	let target = rawTarget;
	const absolute = /^https?:\/\/[^/?#]*/i.exec(target);
	if (absolute) target = target.slice(absolute[0].length) || '/';
	if (!target.startsWith('/')) target = `/${target}`;
	const hashIndex = target.indexOf('#');
	if (hashIndex !== -1) target = target.slice(0, hashIndex);
	const queryIndex = target.indexOf('?');
	return {
		target,
		pathname: queryIndex === -1 ? target : target.slice(0, queryIndex),
		search: queryIndex === -1 ? '' : target.slice(queryIndex + 1),
	};
}

/**
 * Reads the whole request body up to a limit.
 * Resolves { body: Buffer } or { tooLarge: true } / { aborted: true }.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limit bytes
 */
function readBody(req, limit) {
	return new Promise((resolve) => {
		const chunks = [];
		let size = 0;
		let settled = false;
		const settle = (value) => {
			if (!settled) {
				settled = true;
				resolve(value);
			}
		};
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size > limit) {
				chunks.length = 0;
				req.pause();
				settle({ tooLarge: true, body: Buffer.alloc(0) });
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => settle({ body: Buffer.concat(chunks) }));
		req.on('aborted', () => settle({ aborted: true, body: Buffer.concat(chunks) }));
		req.on('error', () => settle({ aborted: true, body: Buffer.concat(chunks) }));
		req.on('close', () => settle({ aborted: !req.complete, body: Buffer.concat(chunks) }));
	});
}

/** True for application/json and application/*+json content types. */
function isJsonContentType(contentType) {
	return typeof contentType === 'string' && /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i.test(contentType.trim());
}

module.exports = {
	JSON_CONTENT_TYPE,
	errorBody,
	errorResult,
	jsonResult,
	splitTarget,
	readBody,
	isJsonContentType,
};
