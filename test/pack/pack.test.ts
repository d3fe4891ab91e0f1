/**
 * What `npm pack` publishes: only the built package and its docs; and the tarball passes the rules
 * n8n's community package scanner applies to published packages.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

interface PackInfo {
	filename: string;
	files: Array<{ path: string }>;
}

let workDir: string;
let packed: PackInfo;

beforeAll(() => {
	workDir = mkdtempSync(path.join(tmpdir(), 'chargepilot-pack-test-'));
	const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir], { cwd: ROOT, encoding: 'utf8' });
	[packed] = JSON.parse(out) as PackInfo[];
	execFileSync('tar', ['xzf', path.join(workDir, packed.filename), '-C', workDir]);
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

test('the tarball holds only dist, the entry point, README, LICENSE, CHANGELOG and package.json', () => {
	const paths = packed.files.map((file) => file.path).sort();
	const unexpected = paths.filter((file) => !/^dist\/(nodes|credentials|icons)\//.test(file) && !['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json', 'index.js'].includes(file));
	expect(unexpected).toEqual([]);
	for (const required of [
		'README.md',
		'LICENSE',
		'CHANGELOG.md',
		'package.json',
		'dist/nodes/ChargePilot/ChargePilot.node.js',
		'dist/nodes/ChargePilot/ChargePilot.node.json',
		'dist/icons/chargepilot.svg',
		'dist/icons/chargepilot.dark.svg',
		'dist/credentials/ChargePilotApi.credentials.js',
	]) {
		expect(paths).toContain(required);
	}
	expect(paths.filter((file) => /\.(map|ts)$|(^|\/)(test|sandbox|fixtures)\//.test(file))).toEqual([]);
});

test('the tarball passes the community package scanner rules', () => {
	const out = execFileSync(process.execPath, [path.join(__dirname, 'scan-tarball.mjs'), path.join(workDir, 'package')], { cwd: ROOT, encoding: 'utf8' });
	const result = JSON.parse(out) as { files: number; rules: number; errors: string[] };
	expect(result.errors).toEqual([]);
	// It did lint the package: the JS files and package.json, under the full rule set.
	expect(result.files).toBeGreaterThan(20);
	expect(result.rules).toBeGreaterThan(30);
});
