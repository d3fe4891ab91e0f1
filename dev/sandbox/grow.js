'use strict';

/**
 * A sandbox that keeps growing, as a live ChargePilot account does: every `everyMs` one more
 * charging session ends on one of the sites (each in turn) and is recorded at that moment, so a
 * polling trigger finds it; with `push`, the session is also POSTed to a Push Trigger's webhook as
 * ChargePilot's Charging Data Push-API would send it.
 */

const { pushSessions } = require('./push');

/**
 * @param {object} options
 *   siteIds()              the sites, in turn
 *   addSession(siteId, ms) records a session that ended just before `ms`; returns the event
 *   now()                  the clock (epoch ms)
 *   everyMs                time between two sessions (>= 1000)
 *   push                   { url, subscriptionKey } or null
 *   onSession(record)      called after each session: { siteId, event, push: { status, body } | { error } | null }
 *   immediately            the first session at once instead of after `everyMs`
 * @returns {{ stats, next(): Promise<record>, stop(): Promise<void> }}
 */
function startGrowth({ siteIds, addSession, now, everyMs, push = null, onSession = null, immediately = false }) {
	if (!(Number.isFinite(everyMs) && everyMs >= 1000)) throw new TypeError('grow: everyMs must be a number >= 1000');
	if (push !== null && !(push && typeof push.url === 'string' && typeof push.subscriptionKey === 'string' && push.subscriptionKey)) {
		throw new TypeError('grow: push must be null or { url, subscriptionKey }');
	}
	if (onSession !== null && typeof onSession !== 'function') throw new TypeError('grow: onSession must be a function');
	const stats = { sessions: 0, pushed: 0, pushFailed: 0, last: null };
	let turn = 0;
	let running = Promise.resolve();
	let stopped = false;

	async function one() {
		const sites = siteIds();
		const siteId = sites[turn++ % sites.length];
		const event = addSession(siteId, now());
		stats.sessions++;
		const record = { siteId, event, push: null };
		if (push) {
			try {
				const answer = await pushSessions(push.url, push.subscriptionKey, [event]);
				record.push = { status: answer.status, body: answer.body.slice(0, 500) };
			} catch (error) {
				record.push = { error: error.message };
			}
			if (record.push.status >= 200 && record.push.status < 300) stats.pushed++;
			else stats.pushFailed++;
		}
		stats.last = record;
		if (onSession) {
			try {
				onSession(record);
			} catch {
				// the listener's problem
			}
		}
		return record;
	}

	/** One session now (after the one in progress, if any). */
	function next() {
		const result = running.then(one, one);
		running = result.catch(() => {});
		return result;
	}

	const timer = setInterval(() => {
		if (!stopped) next();
	}, everyMs);
	// The server keeps a process alive; the growth alone does not.
	timer.unref();
	if (immediately) next();

	return {
		stats,
		next,
		async stop() {
			stopped = true;
			clearInterval(timer);
			await running;
		},
	};
}

module.exports = { startGrowth };
