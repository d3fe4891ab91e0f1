'use strict';

/**
 * The pinned, real n8n installs (harness/n8n-2: n8n 2.41.1 on Node 24; harness/n8n-1: n8n 1.123.81
 * on the system Node 20), installed on first use by harness/install.sh (see harness/README.md).
 */

const fs = require('node:fs');
const path = require('node:path');

const { processes: defaultProcesses } = require('../process');
const { systemPath } = require('./env');

const INSTALL_SCRIPT = path.join(__dirname, 'harness', 'install.sh');

/**
 * Installs the harness of an n8n line (2 or 1) when it is missing or stale and says where it is:
 * { line, dir, bin, n8n }. The first run takes minutes: install.sh prints a line per step (and a
 * progress line every minute) to stderr; npm's and the compiler's output go to its log file,
 * whose path it prints, and whose last lines it prints when a step fails.
 */
async function ensureHarness(line, { processes = defaultProcesses } = {}) {
	const result = await processes.run('bash', [INSTALL_SCRIPT, String(line)], {
		env: { ...process.env, PATH: systemPath() },
		stderr: 'inherit',
		timeoutMs: 30 * 60_000,
	});
	if (result.status !== 0) throw new Error(`${path.relative(process.cwd(), INSTALL_SCRIPT)} ${line} failed (exit ${result.status}; what went wrong is in the lines above)`);
	const dir = result.stdout.trim().split('\n').pop();
	const bin = path.join(dir, 'node_modules', '.bin');
	const n8n = path.join(bin, 'n8n');
	if (!fs.existsSync(n8n)) throw new Error(`the harness at ${dir} has no n8n binary`);
	return { line, dir, bin, n8n };
}

module.exports = { ensureHarness, INSTALL_SCRIPT };
