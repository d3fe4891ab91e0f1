#!/usr/bin/env node
'use strict';

/**
 * The playground (`npm start`) as a user runs it, as separate processes of the command itself
 * (`node scripts/start.js`, what `npm start` runs after its build; nothing of scripts/ is imported):
 *
 *   1 `--smoke` on a fresh state folder: starts, self-checks (the demos, every example, both
 *     triggers), stops; exit code 0; and it says so in few lines (a fresh clone's first `npm start`
 *     prints fewer than 60 lines before the banner: see firstStartLines)
 *   2 the playground started for real; the demo workflow changed through n8n's REST API as the
 *     editor saves it (its trigger renamed, its node pointed at a site that does not exist: the demo
 *     itself now fails); stopped with SIGTERM
 *   3 `--smoke` again on that state: still exit code 0 (the self-check runs its own copies), and
 *     the demo was not imported over the user's change
 *   4 the database afterwards: the change is there; no self-check copy is left, not even those a
 *     self-check killed half-way would have left (planted in step 2)
 *
 * Its own state folder and free ports, so it runs beside a user's playground and other suites.
 *   node test/e2e/playground.e2e.js [--keep]   (after npm run build)
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { readOptions, runCommand } = require('../../dev/cli');
const { ensureHarness, N8nClient, queryDatabase } = require('../../dev/n8n');
const { EXAMPLES, REPO } = require('../../dev/paths');
const { freePort } = require('../../dev/ports');
const { commandLine, isAlive, processes, signalGroup } = require('../../dev/process');
const { createReport } = require('./runner');

/** The whole suite: three starts of the playground (the first with n8n's migrations). */
const MAX_MS = 30 * 60_000;
const START = path.join(REPO, 'scripts', 'start.js');
const DEMO_ID = 'CpPlaygroundDemo';
const OWNER = { email: 'owner@example.com', password: 'ChargePilot-Playground-1' };
const SELF_CHECK = 'ChargePilot playground self-check';
const seconds = (ms) => `${Math.round(ms / 1000)} s`;

const USAGE = `Usage: node test/e2e/playground.e2e.js [--keep]   (after npm run build)
  --keep    keep the playground's state folder
`;

/**
 * `node scripts/start.js --smoke` on the suite's folder and ports; resolves { status, output, stdout,
 * stderr, ms }. `quiet`: without the sandbox's request log (what a user sees has it).
 */
async function smoke(settings, { quiet = true } = {}) {
	const result = await processes.run(process.execPath, [START, '--smoke', ...(quiet ? ['--quiet'] : []), ...settings], { cwd: REPO, timeoutMs: 15 * 60_000 });
	return { status: result.status, output: `${result.stdout}${result.stderr}`, stdout: result.stdout, stderr: result.stderr, ms: result.ms, timedOut: result.timedOut };
}

/**
 * A fresh clone's first `npm start` prints fewer than 60 lines before the banner. This suite sees
 * what scripts/start.js prints on a fresh state folder with the harness installed: the progress
 * (stderr) up to the self-check's result, where the banner comes, and the sandbox's request log
 * (stdout; none of it is the self-check's). What it does not see: `npm start` first prints 11
 * lines (npm's headers and the build's output, measured on a fresh clone), the first install of
 * the harness at most 14 (dev/n8n/harness/install.sh: its header, three steps with their closing
 * lines, and progress lines at 60, 180, 420, 900 s of a step: 12 for an npm ci of up to 15 min and
 * a sqlite3 build of up to 7, two to spare), and the banner starts with an empty line.
 */
const FIRST_START_MAX_LINES = 59;
const OTHER_LINES = { npmStart: 11, harnessInstall: 14, bannerGap: 1 };
const FIRST_START_BUDGET = FIRST_START_MAX_LINES - OTHER_LINES.npmStart - OTHER_LINES.harnessInstall - OTHER_LINES.bannerGap;
function firstStartLines(run) {
	const progress = run.stderr.split('\n');
	const end = progress.findIndex((line) => line.includes('] self-check ok'));
	assert.ok(end >= 0, 'no "self-check ok" line');
	const requests = run.stdout.split('\n');
	const banner = requests.findIndex((line) => line.startsWith('====='));
	const sandbox = (banner < 0 ? requests : requests.slice(0, banner)).filter((line) => line.trim());
	return { progress: end + 1, sandbox: sandbox.length, total: end + 1 + sandbox.length };
}

/**
 * The self-check's line for every file in examples/: run ("ok") when it needs only the ChargePilot
 * API credential or is an MCP server (the self-check gives it a token of its own and calls it as an
 * MCP client), listed as not run ("skip") when it needs one of the user's own (the AI example).
 */
function exampleLines() {
	return fs
		.readdirSync(EXAMPLES)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => {
			const workflow = JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
			const mcp = workflow.nodes.some((node) => node.type === '@n8n/n8n-nodes-langchain.mcpTrigger');
			const own = !mcp && workflow.nodes.some((node) => Object.keys(node.credentials ?? {}).some((type) => type !== 'chargePilotApi'));
			return `${own ? 'skip ' : 'ok  '}example "${workflow.name}"`;
		});
}

function expectSelfCheck(run) {
	assert.equal(run.status, 0, `exit ${run.status}${run.timedOut ? ' (timed out)' : ''}; last lines:\n${run.output.trim().split('\n').slice(-25).join('\n')}`);
	const examples = exampleLines();
	assert.ok(examples.filter((line) => line.startsWith('ok')).length >= 3, `examples/ has fewer than 3 runnable examples: ${examples.join('; ')}`);
	for (const line of ['ok  demo "ChargePilot demo: list sites (sandbox)"', ...examples, 'ok  ChargePilot Trigger, as "Fetch Test Event"', 'ok  Push Trigger, activated', 'self-check ok', 'smoke run passed']) {
		assert.ok(run.output.includes(line), `the output lacks "${line}"`);
	}
}

/** The self-check's result lines, for the report. */
const checkLines = (output) =>
	output
		.split('\n')
		.filter((line) => /\] {3}ok {2}|self-check ok|smoke run passed|ready after/.test(line))
		.map((line) => `         ${line.replace(/^\[playground\]\s*/, '')}`)
		.join('\n');

async function main(argv) {
	const values = readOptions(argv, { keep: { type: 'boolean', default: false } });
	if (values.help) {
		process.stdout.write(USAGE);
		return 0;
	}
	processes.stopOnSignals();
	const started = Date.now();
	const stopWatchdog = processes.watchdog(MAX_MS, () => {
		console.log(`FAIL: the playground e2e took longer than ${MAX_MS / 1000} s; everything it started was killed`);
		process.exit(1);
	});
	const report = createReport();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-playground-e2e-'));
	// However this process ends (the watchdog and Ctrl+C exit at once, past the finally below): the
	// playground's n8n, which runs in a process group of its own (a killed `npm start` leaves it),
	// and the state folder.
	process.on('exit', () => {
		try {
			const { n8n } = JSON.parse(fs.readFileSync(path.join(dir, 'n8n.pid'), 'utf8'));
			if (Number.isInteger(n8n) && /n8n|node/.test(commandLine(n8n))) signalGroup(n8n, 'SIGKILL');
		} catch {
			// no n8n.pid: the playground stopped its n8n itself, or never started one
		}
		if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
	});
	const ports = { n8n: await freePort(), sandbox: await freePort(), broker: await freePort() };
	const settings = ['--dir', dir, '--port', String(ports.n8n), '--sandbox-port', String(ports.sandbox), '--broker-port', String(ports.broker)];
	console.log(`playground e2e: state ${dir}, n8n port ${ports.n8n}, sandbox port ${ports.sandbox}`);
	const db = path.join(dir, 'user', '.n8n', 'database.sqlite');
	let failed = false;
	const step = async (label, fn) => {
		if (failed) return report.skip(label, 'an earlier step failed');
		await report.check(label, fn);
		if (report.counts.failed) failed = true;
	};

	try {
		await step(`\`npm start -- --smoke\` on a fresh state: the demo, every example and both triggers show items; exit code 0; at most ${FIRST_START_BUDGET} lines up to the self-check's result`, async () => {
			const run = await smoke(settings, { quiet: false });
			expectSelfCheck(run);
			assert.ok(run.output.includes('new database, running migrations'), 'the state was not fresh');
			console.log(`${checkLines(run.output)}\n         (${seconds(run.ms)})`);
			const lines = firstStartLines(run);
			const before = FIRST_START_MAX_LINES - FIRST_START_BUDGET + lines.total;
			console.log(`         ${lines.total} lines up to the self-check's result (${lines.progress} of progress, ${lines.sandbox} of the sandbox's request log): a fresh clone's first npm start, at most ${before} before the banner (< 60)`);
			assert.ok(lines.total <= FIRST_START_BUDGET, `${lines.total} lines up to the self-check's result, more than ${FIRST_START_BUDGET}:\n${run.stderr.split('\n').slice(0, lines.progress).join('\n')}\n${run.stdout}`);
		});

		await step("the playground runs; the demo is changed through n8n's REST API as the editor saves it, and now fails", async () => {
			const logFile = path.join(dir, 'playground-e2e.log');
			const t0 = Date.now();
			const playground = processes.start('playground', process.execPath, [START, '--quiet', '--no-check', '--session-every', '0', '--max-seconds', '900', ...settings], { cwd: REPO, logFile });
			await playground.waitReady(() => fs.readFileSync(logFile, 'utf8').includes('n8n with n8n-nodes-chargepilot is ready'), { timeoutMs: 10 * 60_000, intervalMs: 500 });
			const client = new N8nClient(`http://127.0.0.1:${ports.n8n}`);
			assert.ok(await client.login(OWNER.email, OWNER.password), 'login as the playground owner failed');
			const current = (await client.rest('GET', `/workflows/${DEMO_ID}`)).json.data;
			const trigger = current.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
			const nodes = current.nodes.map((node) => {
				if (node === trigger) return { ...node, name: 'Start here' };
				if (node.type === 'n8n-nodes-chargepilot.chargePilot') {
					return { ...node, parameters: { resource: 'chargingEvent', operation: 'getAll', siteId: { __rl: true, mode: 'id', value: 'site-that-does-not-exist' }, from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' } };
				}
				return node;
			});
			const connections = { 'Start here': current.connections[trigger.name] };
			const res = await client.rest('PATCH', `/workflows/${DEMO_ID}`, { name: current.name, nodes, connections, settings: current.settings, versionId: current.versionId });
			assert.equal(res.status, 200, `PATCH: HTTP ${res.status} ${res.text.slice(0, 300)}`);
			const saved = (await client.rest('GET', `/workflows/${DEMO_ID}`)).json.data;
			assert.deepEqual(saved.nodes.map((node) => node.name).sort(), ['ChargePilot', 'Start here']);
			const run = await client.rest('POST', `/workflows/${DEMO_ID}/run`, { triggerToStartFrom: { name: 'Start here' } });
			const execution = await client.waitForExecution(run.json.data.executionId);
			assert.equal(execution.status, 'error', `the changed demo ran with status ${execution.status}`);
			const message = execution.data.resultData.error?.message ?? '';
			console.log(`         demo saved with the trigger "Start here" and Charging Event of "site-that-does-not-exist"; running it now ends in "${execution.status}": ${message.slice(0, 120)}`);
			// What a self-check killed half-way would leave: the next one removes it (checked in step 4).
			const leftover = await client.rest('POST', '/workflows', { name: `${SELF_CHECK}: left over (temporary)`, nodes: [], connections: {}, settings: {}, active: false });
			const archived = await client.rest('POST', '/workflows', { name: `${SELF_CHECK}: left over, archived (temporary)`, nodes: [], connections: {}, settings: {}, active: false });
			await client.rest('POST', `/workflows/${archived.json.data.id}/archive`, {});
			const credential = await client.rest('POST', '/credentials', { name: `${SELF_CHECK} (chargePilotPushApi, temporary)`, type: 'chargePilotPushApi', data: { subscriptionKey: 'left-over-key-0123456789' } });
			assert.deepEqual([leftover.status, archived.status, credential.status], [200, 200, 200]);
			console.log('         left behind as a killed self-check would: two workflows (one archived) and a credential named "ChargePilot playground self-check ..."');
			const pids = JSON.parse(fs.readFileSync(path.join(dir, 'n8n.pid'), 'utf8'));
			await playground.stop({ graceMs: 60_000 });
			assert.equal(playground.exitInfo.code, 0, `the playground exited with ${JSON.stringify(playground.exitInfo)} after SIGTERM`);
			assert.equal(isAlive(pids.n8n), false, `n8n (PID ${pids.n8n}) is still running`);
			console.log(`         started, changed, stopped with SIGTERM (${seconds(Date.now() - t0)})`);
		});

		await step('`npm start -- --smoke` again after the change: exit code 0, and the demo was not imported over it', async () => {
			const run = await smoke(settings);
			expectSelfCheck(run);
			assert.ok(!/importing (workflow "ChargePilot demo: list sites \(sandbox\)"|\d+ workflows)/.test(run.output), 'the demo was imported again over the change');
			console.log(`${checkLines(run.output)}\n         (${seconds(run.ms)})`);
		});

		await step("afterwards the database holds the user's change and no self-check copy (not even the leftovers)", async () => {
			const harness = await ensureHarness(2);
			const [demo, copies, credentials] = await queryDatabase(harness, db, [
				`SELECT nodes FROM workflow_entity WHERE id = '${DEMO_ID}'`,
				`SELECT id, name FROM workflow_entity WHERE name LIKE '${SELF_CHECK}%'`,
				`SELECT id, name FROM credentials_entity WHERE name LIKE '${SELF_CHECK}%'`,
			]);
			assert.equal(demo.length, 1);
			assert.ok(JSON.parse(demo[0].nodes).some((node) => node.name === 'Start here'), 'the change is gone');
			assert.deepEqual(copies, []);
			assert.deepEqual(credentials, []);
		});
	} finally {
		await processes.stopAll();
		stopWatchdog();
		if (values.keep) console.log(`kept ${dir}`);
		else fs.rmSync(dir, { recursive: true, force: true });
	}
	console.log(`\nplayground e2e done in ${seconds(Date.now() - started)}`);
	return report.summary();
}

runCommand(main, { usage: USAGE });
