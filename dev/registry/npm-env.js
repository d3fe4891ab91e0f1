'use strict';

/**
 * How n8n, and the npm it runs for Settings → Community Nodes, are pointed at the test registry
 * proxy (proxy.js) instead of n8n's real default registry:
 *
 * - n8n's own registry calls (its "does this version exist" check) honour HTTPS_PROXY (2.x:
 *   @n8n/backend-network's proxy agents; 1.x: n8n-core's global proxy agent) and trust the test CA
 *   through NODE_EXTRA_CA_CERTS.
 * - The npm it runs (pack, install, view; 2.x also outdated) inherits n8n's environment: HTTPS_PROXY
 *   plus npm_config_cafile (a global npmrc that sets `cafile`, as Debian's does, makes npm ignore
 *   NODE_EXTRA_CA_CERTS).
 * - n8n 1.x runs its update check (`npm outdated` in ~/.n8n/nodes) with a stripped environment (no
 *   proxy, no npm_config_*, no HOME): only an .npmrc in that folder reaches it (nodesFolderNpmrc).
 *
 * HTTP_PROXY stays unset on purpose (plain-http loopback calls, like the sandbox's, must not go to
 * the proxy); NO_PROXY names loopback anyway.
 */

const fs = require('node:fs');
const path = require('node:path');

const LOOPBACK = '127.0.0.1,localhost,::1';

/** `env` without what an `npm run` or the caller's network set-up would leak into n8n and its npm. */
function withoutNpmAndProxySettings(env = process.env) {
	return Object.fromEntries(Object.entries(env).filter(([name]) => !/^npm_/i.test(name) && !/^(https?|all|no|ftp)_proxy$/i.test(name) && name !== 'NODE_OPTIONS'));
}

/**
 * The variables to add to n8n's environment: its registry traffic and that of the npm it runs go
 * to `proxyUrl` and trust `caFile`; npm gets its own empty user config and cache in `npmDir` (the
 * caller's temporary folder; created here).
 */
function proxiedRegistryEnv({ proxyUrl, caFile, npmDir }) {
	fs.mkdirSync(npmDir, { recursive: true });
	const userconfig = path.join(npmDir, 'npmrc');
	fs.writeFileSync(userconfig, '# empty on purpose: the registry traffic goes through HTTPS_PROXY\n');
	return {
		HTTPS_PROXY: proxyUrl,
		https_proxy: proxyUrl,
		NO_PROXY: LOOPBACK,
		no_proxy: LOOPBACK,
		NODE_EXTRA_CA_CERTS: caFile,
		npm_config_cafile: caFile,
		npm_config_cache: path.join(npmDir, 'cache'),
		npm_config_userconfig: userconfig,
		npm_config_update_notifier: 'false',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
	};
}

/**
 * Writes <nodesDir>/.npmrc with the proxy, the CA and the cache, for an npm that n8n runs with a
 * stripped environment (n8n 1.x's `npm outdated`): npm still reads the project .npmrc of its cwd.
 * Without it, 1.x's update check would ask the real registry directly. Returns the file's path.
 */
function writeNodesFolderNpmrc(nodesDir, { proxyUrl, caFile, npmDir }) {
	fs.mkdirSync(nodesDir, { recursive: true });
	const file = path.join(nodesDir, '.npmrc');
	fs.writeFileSync(file, [`https-proxy=${proxyUrl}`, `noproxy=${LOOPBACK}`, `cafile=${caFile}`, `cache=${path.join(npmDir, 'cache')}`, 'update-notifier=false', 'fund=false', 'audit=false', ''].join('\n'));
	return file;
}

module.exports = { withoutNpmAndProxySettings, proxiedRegistryEnv, writeNodesFolderNpmrc };
