// Runs n8n's verification scanner (@n8n/scan-community-package, pinned in devDependencies) offline,
// the two ways its CLI runs it on a published package: on the unpacked tarball (compiled .js and
// package.json) and on the source the package was built from (package.json and nodes/credentials).
// Its CLI only scans packages it downloads from the registry (with their provenance); the module's
// analyzePackage() is the same lint without the download. Prints a JSON summary.
// Usage: node test/pack/scan-tarball.mjs <unpacked package dir> [<source dir>]
import path from 'node:path';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

// eslint-plugin-n8n-nodes-base reads NODE_ENV=test (which jest sets) as "lint every file as a node
// named Test": the scan would report rules a real scan never applies. A real scan has no NODE_ENV.
delete process.env.NODE_ENV;

// The scanner makes a temporary folder when it is loaded (for the packages its CLI downloads) and
// leaves it behind: the `tmp` it uses removes it at exit once told so.
const fromScanner = createRequire(createRequire(import.meta.url).resolve('@n8n/scan-community-package/package.json'));
fromScanner('tmp').setGracefulCleanup();
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import('@n8n/scan-community-package/scanner/scanner.mjs');

// The tarball leg of analyzePackageByName (scanner.mjs): compiled .js and the published package.json.
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

const [packageDir, sourceDir] = process.argv.slice(2).map((dir) => path.resolve(dir));

function countFiles(folder, pattern) {
	return readdirSync(folder).reduce((count, name) => {
		const full = path.join(folder, name);
		if (statSync(full).isDirectory()) return name === 'node_modules' ? count : count + countFiles(full, pattern);
		return pattern.test(name) ? count + 1 : count;
	}, 0);
}

const scanner = fromScanner('./package.json');
const result = {
	scanner: `${scanner.name}@${scanner.version}`,
	tarball: { files: countFiles(packageDir, /\.js$|^package\.json$/), ...(await analyzePackage(packageDir, TARBALL_FILE_PATTERNS)) },
};
if (sourceDir) {
	const sourceFiles = ['nodes', 'credentials'].reduce((count, folder) => count + countFiles(path.join(sourceDir, folder), /\.(js|ts|json)$/), 1);
	result.source = { files: sourceFiles, ...(await analyzePackage(sourceDir, SOURCE_FILE_PATTERNS)) };
}
// analyzePackage puts an Error object into `error` when ESLint itself failed: keep its message only.
for (const leg of [result.tarball, result.source]) if (leg?.error) leg.error = String(leg.error.message ?? leg.error);
process.stdout.write(JSON.stringify({ ...result, name: JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')).name }));
