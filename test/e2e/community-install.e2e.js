#!/usr/bin/env node
'use strict';

/**
 * Settings → Community Nodes, end to end, on both n8n lines: the package is installed, updated and
 * uninstalled through the REST endpoints n8n's Community Nodes page calls, as the owner (login
 * cookie), from a registry, without restarting n8n.
 *
 * n8n without a licence installs only from its default registry, registry.npmjs.org, so each line
 * gets a local verdaccio (dev/registry, pinned) behind a proxy on 127.0.0.1 that answers for that
 * host with a per-run test CA (dev/tls) and refuses every other host; n8n and the npm it runs reach
 * it through HTTPS_PROXY (dev/registry/npm-env.js). Published there: this checkout packed as it is
 * (its own version) and, later, a bumped version made from the same tarball whose node says so in
 * its description and in every output item, so a run shows which build ran.
 *
 * Per line: install refused before publishing ("Package version does not exist", what a user gets
 * until the package is on npm); n8n's name check; install by name; list; n8n's checks on the
 * package (version lookup, npm pack, n8n field and loading, API version on 2.x, already installed)
 * with control packages that fail them; a workflow with the ChargePilot node runs against the
 * sandbox; update offered and applied; the new build runs; uninstall; the node type is gone.
 * Prints one line per check and closes with "N passed, N failed".
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { createTestCertificates } = require('../../dev/tls');
const {
	startRegistry,
	startRegistryProxy,
	proxiedRegistryEnv,
	writeNodesFolderNpmrc,
	withoutNpmAndProxySettings,
	repackTarball,
	editManifest,
} = require('../../dev/registry');
const { freePort, HOST } = require('../../dev/ports');
const { runSuite } = require('./runner');

const PACKAGE = 'n8n-nodes-chargepilot';
const NODE_TYPE = `${PACKAGE}.chargePilot`;
const NODE_TYPES = [`${PACKAGE}.chargePilot`, `${PACKAGE}.chargePilotPushTrigger`, `${PACKAGE}.chargePilotTrigger`];
const CREDENTIAL_TYPES = ['chargePilotApi', 'chargePilotPushApi'];
const REGISTRY_HOST = 'registry.npmjs.org';
/** Control packages: this package renamed and broken in one way each, to show n8n's check fires. */
const NO_N8N_FIELD = `${PACKAGE}-check-no-n8n-field`;
const API_VERSION_TOO_NEW = `${PACKAGE}-check-api-version`;
const NODE_FILE = 'dist/nodes/ChargePilot/ChargePilot.node.js';
/** Long enough for an install on a busy machine (measured up to 20 s); n8n answers or the request fails. */
const INSTALL_TIMEOUT_MS = 240_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Promise.all that waits for every task to end (none keeps starting processes after a failure), then throws the first error. */
async function all(tasks) {
	const results = await Promise.allSettled(tasks);
	const failed = results.find((result) => result.status === 'rejected');
	if (failed) throw failed.reason;
	return results.map((result) => result.value);
}

/** The next patch version: 0.1.0 -> 0.1.1 (a prerelease part is dropped: 0.2.0-beta.1 -> 0.2.1). */
function bumped(version) {
	const [major, minor, patch] = version.split(/[.+-]/);
	return `${major}.${minor}.${Number(patch) + 1}`;
}

/**
 * What the bumped build adds to the node's file: the same node (a subclass), its description and
 * every output item marked with the build's version. Appended after the compiled class, so it works
 * whatever the node does inside.
 */
function updateMarker(version) {
	return `
// Added by test/e2e/community-install.e2e.js to its update-test build ${version} (published to a
// local test registry only): the same node, saying which build runs.
{
	const Published = exports.ChargePilot;
	class ChargePilot extends Published {
		constructor() {
			super();
			this.description = { ...this.description, description: \`\${this.description.description} [update test ${version}]\` };
		}
		async execute() {
			const output = await super.execute();
			for (const branch of output) for (const item of branch ?? []) item.json.updateTestBuild = '${version}';
			return output;
		}
	}
	exports.ChargePilot = ChargePilot;
}
`;
}

/** The packed package, the bumped build and the control packages, made from the one tarball. */
async function buildTarballs(packed, into) {
	const version = bumped(packed.version);
	const update = await repackTarball(packed.tarball, {
		into,
		edit(dir) {
			editManifest(dir, (manifest) => {
				manifest.version = version;
			});
			const file = path.join(dir, NODE_FILE);
			const code = fs.readFileSync(file, 'utf8');
			if (!code.includes('exports.ChargePilot = ChargePilot;')) throw new Error(`${NODE_FILE} no longer exports the class ChargePilot as the marker expects`);
			fs.writeFileSync(file, `${code}${updateMarker(version)}`);
		},
	});
	const noN8nField = await repackTarball(packed.tarball, {
		into,
		edit: (dir) =>
			editManifest(dir, (manifest) => {
				manifest.name = NO_N8N_FIELD;
				delete manifest.n8n;
			}),
	});
	let declared;
	const apiVersion = await repackTarball(packed.tarball, {
		into,
		edit: (dir) =>
			editManifest(dir, (manifest) => {
				manifest.name = API_VERSION_TOO_NEW;
				declared = manifest.n8n.n8nNodesApiVersion + 1;
				manifest.n8n.n8nNodesApiVersion = declared;
			}),
	});
	return { update, noN8nField, apiVersion: { ...apiVersion, declared } };
}

function workflowBody(credential) {
	const chargePilot = (id, name, y, parameters) => ({ id, name, type: NODE_TYPE, typeVersion: 1, position: [300, y], parameters, credentials: { chargePilotApi: credential } });
	return {
		name: 'ChargePilot from the Community Nodes page',
		active: false,
		nodes: [
			{ id: 'c0a80000-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			chargePilot('c0a80000-0000-4000-8000-000000000002', 'Ping', 0, { resource: 'api', operation: 'ping' }),
			chargePilot('c0a80000-0000-4000-8000-000000000003', 'Sites', 200, { resource: 'site', operation: 'getAll', returnAll: true }),
		],
		connections: { Start: { main: [[{ node: 'Ping', type: 'main', index: 0 }, { node: 'Sites', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** The Community Nodes page's calls (n8n's editor: installPackage, getInstalledCommunityNodes, updatePackage, uninstallPackage). */
function communityPackages(n8n) {
	const timed = async (call) => {
		const started = Date.now();
		const res = await call();
		return { ...res, ms: Date.now() - started };
	};
	return {
		list: () => timed(() => n8n.rest('GET', '/community-packages', undefined, { timeoutMs: INSTALL_TIMEOUT_MS })),
		install: (body) => timed(() => n8n.rest('POST', '/community-packages', body, { timeoutMs: INSTALL_TIMEOUT_MS })),
		update: (name) => timed(() => n8n.rest('PATCH', '/community-packages', { name }, { timeoutMs: INSTALL_TIMEOUT_MS })),
		uninstall: (name) => timed(() => n8n.rest('DELETE', `/community-packages?name=${encodeURIComponent(name)}`, undefined, { timeoutMs: INSTALL_TIMEOUT_MS })),
	};
}

/**
 * What the editor reloads after an install, update or uninstall: the node and credential types,
 * read until `ready(types)` holds (default: at once). n8n rewrites these files in place
 * (FrontendService.writeStaticJSON, 12 MB) and serves them with sendFile: 1.x does not even wait
 * for the write before it answers the install. A read during a write gets a cut file (1.x) or a
 * connection closed mid-answer (2.x, seen once: UND_ERR_SOCKET). Such a read and a not-yet-changed
 * list are read again, for up to 60 s; what is returned then is asserted by the caller.
 */
async function loadedTypes(n8n, ready = () => true) {
	const read = async (file) => {
		let res;
		try {
			res = await n8n.request('GET', `/types/${file}`, { cookie: n8n.cookie, timeoutMs: 60_000 });
		} catch (error) {
			if (['UND_ERR_SOCKET', 'ECONNRESET'].includes(error.code)) return { cut: `/types/${file}: ${error.message}` };
			throw error;
		}
		assert.equal(res.status, 200, `/types/${file}: HTTP ${res.status}`);
		return Array.isArray(res.json) ? res.json : { cut: `/types/${file}: not a JSON array (${res.text.length} bytes): …${res.text.slice(-120)}` };
	};
	let types;
	for (let attempt = 0, until = Date.now() + 60_000; ; attempt++, await sleep(500)) {
		if (attempt === 1) loadedTypes.rereads = (loadedTypes.rereads ?? 0) + 1;
		const [nodes, credentials] = [await read('nodes.json'), await read('credentials.json')];
		const cut = [nodes.cut, credentials.cut].filter(Boolean);
		if (cut.length) loadedTypes.cut = [...(loadedTypes.cut ?? []), ...cut];
		if (!cut.length) {
			const ours = nodes.filter((type) => String(type.name).startsWith(`${PACKAGE}.`));
			types = {
				nodes: [...new Set(ours.map((type) => type.name))].sort(),
				description: ours.find((type) => type.name === NODE_TYPE)?.description,
				credentials: credentials.filter((type) => CREDENTIAL_TYPES.includes(type.name)).map((type) => type.name).sort(),
			};
			if (ready(types)) return types;
		}
		if (Date.now() > until) {
			if (cut.length) throw new Error(cut.join('; '));
			return types;
		}
	}
}

/**
 * "Execute workflow" as the editor does it (POST /rest/workflows/{id}/run; 2.x reads the workflow
 * from its database, 1.x from the body), then the execution from the public API once it has ended.
 * n8n 1.x can show a finished execution a moment before its run data: polled until it has either.
 */
async function runWorkflow(n8n, workflow) {
	const started = await n8n.rest('POST', `/workflows/${workflow.id}/run`, { workflowData: workflow, triggerToStartFrom: { name: 'Start' } }, { timeoutMs: 120_000 });
	const executionId = started.json?.data?.executionId;
	if (started.status !== 200 || !executionId) return { started };
	for (const until = Date.now() + 120_000; Date.now() < until; await sleep(300)) {
		const res = await n8n.api('GET', `/executions/${executionId}?includeData=true`);
		const execution = res.json;
		const resultData = execution?.data?.resultData;
		if (res.status === 200 && execution.stoppedAt && (resultData?.error || Object.keys(resultData?.runData ?? {}).length > 0)) return { started, executionId, execution };
	}
	throw new Error(`execution ${executionId} had not ended after 120 s`);
}

function output(run, nodeName) {
	const task = run.execution.data.resultData.runData[nodeName]?.[0];
	if (!task) throw new Error(`node ${nodeName} did not run: ${JSON.stringify(run.execution.data.resultData.error ?? {}).slice(0, 400)}`);
	if (task.error) throw new Error(`node ${nodeName} failed: ${JSON.stringify(task.error).slice(0, 400)}`);
	return (task.data?.main?.[0] ?? []).map((item) => item.json);
}

const brief = (res) => `HTTP ${res.status} ${String(res.json?.message ?? res.text ?? '').replace(/\s+/g, ' ').slice(0, 300)}`;
const describe = (record) =>
	record.outcome === 'forwarded' ? `${record.method} ${record.path} ${record.status}${record.npmCommand ? ` (npm ${record.npmCommand})` : ` (${record.userAgent})`}` : `${record.outcome} ${record.target}`;

runSuite({
	name: 'community install e2e',
	sandbox: { eventCount: 200 },
	preinstall: false,
	// n8n and the npm it runs get no npm-run settings and no proxy but the test's own.
	baseEnv: withoutNpmAndProxySettings(),
	maxMsPerLine: 12 * 60_000,
	async line({ line, instance, packed, sandbox, check, startN8n, signIn }) {
		assert.equal(packed.name, PACKAGE, 'the packed package has another name than this suite installs');
		const times = [];
		const time = async (label, fn) => {
			const started = Date.now();
			try {
				return await fn();
			} finally {
				times.push(`${label} ${seconds(Date.now() - started)}`);
			}
		};
		// The registry's address is fixed first, so the proxy, n8n, the tarballs and verdaccio can start at once.
		const registryPort = await freePort();
		const certificate = await createTestCertificates({ dir: path.join(instance.root, 'tls'), hosts: [REGISTRY_HOST] });
		const proxy = await startRegistryProxy({ registryUrl: `http://${HOST}:${registryPort}/`, certificate, host: REGISTRY_HOST });
		try {
			const redirect = { proxyUrl: proxy.url, caFile: certificate.caFile, npmDir: path.join(instance.root, 'npm') };
			// n8n 1.x runs its update check (`npm outdated`) with a stripped environment: only this reaches it.
			if (line === 1) writeNodesFolderNpmrc(instance.nodesDir, redirect);
			const [server, { registry, tarballs }] = await all([
				time('n8n start', () => startN8n({ env: proxiedRegistryEnv(redirect) })),
				time('tarballs + verdaccio + control packages published', async () => {
					const [built, started] = await all([
						buildTarballs(packed, path.join(instance.root, 'tarballs')),
						startRegistry({ root: path.join(instance.root, 'registry'), port: registryPort, log: (text) => console.log(`  ${text}`) }),
					]);
					// Other names than ours: published now, they change nothing about our package's checks.
					await started.publish(built.noN8nField.tarball);
					if (line === 2) await started.publish(built.apiVersion.tarball);
					return { registry: started, tarballs: built };
				}),
			]);
			const newVersion = tarballs.update.version;
			console.log(`  verdaccio ${registry.version} on ${registry.url}, serving ${REGISTRY_HOST} through the proxy ${proxy.url}; ${packed.version} and ${newVersion} to publish`);
			const n8n = await time('owner set-up', () => signIn(server));
			const packages = communityPackages(n8n);
			const trafficSince = () => {
				const from = proxy.requests.length;
				return () => proxy.requests.slice(from);
			};

			// ---- before publishing: what a user gets today
			let traffic = trafficSince();
			const early = await packages.install({ name: PACKAGE });
			await check(`before it is published: install by name is refused with n8n's "Package version does not exist" (what a user gets until it is on npm)`, async () => {
				assert.notEqual(early.status, 200, brief(early));
				assert.match(early.json?.message ?? '', /Package version does not exist/, brief(early));
				const seen = traffic().filter((record) => record.outcome === 'forwarded');
				assert.ok(seen.some((record) => record.path === `/${PACKAGE}/latest` && record.status === 404), `n8n's version lookup: ${seen.map(describe).join('; ')}`);
				const list = await packages.list();
				assert.deepEqual(list.json.data, []);
			});
			await check(`n8n's name check refuses a name without the "n8n-nodes-" prefix (400; ours passes it: the install below)`, async () => {
				const res = await packages.install({ name: 'chargepilot' });
				assert.equal(res.status, 400, brief(res));
				assert.match(res.json.message, /must start with n8n-nodes-/);
			});

			// ---- publish as built, install by name
			await time(`publish ${packed.version}`, () => registry.publish(packed.tarball));
			await check(`the packed checkout (${packed.filename}, ${packed.files.length} files) is published: latest = ${packed.version}`, async () => {
				const packument = await registry.packument(PACKAGE);
				assert.equal(packument.status, 200, packument.text.slice(0, 300));
				assert.deepEqual(Object.keys(packument.json.versions), [packed.version]);
				assert.equal(packument.json['dist-tags'].latest, packed.version);
				assert.equal(packument.json.versions[packed.version].dist.integrity, packed.integrity);
			});
			traffic = trafficSince();
			const installed = await time('install', () => packages.install({ name: PACKAGE }));
			const installTraffic = traffic();
			await check(`install by name (POST /rest/community-packages {name}) → 200, ${packed.version}, the three nodes, no restart`, () => {
				assert.equal(installed.status, 200, brief(installed));
				const data = installed.json.data;
				assert.equal(data.packageName, PACKAGE);
				assert.equal(data.installedVersion, packed.version);
				assert.deepEqual(data.installedNodes.map((node) => node.type).sort(), NODE_TYPES);
				assert.equal(server.proc.running, true);
			});
			await check(`n8n got it from ${REGISTRY_HOST} (the test proxy): its version lookup GET /${PACKAGE}/latest 200 and npm pack of the tarball 200`, () => {
				const seen = installTraffic.filter((record) => record.outcome === 'forwarded');
				assert.ok(seen.some((record) => record.path === `/${PACKAGE}/latest` && record.status === 200 && !record.npmCommand), seen.map(describe).join('; '));
				assert.ok(seen.some((record) => record.npmCommand === 'pack' && record.path.endsWith(`/${packed.filename}`) && record.status === 200), seen.map(describe).join('; '));
				console.log(`       through the proxy: ${installTraffic.map(describe).join('; ')}`);
			});
			await check(`n8n loaded it: /types/nodes.json has the three node types, /types/credentials.json the two credentials`, async () => {
				const types = await loadedTypes(n8n, (loaded) => loaded.nodes.length > 0);
				for (const type of NODE_TYPES) assert.ok(types.nodes.includes(type), `${type} missing: ${types.nodes}`);
				assert.deepEqual(types.credentials, CREDENTIAL_TYPES);
				assert.doesNotMatch(types.description, /update test/);
			});
			await check(`installed as n8n installs packages: ledger ${PACKAGE}@${packed.version}; no dependencies, devDependencies or peerDependencies left in its package.json; no node_modules of its own`, () => {
				const ledger = JSON.parse(fs.readFileSync(path.join(instance.nodesDir, 'package.json'), 'utf8'));
				assert.equal(ledger.dependencies?.[PACKAGE], packed.version, JSON.stringify(ledger));
				const dir = path.join(instance.nodesDir, 'node_modules', PACKAGE);
				const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
				assert.deepEqual(['devDependencies', 'peerDependencies', 'optionalDependencies', 'dependencies'].filter((key) => key in manifest), []);
				assert.equal(fs.existsSync(path.join(dir, 'node_modules')), false);
			});
			await check(`list (GET /rest/community-packages): one package, ${packed.version}, no update offered${line === 2 ? ', failedLoading false' : ''}`, async () => {
				const list = await packages.list();
				assert.equal(list.status, 200, brief(list));
				assert.equal(list.json.data.length, 1);
				const [entry] = list.json.data;
				assert.equal(entry.packageName, PACKAGE);
				assert.equal(entry.installedVersion, packed.version);
				assert.equal(entry.updateAvailable, undefined);
				if (line === 2) assert.equal(entry.failedLoading, false);
			});
			await check(`n8n's "already installed" check: a second install → 400`, async () => {
				const res = await packages.install({ name: PACKAGE });
				assert.equal(res.status, 400, brief(res));
				assert.match(res.json.message, /already installed/);
			});

			// ---- a workflow with the node, without a restart
			let workflow;
			await check('a ChargePilot API credential (POST /rest/credentials) and a workflow with the node (POST /rest/workflows) are created', async () => {
				const credential = await n8n.rest('POST', '/credentials', {
					name: 'ChargePilot sandbox',
					type: 'chargePilotApi',
					data: { region: 'custom', baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, apiSecret: sandbox.apiSecret, signedPath: 'auto' },
				});
				assert.equal(credential.status, 200, brief(credential));
				const created = await n8n.rest('POST', '/workflows', workflowBody({ id: credential.json.data.id, name: credential.json.data.name }));
				assert.equal(created.status, 200, brief(created));
				workflow = created.json.data;
			});
			const runAndCheck = async (label, build) => {
				sandbox.clearRequests();
				const run = await time(`run (${label})`, () => runWorkflow(n8n, workflow));
				await check(`run ${label} (POST /rest/workflows/{id}/run): success; Ping answers, all ${sandbox.sites.length} sites; the sandbox verified every signed request; ${build ? `every item says build ${build}` : 'no update-test marker'}`, () => {
					assert.equal(run.started.status, 200, brief(run.started));
					assert.equal(run.execution.status, 'success', JSON.stringify(run.execution.data.resultData.error ?? {}).slice(0, 400));
					const ping = output(run, 'Ping');
					const sites = output(run, 'Sites');
					assert.equal(ping.length, 1);
					assert.equal(ping[0].result, 'ChargePilot Rest API is available', JSON.stringify(ping[0]));
					assert.equal(sites.length, sandbox.sites.length);
					for (const item of [...ping, ...sites]) assert.equal(item.updateTestBuild, build, JSON.stringify(item).slice(0, 200));
					const signed = sandbox.requests.filter((request) => request.target.includes('/sites'));
					assert.ok(signed.length > 0, `no signed request among ${sandbox.requests.length}`);
					assert.deepEqual(signed.filter((request) => request.status !== 200 || !request.auth?.ok).map((request) => `${request.target} ${request.status}`), []);
				});
			};
			await runAndCheck(`after the install, ${packed.version}`, undefined);

			// ---- n8n's checks fire on packages that fail them (published at the start)
			const refusedControl = async (name, pattern) => {
				const res = await packages.install({ name });
				if (res.status === 200) await packages.uninstall(name);
				assert.notEqual(res.status, 200, `installed: ${brief(res)}`);
				assert.match(res.json?.message ?? '', pattern, brief(res));
				const list = await packages.list();
				assert.deepEqual(list.json.data.map((entry) => entry.packageName), [PACKAGE]);
				return res;
			};
			await check(`n8n's "n8n" field / loading check refuses a control package without the "n8n" field ("does not contain any nodes"); ours declares ${packed.files.filter((file) => file.endsWith('.node.js')).length} nodes and loads them`, async () => {
				await refusedControl(NO_N8N_FIELD, /does not contain any nodes/);
			});
			if (line === 2) {
				await check(`n8n's node API version check refuses a control package declaring n8nNodesApiVersion ${tarballs.apiVersion.declared} ("isn't compatible"); ours declares ${tarballs.apiVersion.declared - 1}`, async () => {
					await refusedControl(API_VERSION_TOO_NEW, /isn't compatible with your version of n8n/);
				});
			} else {
				console.log('       (n8n 1.x has no node API version check: n8nNodesApiVersion is not read)');
			}

			// ---- update to the bumped build
			await time(`publish ${newVersion}`, () => registry.publish(tarballs.update.tarball));
			traffic = trafficSince();
			const offered = await time('list with the update check', () => packages.list());
			await check(`update offered: the list says updateAvailable ${newVersion} (its npm outdated went through the proxy)`, () => {
				assert.equal(offered.status, 200, brief(offered));
				const [entry] = offered.json.data;
				assert.equal(entry.installedVersion, packed.version);
				assert.equal(entry.updateAvailable, newVersion, JSON.stringify(entry).slice(0, 300));
				const seen = traffic();
				assert.ok(seen.some((record) => record.npmCommand === 'outdated' && record.status === 200), seen.map(describe).join('; '));
			});
			const updated = await time('update', () => packages.update(PACKAGE));
			await check(`update (PATCH /rest/community-packages {name}) → 200, ${newVersion}; the list shows it with no update left; the node's description carries the new build's marker`, async () => {
				assert.equal(updated.status, 200, brief(updated));
				assert.equal(updated.json.data.installedVersion, newVersion);
				assert.deepEqual(updated.json.data.installedNodes.map((node) => node.type).sort(), NODE_TYPES);
				const [entry] = (await packages.list()).json.data;
				assert.equal(entry.installedVersion, newVersion);
				assert.equal(entry.updateAvailable, undefined);
				const types = await loadedTypes(n8n, (loaded) => /update test/.test(loaded.description ?? ''));
				assert.match(types.description, new RegExp(`\\[update test ${newVersion.replace(/\./g, '\\.')}\\]$`));
				assert.equal(server.proc.running, true);
			});
			await runAndCheck(`after the update, ${newVersion}, no restart`, newVersion);

			// ---- uninstall
			const removed = await time('uninstall', () => packages.uninstall(PACKAGE));
			await check(`uninstall (DELETE /rest/community-packages?name=) → 200; the list is empty; the node and credential types are gone from /types; the package folder is gone`, async () => {
				assert.equal(removed.status, 200, brief(removed));
				assert.deepEqual((await packages.list()).json.data, []);
				const types = await loadedTypes(n8n, (loaded) => loaded.nodes.length === 0 && loaded.credentials.length === 0);
				assert.deepEqual(types.nodes, []);
				assert.deepEqual(types.credentials, []);
				assert.equal(fs.existsSync(path.join(instance.nodesDir, 'node_modules', PACKAGE)), false);
			});
			await check(`the workflow no longer runs: "Unrecognized node type: ${NODE_TYPE}"`, async () => {
				const run = await runWorkflow(n8n, workflow);
				const text = run.execution ? JSON.stringify(run.execution.data.resultData.error ?? run.execution.status) : brief(run.started);
				assert.notEqual(run.execution?.status, 'success', text);
				assert.match(text, new RegExp(`Unrecognized node type: ${NODE_TYPE.replace(/\./g, '\\.')}`));
			});

			await check(`nothing left 127.0.0.1: every registry request was served by the local registry; other destinations were refused`, () => {
				const forwarded = proxy.requests.filter((record) => record.outcome === 'forwarded');
				const refused = proxy.requests.filter((record) => record.outcome !== 'forwarded');
				assert.ok(forwarded.length > 0);
				assert.deepEqual(forwarded.filter((record) => !record.status || record.status >= 500).map(describe), []);
				assert.deepEqual(refused.filter((record) => record.target.startsWith(`${REGISTRY_HOST}:`)).map(describe), []);
				const targets = [...new Set(refused.map((record) => record.target))];
				console.log(`       ${forwarded.length} registry requests served; refused: ${targets.join(', ') || 'none'} (${refused.length} requests)`);
			});
		} finally {
			await proxy.close();
			console.log(`  times: ${times.join(', ')}`);
			if (loadedTypes.rereads) console.log(`  /types read again ${loadedTypes.rereads} time(s) until changed or whole${loadedTypes.cut ? `; cut reads: ${loadedTypes.cut.map((text) => text.slice(0, 90)).join(' | ')}` : ''}`);
			loadedTypes.rereads = 0;
			loadedTypes.cut = undefined;
		}
	},
});
