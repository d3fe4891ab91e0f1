#!/usr/bin/env node
'use strict';

/**
 * The release guard: n8n-nodes-chargepilot is published only by .github/workflows/publish.yml, for
 * a pushed tag v<version> that matches package.json (npm trusted publishing with provenance, which
 * n8n requires of verified community nodes). Exit code 0 lets the publish go on, 1 refuses it with
 * what to do instead.
 *
 * Run by npm as `prepublishOnly` (when scripts are on: this repository's .npmrc turns them off, so
 * the workflow and .ci/run publish with --ignore-scripts=false; a hand-run `npm publish` is refused
 * by publishConfig.provenance outside GitHub Actions), and by the workflow as its first step.
 * `npm publish --dry-run` passes (npm sets npm_config_dry_run): it publishes nothing.
 */

const fs = require('node:fs');
const path = require('node:path');

const WORKFLOW = '.github/workflows/publish.yml';
const { name, version } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));

/** Why `env` is not the publish workflow run for this version's tag; null when it is. */
function refusal(env) {
	if (env.GITHUB_ACTIONS !== 'true') return 'this is not GitHub Actions';
	const workflowRef = env.GITHUB_WORKFLOW_REF ?? '';
	if (!env.GITHUB_REPOSITORY || !workflowRef.startsWith(`${env.GITHUB_REPOSITORY}/${WORKFLOW}@`)) {
		return `this run is ${workflowRef ? `the workflow ${workflowRef}` : 'no known workflow'}, not ${WORKFLOW} of this repository`;
	}
	if (env.GITHUB_REF_TYPE !== 'tag') return `${WORKFLOW} was started by ${env.GITHUB_REF_TYPE || 'something'} ${env.GITHUB_REF_NAME ?? ''}, not by a tag`;
	if (env.GITHUB_REF_NAME !== `v${version}`) return `the tag ${env.GITHUB_REF_NAME} does not match package.json's version ${version} (its tag is v${version})`;
	return null;
}

if (process.env.npm_config_dry_run === 'true') {
	console.log(`release guard: npm publish --dry-run of ${name}@${version}: nothing is published, go on`);
	process.exit(0);
}
const why = refusal(process.env);
if (why) {
	console.error(`release guard: ${name} is published only by ${WORKFLOW} (GitHub Actions, npm trusted publishing with provenance, as n8n requires of verified community nodes), and ${why}.

To release ${version}: its CHANGELOG section dated, committed on main and CI green, then
  git tag v${version} && git push origin v${version}
The workflow runs the CI checks and publishes. See "Releasing" in docs/DEVELOPMENT.md.
To see what would be published: npm publish --dry-run`);
	process.exit(1);
}
console.log(`release guard: ${WORKFLOW} for tag v${version} in ${process.env.GITHUB_REPOSITORY}: ${name}@${version} may be published`);
