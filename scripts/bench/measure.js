'use strict';

/**
 * Measured runs of the benchmark, started through the dev layer's process manager (each in its own
 * process group, killed with its group after its time limit, what is left of the group after it):
 * `n8n execute` with its process tree's memory and CPU sampled from /proc while it runs, and the
 * helper scripts (signer.js, raw-client.js) that print one line of JSON.
 */

const path = require('node:path');

const { parseRun } = require('../../dev/n8n');
const { processes, sampleTree } = require('../../dev/process');

/**
 * `n8n execute --id=<id> --rawOutput` in an instance (dev/n8n createInstance). Resolves with { run,
 * exitCode, wallMs, mainPeakKb, runnerPeakKb, treePeakKb, sampler, processes, startedAt, endedAt }.
 */
async function executeMeasured(instance, workflowId, { timeoutMs = 600_000, sampleMs = 50 } = {}) {
	const startedAt = Date.now();
	let sampler;
	const result = await processes.run(instance.harness.n8n, ['execute', `--id=${workflowId}`, '--rawOutput'], {
		env: instance.env,
		cwd: instance.root,
		timeoutMs,
		onStart: (child) => {
			sampler = sampleTree(child.pid, sampleMs);
		},
	});
	const endedAt = Date.now();
	const state = sampler.stop();
	const { status: exitCode, stdout: out, stderr: err } = result;
	if (result.timedOut) throw new Error(`n8n execute --id=${workflowId} timed out after ${timeoutMs} ms and was killed\n${err.slice(-2000)}`);
	const run = parseRun(out);
	if (!run) {
		throw new Error(`n8n execute --id=${workflowId} (exit ${exitCode}) printed no run data\n${out.slice(-3000)}\n${err.slice(-3000)}`);
	}
	// n8n 2.41.1 may SIGSEGV at exit after printing a complete run (dev/n8n/harness/README.md).
	if (exitCode !== 0 && exitCode !== 139) throw new Error(`n8n execute exited ${exitCode}\n${err.slice(-3000)}`);
	let runnerPeakKb = 0;
	for (const { hwmKb } of state.others.values()) runnerPeakKb = Math.max(runnerPeakKb, hwmKb);
	return {
		run,
		exitCode,
		wallMs: endedAt - startedAt,
		startedAt,
		endedAt,
		mainPeakKb: state.mainHwmKb,
		runnerPeakKb,
		treePeakKb: state.treePeakKb,
		processes: [...state.others.values()].map((p) => p.name),
		sampler,
	};
}

/** Runs a helper script (signer.js, raw-client.js) with the given Node; resolves with the JSON of its last line. */
async function runNodeScript(nodeBin, script, config, timeoutMs) {
	const { status, stdout, stderr } = await processes.run(nodeBin, [script, JSON.stringify(config)], { env: { ...process.env, NODE_OPTIONS: '' }, timeoutMs });
	const text = stdout.trim();
	if (status !== 0) throw new Error(`${path.basename(script)} exited ${status}: ${stderr.slice(-1000)}`);
	try {
		return JSON.parse(text.split('\n').pop());
	} catch {
		throw new Error(`${path.basename(script)} printed no JSON: ${text.slice(-500)}`);
	}
}

/** The version a Node binary reports (e.g. v24.21.0). */
async function versionOf(nodeBin) {
	return (await processes.run(nodeBin, ['--version'], { timeoutMs: 30_000 })).stdout.trim();
}

module.exports = { executeMeasured, runNodeScript, versionOf };
