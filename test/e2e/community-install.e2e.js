#!/usr/bin/env node
'use strict';

/**
 * Settings → Community Nodes, end to end, on both n8n lines: the package is installed, updated and
 * uninstalled through the REST endpoints n8n's Community Nodes page calls, as the owner (login
 * cookie), from a registry, without restarting n8n.
 *
 * n8n without a licence installs only from its default registry, so each line gets a local
 * verdaccio (dev/registry, pinned) behind a proxy on 127.0.0.1 that answers for that registry's host
 * (read from the n8n under test: dev/registry/n8n-registry.js) with a per-run test CA (dev/tls) and
 * refuses every other host; n8n and the npm it runs reach
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
const { n8nDefaultRegistry, startRegistry, startRegistryProxy, proxiedRegistryEnv, writeNodesFolderNpmrc, withoutNpmAndProxySettings } = require('../../dev/registry');
const { freePort, HOST } = require('../../dev/ports');
const { communityPackages, loadedTypes, output, runWorkflow, workflowBody } = require('./community-install/n8n');
const { API_VERSION_TOO_NEW, buildTarballs, CREDENTIAL_TYPES, NO_N8N_FIELD, NODE_TYPE, NODE_TYPES, PACKAGE } = require('./community-install/packages');
const { runSuite } = require('./runner');

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Promise.all that waits for every task to end (none keeps starting processes after a failure), then throws the first error. */
async function all(tasks) {
	const results = await Promise.allSettled(tasks);
	const failed = results.find((result) => result.status === 'rejected');
	if (failed) throw failed.reason;
	return results.map((result) => result.value);
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
		// The host this n8n installs from, as its community-packages service holds it.
		const { host: registryHost } = n8nDefaultRegistry(path.dirname(require.resolve('n8n/package.json', { paths: [instance.harness.dir] })));
		// The registry's address is fixed first, so the proxy, n8n, the tarballs and verdaccio can start at once.
		const registryPort = await freePort();
		const certificate = await createTestCertificates({ dir: path.join(instance.root, 'tls'), hosts: [registryHost] });
		const proxy = await startRegistryProxy({ registryUrl: `http://${HOST}:${registryPort}/`, certificate, host: registryHost });
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
			console.log(`  verdaccio ${registry.version} on ${registry.url}, serving ${registryHost} through the proxy ${proxy.url}; ${packed.version} and ${newVersion} to publish`);
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
			await check(`n8n got it from ${registryHost} (the test proxy): its version lookup GET /${PACKAGE}/latest 200 and npm pack of the tarball 200`, () => {
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
			// The node files our tarball ships: the label's count is asserted, not just printed.
			const ourNodeFiles = packed.files.filter((file) => file.endsWith('.node.js'));
			await check(`n8n's "n8n" field / loading check refuses a control package without the "n8n" field ("does not contain any nodes"); ours declares ${ourNodeFiles.length} nodes and loads them`, async () => {
				assert.equal(ourNodeFiles.length, NODE_TYPES.length, `node files in the tarball: ${ourNodeFiles.join(', ')}; expected types: ${NODE_TYPES.join(', ')}`);
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
				assert.deepEqual(refused.filter((record) => record.target.startsWith(`${registryHost}:`)).map(describe), []);
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
