'use strict';

/**
 * The environment n8n runs in for tests and tools: an isolated user folder, loopback only, nothing
 * phoning home (docs: /work/shared/docs/n8n-headless.md §4.5), the right Node for the line.
 */

const path = require('node:path');

const HOST = '127.0.0.1';

/** PATH without npm-script additions (node_modules/.bin, where the dev Node 24 comes first). */
function systemPath(envPath = process.env.PATH) {
	return (envPath || '')
		.split(':')
		.filter((dir) => dir && !dir.endsWith(path.join('node_modules', '.bin')))
		.join(':');
}

/**
 * Variables for every n8n command of a harness (ensureHarness): `userFolder` (N8N_USER_FOLDER), a
 * task-broker port of its own (2.x always starts one; two n8n on one port fail), `encryptionKey`
 * (null: the key n8n wrote into the user folder on its first run), `logLevel` (`execute` prints
 * its result at info).
 */
function n8nEnv({ harness, userFolder, brokerPort, encryptionKey = null, logLevel = 'info', base = process.env }) {
	const env = {
		...base,
		// Line 2: the harness's Node 24 and n8n first. Line 1: the system Node 20.
		PATH: harness.line === 2 ? `${harness.bin}:${systemPath(base.PATH)}` : systemPath(base.PATH),
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_LOG_LEVEL: logLevel,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
	};
	if (harness.line === 2) env.N8N_DISABLED_MODULES = 'mcp-registry'; // 1.x refuses the unknown module
	else env.N8N_EXPRESSION_ENGINE = 'legacy'; // 1.x's default engine has no Node 20 build
	// A key from outside would make the credentials stored in an existing user folder unreadable.
	if (encryptionKey === null) delete env.N8N_ENCRYPTION_KEY;
	delete env.NODE_OPTIONS;
	return env;
}

/** What a server process (`n8n start`, a webhook processor) adds: loopback HTTP on `port`. */
function serverEnv(port) {
	return {
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: HOST,
		N8N_HOST: HOST,
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: HOST,
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
	};
}

/**
/**
 * What a queue-mode worker (`n8n worker`) adds: it serves no UI or webhooks, only a health server
 * (/healthz, /healthz/readiness) on `port`, on loopback.
 */
function workerEnv(port) {
	return {
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: String(port),
		N8N_WORKER_SERVER_ADDRESS: HOST,
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: HOST,
	};
}

/**
 * What a server adds when a person or a browser test uses its editor: no announcement banners or
 * "what's new" modals, and none of the editor's calls out of this machine (the verified
 * community-node list from api.n8n.io, the AI assistant).
 */
function editorEnv() {
	return {
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
	};
}

module.exports = { HOST, systemPath, n8nEnv, serverEnv, workerEnv, editorEnv };
