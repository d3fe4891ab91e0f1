import { ChargePilotCredentialError } from './errors';

/**
 * Who could read the signed headers of a request. `authenticate` refuses to sign a request whose
 * `x-api-key` and signature could reach anyone but the base URL's host:
 *
 * - a Host header naming another host (a proxy or virtual host would route it elsewhere);
 * - TLS verification turned off (`skipSslCertificateValidation`, the legacy `rejectUnauthorized:
 *   false`, or agent options that skip or replace the certificate check) for a host that is not
 *   loopback, or together with a proxy: whoever answers could read them;
 * - a per-request proxy for a plain-http base URL: the proxy reads the headers in clear;
 * - agent options that send the connection to another address than the URL's.
 *
 * An HTTPS request through a per-request proxy with TLS verified is allowed (the proxy only sees a
 * CONNECT tunnel), and so are the instance-wide proxy environment variables n8n applies itself: they
 * are the n8n administrator's choice, not the workflow's, and never appear in the request options.
 */

/** The options of a request that decide where it goes and who can read it. */
export interface DestinationOptions {
	proxy?: unknown;
	skipSslCertificateValidation?: unknown;
	rejectUnauthorized?: unknown;
	agentOptions?: unknown;
}

/** Agent options that would connect somewhere else than the URL says. */
const REROUTING_AGENT_OPTIONS = ['host', 'hostname', 'port', 'path', 'socketPath', 'lookup', 'localAddress'];

export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
	return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Whether a per-request proxy is configured (an object with a host, or a proxy URL string). */
export function hasRequestProxy(proxy: unknown): boolean {
	if (typeof proxy === 'string') return proxy.trim() !== '';
	if (proxy && typeof proxy === 'object') return Boolean((proxy as { host?: unknown }).host);
	return false;
}

/** What, if anything, turns off or replaces the server certificate check; undefined when verified. */
export function tlsVerificationOff(options: DestinationOptions): string | undefined {
	const skip = options.skipSslCertificateValidation;
	if (skip === true || (typeof skip === 'string' && skip.trim().toLowerCase() === 'true')) return 'Ignore SSL Issues (skipSslCertificateValidation)';
	if (options.rejectUnauthorized === false) return 'Ignore SSL Issues (rejectUnauthorized: false)';
	const agent = options.agentOptions as Record<string, unknown> | undefined;
	if (agent && typeof agent === 'object') {
		if (agent.rejectUnauthorized === false) return 'agent option rejectUnauthorized: false';
		if (agent.checkServerIdentity !== undefined) return 'agent option checkServerIdentity';
	}
	return undefined;
}

/**
 * Whether a Host header's value names the URL's host, compared as text (case and the scheme's
 * default port aside): a URL parser would read "api.test/x", "evil@api.test" or "api%2etest" as
 * api.test, while whatever routes the request by its Host header reads them as written.
 */
function hostHeaderNames(url: { protocol: string; host: string }, value: unknown): boolean {
	if (typeof value !== 'string') return false;
	const given = value.trim().toLowerCase();
	// A URL's host leaves out the default port: "api.test:443" on https is api.test.
	const defaultPort = url.protocol === 'https:' ? ':443' : ':80';
	return (given.endsWith(defaultPort) ? given.slice(0, -defaultPort.length) : given) === url.host.toLowerCase();
}

/**
 * Throws when the signed headers of a request to `url` could be read by anyone but its host.
 * `hostHeader` is the request's Host header value, if it sets one.
 */
export function checkDestination(url: URL | { protocol: string; hostname: string; host: string }, options: DestinationOptions, hostHeader: unknown): void {
	const where = url.host;
	if (hostHeader !== undefined && !hostHeaderNames(url, hostHeader)) {
		throw new ChargePilotCredentialError(
			'headers',
			`The ChargePilot credential does not sign a request whose Host header names another host than ${where}: the API key and signature could be routed elsewhere. Remove the Host header.`,
		);
	}
	const agent = options.agentOptions as Record<string, unknown> | undefined;
	if (agent && typeof agent === 'object') {
		const rerouting = REROUTING_AGENT_OPTIONS.find((name) => agent[name] !== undefined && agent[name] !== null);
		if (rerouting) {
			throw new ChargePilotCredentialError(
				'agentOptions',
				`The ChargePilot credential does not sign a request whose agent option "${rerouting}" would connect somewhere else than ${where}.`,
			);
		}
	}
	const proxy = hasRequestProxy(options.proxy);
	const loopback = isLoopbackHost(url.hostname);
	if (proxy && url.protocol === 'http:') {
		throw new ChargePilotCredentialError(
			'proxy',
			`The ChargePilot credential does not sign a plain-http request that goes through a proxy: the proxy would read the API key and a valid signature. Remove the Proxy option, or use an https:// base URL (a proxy then only tunnels it).`,
		);
	}
	const tlsOff = tlsVerificationOff(options);
	if (tlsOff && (proxy || !loopback)) {
		throw new ChargePilotCredentialError(
			'skipSslCertificateValidation',
			`The ChargePilot credential does not sign a request to ${where} with TLS certificate checks turned off (${tlsOff}): whoever answers, e.g. a proxy with its own certificate, would read the API key and a valid signature. Turn the option off.`,
		);
	}
	if (proxy && agent && typeof agent === 'object' && agent.ca !== undefined && agent.ca !== null && !loopback) {
		throw new ChargePilotCredentialError(
			'agentOptions',
			`The ChargePilot credential does not sign a request to ${where} that goes through a proxy and trusts a certificate authority given with the request: the proxy could present a certificate of that authority. Trust extra authorities for the whole n8n instance (NODE_EXTRA_CA_CERTS) instead.`,
		);
	}
}
