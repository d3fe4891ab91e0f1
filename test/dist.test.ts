/**
 * The built package as n8n loads it: n8n-core's PackageDirectoryLoader reads package.json's "n8n"
 * field and the compiled files in dist/. Also proves the build left nothing unresolved: every
 * require() in dist points at a file in dist, Node's built-ins or the n8n-workflow peer.
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

import { PackageDirectoryLoader } from 'n8n-core';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

function jsFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const full = path.join(dir, name);
		if (statSync(full).isDirectory()) return jsFiles(full);
		return full.endsWith('.js') ? [full] : [];
	});
}

test('every require in dist resolves inside dist, to a Node built-in, or to n8n-workflow', () => {
	const files = jsFiles(DIST);
	expect(files.length).toBeGreaterThan(10);
	const problems: string[] = [];
	for (const file of files) {
		const source = readFileSync(file, 'utf8');
		for (const [, specifier] of source.matchAll(/require\("([^"]+)"\)/g)) {
			if (specifier.startsWith('.')) {
				const target = path.resolve(path.dirname(file), specifier);
				const candidates = ['.js', '.json', '', '/index.js'].map((suffix) => target + suffix);
				if (!target.startsWith(DIST) || !candidates.some((candidate) => existsSync(candidate) && statSync(candidate).isFile())) {
					problems.push(`${path.relative(ROOT, file)}: ${specifier}`);
				}
			} else if (!(specifier === 'n8n-workflow' || builtinModules.includes(specifier.replace(/^node:/, '')))) {
				problems.push(`${path.relative(ROOT, file)}: ${specifier}`);
			}
		}
	}
	expect(problems).toEqual([]);
});

test("n8n's package loader loads the node and the credential with their icons and codex", async () => {
	const loader = new PackageDirectoryLoader(ROOT);
	await loader.loadAll();
	expect(loader.packageName).toBe('n8n-nodes-chargepilot');
	expect(Object.keys(loader.nodeTypes).sort()).toEqual(['chargePilot', 'chargePilotPushTrigger', 'chargePilotTrigger']);
	expect(Object.keys(loader.credentialTypes)).toEqual(['chargePilotApi', 'chargePilotPushApi']);
	const description = loader.types.nodes.find((node) => node.name === 'chargePilot')!;
	const trigger = loader.types.nodes.find((node) => node.name === 'chargePilotTrigger')!;
	expect(trigger.polling).toBe(true);
	expect(description.name).toBe('chargePilot');
	expect(description.usableAsTool).toBe(true);
	expect(description.credentials).toEqual([{ name: 'chargePilotApi', required: true }]);
	const iconUrl = description.iconUrl as { light: string; dark: string };
	for (const icon of [iconUrl.light, iconUrl.dark]) {
		expect(icon).toMatch(/^icons\/n8n-nodes-chargepilot\/dist\//);
		expect(existsSync(path.join(ROOT, icon.replace(/^icons\/n8n-nodes-chargepilot\//, '')))).toBe(true);
	}
	expect(description.codex?.categories).toContain('Data & Storage');
	const credential = loader.types.credentials.find((type) => type.name === 'chargePilotApi')!;
	expect(credential.name).toBe('chargePilotApi');
	expect(credential.supportedNodes?.sort()).toEqual(['chargePilot', 'chargePilotTrigger']);
	for (const icon of Object.values(credential.iconUrl as Record<string, string>)) {
		expect(existsSync(path.join(ROOT, icon.replace(/^icons\/n8n-nodes-chargepilot\//, '')))).toBe(true);
	}
});
