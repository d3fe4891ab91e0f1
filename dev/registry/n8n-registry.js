'use strict';

/**
 * The registry n8n installs community packages from, read from the n8n under test: its
 * community-packages service holds it as DEFAULT_REGISTRY (n8n 1.123.81 and 2.41.1:
 * dist/modules/community-packages/community-packages.service.js) and, without a licence for a
 * custom registry, refuses any other (getNpmRegistry()). The install suite serves that host from a
 * local registry (proxy.js), so no registry host is written into this repository.
 */

const fs = require('node:fs');
const path = require('node:path');

const SERVICE = path.join('dist', 'modules', 'community-packages', 'community-packages.service.js');

/**
 * `n8nDir`: the folder of the installed `n8n` package (e.g. require.resolve('n8n/package.json')'s
 * folder in a harness). Returns { url, host } of its default registry (an https URL on the default
 * port); throws, naming the file, when that n8n no longer keeps it there.
 */
function n8nDefaultRegistry(n8nDir) {
	const file = path.join(n8nDir, SERVICE);
	let source;
	try {
		source = fs.readFileSync(file, 'utf8');
	} catch (error) {
		throw new Error(`n8n's community-packages service is not at ${file} (${error.code ?? error.message}): find where this n8n keeps its default registry`);
	}
	const match = /\bconst DEFAULT_REGISTRY = (['"])([^'"]+)\1;/.exec(source);
	if (!match) throw new Error(`${file} has no "const DEFAULT_REGISTRY = '…';" any more: find where this n8n keeps its default registry`);
	const url = new URL(match[2]);
	if (url.protocol !== 'https:' || url.port !== '' || url.pathname !== '/' || url.search || url.username) {
		throw new Error(`${file}: DEFAULT_REGISTRY ${match[2]} is not an https origin on the default port, which the registry proxy serves`);
	}
	return { url: match[2], host: url.hostname };
}

module.exports = { n8nDefaultRegistry };
