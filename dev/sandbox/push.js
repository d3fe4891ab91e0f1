'use strict';

/**
 * The sandbox's side of ChargePilot's Charging Data Push-API: sends completed sessions, in the
 * Push-API's field names, as a JSON POST with the `Ocp-Apim-Subscription-Key` header to a webhook
 * on this machine (loopback only), as ChargePilot does hourly.
 */

const net = require('node:net');

/** A charging event of the REST API as a Push-API session object. */
function toPushSession(event) {
	const data = event.transaction_data || {};
	return {
		TransactionID: event.transaction_id,
		ChargerID: event.charger_id ?? data.charger_id ?? null,
		ConnectorID: event.connector_id ?? data.connector_id ?? null,
		StartAt: event.start_time,
		EndAt: event.stop_time,
		Id: event.id_tag ?? data.id_tag ?? null,
		EnergyDelivered: event.energy_wh ?? null,
		InitialSoC: event.initial_soc ?? null,
		EndSoC: event.end_soc ?? null,
	};
}

function isLoopbackHost(hostname) {
	const host = hostname.replace(/^\[|\]$/g, '');
	if (host === 'localhost') return true;
	if (net.isIPv4(host)) return host.startsWith('127.');
	return host === '::1';
}

/**
 * POSTs `sessions` (events or ready Push-API objects) to `url` with the subscription key.
 * Resolves with { status, body }; bounded by `timeoutMs`.
 */
async function pushSessions(url, subscriptionKey, sessions, { timeoutMs = 10000 } = {}) {
	const target = new URL(url);
	if (target.protocol !== 'http:' || !isLoopbackHost(target.hostname)) {
		throw new Error(`pushSessions only sends to http:// loopback addresses, not ${target.origin}`);
	}
	const payload = Buffer.from(JSON.stringify(sessions.map((session) => ('transaction_id' in session ? toPushSession(session) : session))));
	try {
		const response = await fetch(target, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'ocp-apim-subscription-key': subscriptionKey },
			body: payload,
			redirect: 'manual',
			signal: AbortSignal.timeout(timeoutMs),
		});
		return { status: response.status, body: await response.text() };
	} catch (error) {
		if (error.name === 'TimeoutError') throw new Error(`no answer from ${target.origin} within ${timeoutMs} ms`);
		throw error.cause || error;
	}
}

module.exports = { pushSessions, toPushSession };
