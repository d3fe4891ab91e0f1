'use strict';

/**
 * n8nDefaultRegistry (dev/registry/n8n-registry.js) reads the default registry from an n8n's
 * community-packages service, here from made-up n8n folders (the install suite reads the real
 * n8n 2.41.1 and 1.123.81), and says which file to look at when it cannot.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { n8nDefaultRegistry } = require('../../../dev/registry/n8n-registry');

let dir;
beforeAll(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-n8n-registry-test-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A made-up n8n package folder whose community-packages service has `body`. */
function fakeN8n(name, body) {
	const n8nDir = path.join(dir, name);
	const serviceDir = path.join(n8nDir, 'dist', 'modules', 'community-packages');
	fs.mkdirSync(serviceDir, { recursive: true });
	fs.writeFileSync(path.join(serviceDir, 'community-packages.service.js'), body);
	return n8nDir;
}

const serviceWith = (line) => `"use strict";\nconst npm_utils_1 = require("./npm-utils");\n${line}\nconst REQUEST_TIMEOUT_MS = 30 * 1000;\nclass CommunityPackagesService {}\n`;

test('the host and URL of DEFAULT_REGISTRY, in single or double quotes', () => {
	expect(n8nDefaultRegistry(fakeN8n('single', serviceWith("const DEFAULT_REGISTRY = 'https://registry.made-up.test';")))).toEqual({
		url: 'https://registry.made-up.test',
		host: 'registry.made-up.test',
	});
	expect(n8nDefaultRegistry(fakeN8n('double', serviceWith('const DEFAULT_REGISTRY = "https://packages.other.test/";')))).toEqual({
		url: 'https://packages.other.test/',
		host: 'packages.other.test',
	});
});

test('an n8n without the service, or whose service no longer holds DEFAULT_REGISTRY, is named in the error', () => {
	const empty = path.join(dir, 'no-service');
	fs.mkdirSync(empty);
	const missing = path.join(empty, 'dist', 'modules', 'community-packages', 'community-packages.service.js');
	expect(() => n8nDefaultRegistry(empty)).toThrow(`n8n's community-packages service is not at ${missing} (ENOENT): find where this n8n keeps its default registry`);
	const renamed = fakeN8n('renamed', serviceWith("const NPM_REGISTRY = 'https://registry.made-up.test';"));
	expect(() => n8nDefaultRegistry(renamed)).toThrow(`${path.join(renamed, 'dist', 'modules', 'community-packages', 'community-packages.service.js')} has no "const DEFAULT_REGISTRY = '…';" any more`);
});

test.each([
	['plain http', 'http://registry.made-up.test'],
	['another port', 'https://registry.made-up.test:8443'],
	['a path', 'https://made-up.test/npm/'],
])('a registry the proxy cannot stand in for (%s) is refused', (_label, url) => {
	const n8nDir = fakeN8n(`refused-${_label.replace(/\W/g, '-')}`, serviceWith(`const DEFAULT_REGISTRY = '${url}';`));
	expect(() => n8nDefaultRegistry(n8nDir)).toThrow(`DEFAULT_REGISTRY ${url} is not an https origin on the default port`);
});
