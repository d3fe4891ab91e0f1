'use strict';

/**
 * (c) The ChargePilot Trigger (polling) on the main, its executions run by the workers: new
 * sessions, sessions sharing a start time (also with one emitted before), late-recorded ones and
 * one recorded while the main was down are each emitted exactly once; first with n8n's durable
 * poller cursors off (the cursor lives in the workflow's static data), then, after a restart of the
 * main, on (the cursor lives in poller_state and is committed with each poll). And the cursor
 * changes only inside poll(): every stored version of it, sampled every second from the database,
 * carries the window end (`until`) of one of the trigger's own polls, as the sandbox saw them.
 */

const assert = require('node:assert/strict');

const { countBy, isFinal, nodeItems, readLog, sleep, waitUntil } = require('./topology');
const { POLL_NODE_ID } = require('./workflows');

const MINUTE = 60_000;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** What n8n logs when a poll node touches its cursor outside a poll, or a poll's commit is dropped. */
const OUTSIDE_POLL = /read its static data outside of a poll|Poll cursor commit skipped/;

/** The trigger's cursor (its `until` for `siteId`) inside a stored JSON text, or undefined. */
function untilIn(text, siteId) {
	if (!text) return undefined;
	let found;
	const visit = (value) => {
		if (!value || typeof value !== 'object' || found !== undefined) return;
		if (value.chargePilot && Array.isArray(value.chargePilot.sites)) {
			found = value.chargePilot.sites.find((site) => site.id === siteId)?.until;
			return;
		}
		Object.values(value).forEach(visit);
	};
	try {
		visit(JSON.parse(text));
	} catch {
		return undefined;
	}
	return found;
}

/** Samples both places n8n keeps a poll cursor (workflow_entity.staticData, poller_state) every second. */
function watchCursor(postgres, workflowId) {
	const samples = [];
	let stopped = false;
	// One line per place, named (n8n stores these JSON texts without line breaks).
	const sql = `SELECT 'staticData=' || coalesce((SELECT "staticData"::text FROM workflow_entity WHERE id = '${workflowId}'), '') UNION ALL SELECT 'poller=' || coalesce((SELECT cursor::text FROM poller_state WHERE "workflowId" = '${workflowId}' AND "nodeId" = '${POLL_NODE_ID}'), '')`;
	const failures = [];
	const loop = (async () => {
		while (!stopped) {
			const at = Date.now();
			try {
				const sample = { at, staticData: '', poller: '' };
				for (const line of (await postgres.psql(sql)).split('\n')) {
					const [, field, text] = /^(staticData|poller)=(.*)$/.exec(line) ?? [];
					if (field) sample[field] = text;
				}
				samples.push(sample);
			} catch (error) {
				failures.push(error.message); // the database busy or restarting: the next sample
			}
			await sleep(1000);
		}
	})();
	return {
		samples,
		failures,
		/** Distinct successive values of `field` ('staticData' or 'poller') since `from` (ms). */
		versions(field, from = 0) {
			const out = [];
			for (const sample of samples) {
				if (sample.at < from || !sample[field]) continue;
				if (out.length === 0 || out[out.length - 1].text !== sample[field]) out.push({ at: sample.at, text: sample[field] });
			}
			return out;
		},
		async stop() {
			stopped = true;
			await loop;
		},
	};
}

/**
 * The poll phases: start() adds a session that must never be emitted, activates the workflow and
 * runs the two durable-off rounds; off() checks them; switchOn() restarts the main with durable
 * cursors; onRounds() and onFinish() (one more poll, the checks) follow.
 */
function pollPhases({ topology, sandbox, check, say, poll }) {
	const { siteId, apiKey } = poll;
	const expected = [];
	let before;
	let tie;
	let workflowId;
	let watch;
	let switchedAt;
	const add = (starts) => sandbox.addEvents(siteId, starts.map((start) => ({ start_time: iso(start), duration: 900 }))).map((event) => event.transaction_id);

	/** The trigger's polls as the sandbox saw them: { to (ms), at (received) }, one per distinct window end. */
	function polls() {
		const byTo = new Map();
		for (const record of sandbox.requests) {
			if (record.headers['x-api-key'] !== apiKey || !record.target.includes(`/charging-events/site/${siteId}`)) continue;
			const to = Date.parse(new URL(record.target, 'http://sandbox').searchParams.get('to'));
			if (!byTo.has(to)) byTo.set(to, { to, at: record.receivedAt });
		}
		return [...byTo.values()].sort((a, b) => a.to - b.to);
	}

	async function emitted() {
		const executions = await topology.executions(workflowId);
		return { executions, ids: executions.flatMap((execution) => nodeItems(execution, 'Poll').map((item) => item.transaction_id)) };
	}

	async function waitEmitted(label, timeoutMs = 180_000) {
		const started = Date.now();
		const state = await waitUntil(`${label}: every expected session emitted`, async () => {
			const now = await emitted();
			return expected.every((id) => now.ids.includes(id)) && now.executions.every(isFinal) ? now : undefined;
		}, { timeoutMs, intervalMs: 2000 });
		say(`(c) ${label}: emitted ${Math.round((Date.now() - started) / 1000)} s after it was added`);
		return state;
	}

	async function waitNextPoll(label) {
		const count = polls().length;
		await waitUntil(`${label}: the next poll`, () => polls().length > count, { timeoutMs: 150_000, intervalMs: 1000 });
	}

	/** Every expected session exactly once, the pre-activation one never, every poll execution successful. */
	function exactlyOnce(state) {
		const counts = countBy(state.ids);
		const twice = Object.entries(counts).filter(([, n]) => n > 1).map(([id]) => id);
		const unexpected = state.ids.filter((id) => !expected.includes(id));
		const missing = expected.filter((id) => !state.ids.includes(id));
		const statuses = countBy(state.executions.map((execution) => execution.status));
		const ranOn = topology.ranOn();
		const workers = countBy(state.executions.map((execution) => ranOn[execution.id] ?? 'no worker log line'));
		const summary = `${state.ids.length} sessions emitted in ${state.executions.length} executions ${JSON.stringify(statuses)} (per worker ${JSON.stringify(workers)}); expected ${expected.length}; twice: ${twice.length}, unexpected: ${unexpected.length}, missing: ${missing.length}`;
		assert.deepEqual(twice, [], summary);
		assert.deepEqual(unexpected, [], summary);
		assert.deepEqual(missing, [], summary);
		assert.ok(!state.ids.includes(before[0]), 'the session recorded before activation was emitted');
		assert.deepEqual(Object.keys(statuses), ['success'], summary);
		assert.ok(!('no worker log line' in workers), summary);
		return summary;
	}

	/**
	 * Each stored cursor version carries the window end of one of the trigger's polls, and a later
	 * one than the version before: the cursor never changed without a new poll.
	 */
	function versionsFromPolls(versions) {
		const ends = new Set(polls().map((p) => p.to));
		const untils = versions.map((version) => untilIn(version.text, siteId));
		const foreign = untils.filter((until) => !ends.has(until));
		assert.deepEqual(foreign, [], `stored cursor versions whose until is no poll's window end (poll ends: ${[...ends].map(iso).join(', ')})`);
		const unmoved = untils.filter((until, i) => i > 0 && !(until > untils[i - 1]));
		assert.deepEqual(unmoved, [], `cursor versions changed without a new poll: ${untils.map(iso).join(', ')}`);
	}

	function logsClean() {
		const servers = [topology.servers.main, ...topology.workers.values()];
		const lines = servers.flatMap((server) => readLog(server.logFile).split('\n').filter((line) => OUTSIDE_POLL.test(line)));
		assert.deepEqual(lines.slice(0, 3), [], 'n8n logged a cursor touched outside a poll or a dropped commit');
	}

	return {
		/** Durable cursors off: activation, then two rounds. Resolves when both are emitted. */
		async start(createWorkflow) {
			before = add([Date.now() - 10 * MINUTE]);
			workflowId = await createWorkflow();
			watch = watchCursor(topology.postgres, workflowId);
			await waitUntil('the activation poll', () => polls().length > 0, { timeoutMs: 120_000, intervalMs: 500 });
			await sleep(1500);
			const now = Date.now();
			tie = Math.floor((now - MINUTE) / 1000) * 1000;
			expected.push(...add([now - 3 * MINUTE, now - 2 * MINUTE]), ...add([tie, tie, tie]), ...add([now - 6 * 60 * MINUTE]));
			await waitEmitted('off, round 1 (2 new, 3 sharing a start time, 1 recorded 6 h late)');
			const later = Date.now();
			expected.push(...add([tie]), ...add([later - 5 * 60 * MINUTE]), ...add([later - 30_000]));
			await waitEmitted('off, round 2 (1 sharing the start time of emitted ones, 1 recorded 5 h late, 1 new)');
		},

		async off() {
			const state = await emitted();
			await check('(c) durable cursors OFF (n8n default): new, tied and late sessions each emitted exactly once, none from before activation', () => exactlyOnce(state));
			await check('(c) durable cursors OFF: the cursor is in the workflow\'s static data; every stored version of it was written by a poll', async () => {
				const rows = Number(await topology.postgres.psql(`SELECT count(*) FROM poller_state`));
				const versions = watch.versions('staticData').filter((version) => untilIn(version.text, siteId) !== undefined);
				assert.equal(rows, 0, 'poller_state has rows with durable cursors off');
				assert.ok(versions.length > 0, `no cursor in workflow_entity.staticData (${watch.samples.length} samples; failed: ${watch.failures.slice(-1)})`);
				versionsFromPolls(versions);
				logsClean();
				return `poller_state rows: ${rows}; ${versions.length} stored versions of the cursor (n8n stores it at activation and when a poll emits: ${state.executions.length} did), each with a newer poll's window end (${polls().length} polls in all; ${watch.samples.length} samples)`;
			});
		},

		/** Stops the main, records a session while it is down, starts it with durable cursors on. */
		async switchOn(env) {
			await topology.servers.main.proc.stop();
			expected.push(...add([Date.now() - 20_000]));
			switchedAt = Date.now();
			const main = await topology.restartMain('main-durable', env);
			say(`(c) main restarted with durable poller cursors on (${main.url})`);
		},

		/** Durable cursors on: the session from the downtime, then one more round. */
		async onRounds() {
			await waitEmitted('on, the session recorded while the main was down');
			const now = Date.now();
			const tie2 = Math.floor((now - 90_000) / 1000) * 1000;
			expected.push(...add([tie]), ...add([tie2, tie2]), ...add([now - 4 * 60 * MINUTE]), ...add([now - 20_000]));
			await waitEmitted('on, round 3 (1 sharing the round-1 start time, 2 sharing a new one, 1 recorded 4 h late, 1 new)');
		},

		/** One more poll (nothing new: nothing may be emitted twice), then the checks of the durable phase. */
		async onFinish() {
			await waitNextPoll('on, one more poll');
			// the empty poll's cursor commit: wait until the stored cursor carries its window end. A
			// commit that never comes fails the cursor check below (not here, so that the exactly-once
			// check still runs).
			const last = polls()[polls().length - 1].to;
			let commitMissing;
			await waitUntil('the last poll committed its cursor', async () => untilIn((await topology.postgres.psql(`SELECT cursor::text FROM poller_state WHERE "workflowId" = '${workflowId}' AND "nodeId" = '${POLL_NODE_ID}'`)) || '', siteId) === last, { timeoutMs: 60_000 }).catch((error) => {
				commitMissing = error;
			});
			await sleep(2000); // the watch samples the committed version at least once more
			await watch.stop();
			const state = await emitted();
			await check('(c) durable cursors ON (after a restart of the main): every session of both phases emitted exactly once, nothing twice', () => exactlyOnce(state));
			await check('(c) durable cursors ON: the cursor lives in poller_state, each poll since the switch committed exactly one version of it, and nothing else changed it', () => {
				if (commitMissing) throw commitMissing;
				const versions = watch.versions('poller');
				assert.ok(versions.length > 0, `no cursor version in poller_state was sampled (${watch.samples.length} samples; failed: ${watch.failures.slice(-1)})`);
				// Every poll since the switch up to `last`, whose commit was awaited above, must have
				// committed a version. The main keeps polling: a poll after `last` (started during the
				// wait, or after sampling stopped) may still be in flight, so it is left out here and
				// counted in the summary; a version it did commit is still checked by versionsFromPolls.
				const afterSwitch = polls().filter((p) => p.at >= switchedAt);
				const since = afterSwitch.filter((p) => p.to <= last).map((p) => p.to);
				const later = afterSwitch.length - since.length;
				assert.ok(since.length >= 2, `only ${since.length} polls since the switch to compare (${afterSwitch.length} seen)`);
				const untils = versions.map((version) => untilIn(version.text, siteId));
				versionsFromPolls(versions);
				const committed = untils.filter((until) => since.includes(until));
				assert.deepEqual([...committed].sort(), [...since].sort(), `polls since the switch ${since.map(iso)}; committed versions ${untils.map(iso)}`);
				const staticAfter = new Set(watch.versions('staticData', switchedAt).map((version) => version.text));
				assert.ok(staticAfter.size <= 1, `workflow_entity.staticData changed ${staticAfter.size - 1} times after the switch`);
				logsClean();
				return `${since.length} polls since the switch (${state.executions.length} executions in all; ${later} later ones not compared, possibly in flight), ${versions.length} poller_state versions (one per poll${versions.length > since.length ? ', plus the one seeded from the static data' : ''}); workflow static data unchanged since; no "outside of a poll" or "commit skipped" in any log`;
			});
		},

		async stop() {
			if (watch) await watch.stop();
		},
	};
}

module.exports = { pollPhases, untilIn, watchCursor };
