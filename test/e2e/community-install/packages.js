'use strict';

/**
 * The packages the Community Nodes suite publishes to its local registry, all made from the one
 * packed tarball: a bumped build that says which version runs, and control packages that each fail
 * one of n8n's checks.
 */

const fs = require('node:fs');
const path = require('node:path');

const { repackTarball, editManifest } = require('../../../dev/registry');

const PACKAGE = 'n8n-nodes-chargepilot';
const NODE_TYPE = `${PACKAGE}.chargePilot`;
const NODE_TYPES = [`${PACKAGE}.chargePilot`, `${PACKAGE}.chargePilotPushTrigger`, `${PACKAGE}.chargePilotTrigger`];
const CREDENTIAL_TYPES = ['chargePilotApi', 'chargePilotPushApi'];
/** Control packages: this package renamed and broken in one way each, to show n8n's check fires. */
const NO_N8N_FIELD = `${PACKAGE}-check-no-n8n-field`;
const API_VERSION_TOO_NEW = `${PACKAGE}-check-api-version`;
const NODE_FILE = 'dist/nodes/ChargePilot/ChargePilot.node.js';
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

module.exports = { PACKAGE, NODE_TYPE, NODE_TYPES, CREDENTIAL_TYPES, NO_N8N_FIELD, API_VERSION_TOO_NEW, buildTarballs };
