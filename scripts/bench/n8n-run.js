'use strict';

/**
 * `n8n execute --id=<id> --rawOutput` in an instance made by test/e2e/n8n.js createInstance, with
 * its own spawn (spawnToFiles) so the process tree's memory can be sampled from /proc while it runs (see proc.js).
 * Bounded: the tree is killed (by pid) after `timeoutMs`; leftovers (e.g. n8n's task runner if it
 * outlives its parent) are killed by pid after the main process exits.
 */

const path = require('node:path');

const { exitStatus, parseRun, spawnToFiles } = require('../../test/e2e/n8n');
const { killAlive, sampleTree } = require('./proc');

/** n8n processes running now, so a caller can stop them (and their children) by pid on exit. */
const running = new Set();

/** Kills every running n8n process tree this module started. */
function killRunning() {
	for (const entry of running) {
		entry.sampler.tick();
		killAlive(entry.sampler.state.seen);
		try {
			entry.child.kill('SIGKILL');
		} catch {
			// gone
		}
	}
}

/**
 * Runs one workflow; resolves with { run, exitCode, wallMs, mainPeakKb, runnerPeakKb, treePeakKb,
 * sampler, processes, killedLeftovers, startedAt, endedAt }.
 */
async function executeMeasured(instance, harness, workflowId, { timeoutMs = 600_000, sampleMs = 50 } = {}) {
	const n8nBin = path.join(harness, 'node_modules', '.bin', 'n8n');
	const startedAt = Date.now();
	const { child, collect } = spawnToFiles(n8nBin, ['execute', `--id=${workflowId}`, '--rawOutput'], { env: instance.env, cwd: instance.root });
	const sampler = sampleTree(child.pid, sampleMs);
	const entry = { child, sampler };
	running.add(entry);
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		sampler.tick();
		killAlive(sampler.state.seen);
		child.kill('SIGKILL');
	}, timeoutMs);
	const exitCode = await exitStatus(child).finally(() => {
		clearTimeout(timer);
		running.delete(entry);
	});
	const endedAt = Date.now();
	const state = sampler.stop();
	const leftovers = [...state.seen.keys()].filter((pid) => {
		try {
			process.kill(pid, 0);
			return true;
		} catch {
			return false;
		}
	}).map((pid) => state.others.get(pid)?.name ?? String(pid));
	const killedLeftovers = killAlive(state.seen);
	const { stdout: out, stderr: err } = collect();
	if (timedOut) throw new Error(`n8n execute --id=${workflowId} timed out after ${timeoutMs} ms and was killed\n${err.slice(-2000)}`);
	const run = parseRun(out);
	if (!run) {
		throw new Error(`n8n execute --id=${workflowId} (exit ${exitCode}) printed no run data\n${out.slice(-3000)}\n${err.slice(-3000)}`);
	}
	// n8n 2.41.1 may SIGSEGV at exit after printing a complete run (test/e2e/harness/README.md).
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
		killedLeftovers,
		leftovers,
		sampler,
	};
}

/** The first task of a node in a run: { items, executionTime, startTime, error }. */
function task(run, nodeName) {
	const data = run.data.resultData.runData[nodeName]?.[0];
	if (!data) throw new Error(`node "${nodeName}" did not run (run status ${run.status}: ${JSON.stringify(run.data.resultData.error ?? {}).slice(0, 600)})`);
	return { items: data.data?.main?.[0] ?? [], executionTime: data.executionTime, startTime: data.startTime, error: data.error };
}

module.exports = { executeMeasured, killRunning, task };
