/**
 * What `npm pack` publishes: only the built package and its docs; and n8n's verification scanner
 * (@n8n/scan-community-package, the pinned devDependency, run offline by scan-tarball.mjs) passes
 * the tarball and the source it was built from, as n8n requires of verified community nodes.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

interface PackInfo {
	filename: string;
	files: Array<{ path: string }>;
}

/** One leg of a scan: the files its patterns cover, and analyzePackage()'s answer. */
interface ScanLeg {
	files: number;
	passed: boolean;
	message?: string;
	details?: string;
	error?: string;
}

/** scan-tarball.mjs on an unpacked package (and, if given, the source folder). */
function scan(packageDir: string, sourceDir?: string): { scanner: string; name: string; tarball: ScanLeg; source?: ScanLeg } {
	const args = [path.join(__dirname, 'scan-tarball.mjs'), packageDir, ...(sourceDir ? [sourceDir] : [])];
	return JSON.parse(execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' }));
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

test("n8n's verification scanner passes the tarball (compiled .js, package.json) and the source (package.json, nodes/, credentials/)", () => {
	const pinned = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).devDependencies['@n8n/scan-community-package'];
	const result = scan(path.join(workDir, 'package'), ROOT);
	expect(result.scanner).toBe(`@n8n/scan-community-package@${pinned}`);
	expect(result.name).toBe('n8n-nodes-chargepilot');
	for (const leg of [result.tarball, result.source]) {
		// The whole answer: a failure shows ESLint's report (details) or why the analysis failed.
		expect(leg).toEqual({ files: expect.any(Number), passed: true });
		// It had something to lint: the nodes and credentials, each as several files.
		expect(leg?.files).toBeGreaterThan(20);
	}
});

test('the scanner fails a copy of the tarball with console output and child_process planted in dist/', () => {
	const copy = path.join(workDir, 'planted');
	cpSync(path.join(workDir, 'package'), copy, { recursive: true });
	writeFileSync(path.join(copy, 'dist', 'nodes', 'Planted.js'), "'use strict';\nconst { execSync } = require('child_process');\nconsole.log(execSync('id').toString());\n");
	const { tarball } = scan(copy);
	expect(tarball.passed).toBe(false);
	expect(tarball.message).toBe('ESLint violations found');
	expect(tarball.details).toContain(path.join('dist', 'nodes', 'Planted.js'));
	expect(tarball.details).toMatch(/no-console/);
	expect(tarball.details).toContain('@n8n/community-nodes/no-restricted-imports');
	// Nothing else in the copy is reported: only the planted file.
	expect(tarball.details?.match(/^\/\S+\.js$/gm)).toEqual([path.join(copy, 'dist', 'nodes', 'Planted.js')]);
});
