// Lints an unpacked package folder the way n8n's community package scanner lints a tarball:
// n8n's community-node rules (recommended), no-console, and eslint-plugin-n8n-nodes-base's
// community rules on package.json, over every .js and .json file. Prints a JSON summary.
// Usage: node test/pack/scan-tarball.mjs <unpacked package dir>
import path from 'node:path';
import { readdirSync, statSync } from 'node:fs';

import { ESLint } from 'eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tsParser from '@typescript-eslint/parser';

const dir = path.resolve(process.argv[2]);

function files(folder) {
	return readdirSync(folder).flatMap((name) => {
		const full = path.join(folder, name);
		if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : files(full);
		return /\.(js|json)$/.test(name) ? [full] : [];
	});
}

const eslint = new ESLint({
	cwd: dir,
	allowInlineConfig: false,
	overrideConfigFile: true,
	overrideConfig: [
		n8nCommunityNodesPlugin.configs.recommended,
		{ rules: { 'no-console': 'error' } },
		{ plugins: { 'n8n-nodes-base': n8nNodesBase } },
		{ files: ['package.json'], rules: { ...n8nNodesBase.configs.community.rules } },
		{ files: ['**/*.json'], languageOptions: { parser: tsParser } },
	],
});

const linted = files(dir);
const results = await eslint.lintFiles(linted);
const errors = results.flatMap((result) =>
	result.messages.filter((message) => message.severity === 2).map((message) => `${path.relative(dir, result.filePath)}:${message.line} ${message.ruleId}: ${message.message}`),
);
const rules = Object.keys((await eslint.calculateConfigForFile(path.join(dir, 'package.json'))).rules ?? {});
process.stdout.write(JSON.stringify({ files: linted.length, rules: rules.length, errors }));
