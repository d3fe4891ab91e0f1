/**
 * Only .github/workflows/publish.yml publishes: the release guard (scripts/release/guard.js, npm's
 * prepublishOnly) lets a dry run and the workflow's run for tag v<version> through and refuses
 * everything else; and a hand-run `npm publish` with this repository's .npmrc (scripts off, so no
 * prepublishOnly) is refused by publishConfig.provenance outside GitHub Actions. The npm runs go
 * to a stand-in registry on 127.0.0.1 that records what reaches it and accepts nothing.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const GUARD = path.join(ROOT, 'scripts', 'release', 'guard.js');
const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** The environment without what npm run, GitHub Actions or another CI would add to it. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const kept = Object.entries(process.env).filter(([name]) => !/^(npm_|GITHUB_|ACTIONS_|RUNNER_)/i.test(name) && !/^(CI|BUILD_NUMBER|RUN_ID)$/.test(name));
	return { ...Object.fromEntries(kept), ...extra };
}

/** GitHub Actions' variables for a run of `workflow` (a file under .github/workflows) started by `refType` `refName`. */
function actions(workflow: string, refType: string, refName: string): Record<string, string> {
	const refs = refType === 'tag' ? 'tags' : 'heads';
	return {
		GITHUB_ACTIONS: 'true',
		GITHUB_REPOSITORY: 'example-owner/n8n-nodes-chargepilot',
		GITHUB_WORKFLOW_REF: `example-owner/n8n-nodes-chargepilot/.github/workflows/${workflow}@refs/${refs}/${refName}`,
		GITHUB_REF_TYPE: refType,
		GITHUB_REF_NAME: refName,
	};
}

function guard(env: Record<string, string>) {
	const result = spawnSync(process.execPath, [GUARD], { cwd: ROOT, env: cleanEnv(env), encoding: 'utf8', timeout: 30_000 });
	return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the guard on its own', () => {
	test('a dry run passes (npm sets npm_config_dry_run), also outside GitHub Actions', () => {
		const run = guard({ npm_config_dry_run: 'true' });
		expect(run).toEqual({ status: 0, stdout: `release guard: npm publish --dry-run of n8n-nodes-chargepilot@${version}: nothing is published, go on\n`, stderr: '' });
	});

	test(`publish.yml started by the tag v${version} passes`, () => {
		const run = guard(actions('publish.yml', 'tag', `v${version}`));
		expect(run.status).toBe(0);
		expect(run.stdout).toContain(`n8n-nodes-chargepilot@${version} may be published`);
	});

	test('outside GitHub Actions it refuses and says how to release', () => {
		const run = guard({});
		expect(run.status).toBe(1);
		expect(run.stdout).toBe('');
		expect(run.stderr).toContain('is published only by .github/workflows/publish.yml');
		expect(run.stderr).toContain('this is not GitHub Actions.');
		expect(run.stderr).toContain(`git tag v${version} && git push origin v${version}`);
		expect(run.stderr).toContain('docs/DEVELOPMENT.md');
	});

	test.each([
		['a tag of another version', actions('publish.yml', 'tag', 'v0.0.1'), `the tag v0.0.1 does not match package.json's version ${version} (its tag is v${version})`],
		['a tag without the v', actions('publish.yml', 'tag', version), `the tag ${version} does not match package.json's version ${version}`],
		['a branch', actions('publish.yml', 'branch', 'main'), 'was started by branch main, not by a tag'],
		['another workflow (ci.yml)', actions('ci.yml', 'tag', `v${version}`), 'ci.yml@refs/tags/v'],
		['publish.yml of another repository', { ...actions('publish.yml', 'tag', `v${version}`), GITHUB_REPOSITORY: 'someone-else/fork' }, 'not .github/workflows/publish.yml of this repository'],
		['a dry-run variable that is not "true"', { npm_config_dry_run: '' }, 'this is not GitHub Actions'],
	])('refuses %s', (_label, env, reason) => {
		const run = guard(env);
		expect(run.status).toBe(1);
		expect(run.stderr).toContain(reason);
	});
});

describe('npm publish in this repository', () => {
	let server: http.Server;
	let registry: string;
	const requests: string[] = [];

	beforeAll(async () => {
		// Answers every request 404 (no such package yet) and records it: a PUT would be a publish.
		server = http.createServer((req, res) => {
			requests.push(`${req.method} ${req.url}`);
			req.resume();
			res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
	});
	afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
	beforeEach(() => {
		requests.length = 0;
	});

	/** npm publish to the stand-in (asynchronously: the stand-in answers from this process). */
	function npmPublish(args: string[]): Promise<{ status: number; output: string }> {
		const authority = registry.replace(/^http:/, '');
		const argv = ['publish', '--registry', registry, `--${authority}:_authToken=not-a-token`, '--fetch-retries=0', '--update-notifier=false', ...args];
		return new Promise((resolve) => {
			execFile('npm', argv, { cwd: ROOT, env: cleanEnv(), encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
				resolve({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: `${stdout}\n${stderr}` });
			});
		});
	}

	test('with scripts on, prepublishOnly runs the guard, which refuses before anything reaches the registry', async () => {
		const run = await npmPublish(['--ignore-scripts=false']);
		expect(run.status).not.toBe(0);
		expect(run.output).toContain('> node scripts/release/guard.js');
		expect(run.output).toContain('release guard: n8n-nodes-chargepilot is published only by .github/workflows/publish.yml');
		expect(requests).toEqual([]);
	});

	test('as the .npmrc has it (scripts off), publishConfig.provenance refuses outside GitHub Actions, before any upload', async () => {
		const run = await npmPublish([]);
		expect(run.status).not.toBe(0);
		expect(run.output).toContain('Automatic provenance generation not supported for provider: null');
		expect(run.output).not.toContain('release guard');
		expect(requests.filter((request) => !request.startsWith('GET '))).toEqual([]);
	});
});
