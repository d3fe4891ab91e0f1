'use strict';

/**
 * Signals to processes and process groups, by id. Every long-running process the dev layer starts
 * leads its own process group (its PID is the group id), so what it starts in turn (n8n's task
 * runner) is stopped with it.
 */

const fs = require('node:fs');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `signal` (0: only asks) to the group `pgid`; false when the group is gone. */
function signalGroup(pgid, signal) {
	try {
		process.kill(-pgid, signal);
		return true;
	} catch {
		return false;
	}
}

/** Sends `signal` to one process; false when it is gone. */
function signalProcess(pid, signal) {
	try {
		process.kill(pid, signal);
		return true;
	} catch {
		return false;
	}
}

/** Whether a process exists (one of another user counts too). */
function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

/** The command line of a process from /proc ('' when it is gone or not on Linux). */
function commandLine(pid) {
	try {
		return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
	} catch {
		return '';
	}
}

/**
 * What is left of a group after its leader exited: waits up to 2 s for it to end by itself, then
 * SIGTERM, then SIGKILL after 3 s more.
 */
async function reapGroup(pgid) {
	for (let i = 0; i < 20 && signalGroup(pgid, 0); i++) await sleep(100);
	if (!signalGroup(pgid, 0)) return;
	signalGroup(pgid, 'SIGTERM');
	for (let i = 0; i < 30 && signalGroup(pgid, 0); i++) await sleep(100);
	if (signalGroup(pgid, 0)) signalGroup(pgid, 'SIGKILL');
}

/**
 * Stops a group leader that this Node process did not start (e.g. an n8n left behind by an earlier
 * run, found through a PID file): SIGTERM to it, SIGKILL to its group after `graceMs`, then the
 * rest of the group.
 */
async function terminate(pid, { graceMs = 20_000 } = {}) {
	if (!signalProcess(pid, 'SIGTERM')) return;
	for (const until = Date.now() + graceMs; isAlive(pid) && Date.now() < until; ) await sleep(100);
	if (isAlive(pid)) signalGroup(pid, 'SIGKILL');
	await reapGroup(pid);
}

module.exports = { sleep, signalGroup, signalProcess, isAlive, commandLine, reapGroup, terminate };
