'use strict';

/**
 * (d) A worker killed (SIGKILL, by its PID) while it runs ChargePilot executions: pushes whose
 * workflow calls a slow ChargePilot (a second sandbox that answers after a delay) fill both
 * workers; one is killed while its calls are on the wire. What n8n guarantees is asserted: the
 * other worker and the webhook processor go on, every execution of the killed worker ends in a
 * final state (none stays "running"), no session is run twice. What it reports for the killed
 * executions, and which acknowledged sessions are gone with them, is printed.
 */

const assert = require('node:assert/strict');

const { push } = require('./push');
const { countBy, isFinal, nodeItems, waitUntil } = require('./topology');

const PUSHES = 10;
const PER_PUSH = 2;

async function checkKill({ topology, slowSandbox, check, say, kill }) {
	const url = `${topology.webhookUrl}/webhook/${kill.path}`;
	const events = slowSandbox.addEvents(kill.siteId, PUSHES * PER_PUSH);
	const answers = await Promise.all(Array.from({ length: PUSHES }, (_, i) => push(url, kill.key, events.slice(i * PER_PUSH, (i + 1) * PER_PUSH))));

	let executions = [];
	// Every execution started on a worker and its ChargePilot call waiting at the slow sandbox.
	const ranOnAll = await waitUntil(`${PUSHES} executions started, their ChargePilot calls on the wire`, async () => {
		executions = await topology.executions(kill.workflowId, { includeData: false });
		const ranOn = topology.ranOn();
		const waiting = slowSandbox.requests.filter((record) => record.status === null).length;
		return executions.length >= PUSHES && executions.every((execution) => ranOn[execution.id]) && waiting >= PUSHES ? ranOn : undefined;
	}, { timeoutMs: 120_000, intervalMs: 250 });
	const onWorker = (name) => executions.filter((execution) => ranOnAll[execution.id] === name).map((execution) => execution.id);
	const victim = onWorker('w1').length >= onWorker('w2').length ? 'w1' : 'w2';
	const survivor = victim === 'w1' ? 'w2' : 'w1';
	const victimIds = onWorker(victim);
	const pending = slowSandbox.requests.filter((record) => record.status === null).length;
	const proc = topology.workers.get(victim).proc;
	const killedAt = Date.now();
	proc.signal('SIGKILL');
	await proc.exited;
	await proc.stop(); // what is left of its group (the task runner)
	say(`(d) SIGKILL to ${victim} (PID ${proc.pid}) running executions ${victimIds.join(', ')}; ${survivor} runs ${onWorker(survivor).join(', ')}; ${pending} ChargePilot calls on the wire`);

	const after = slowSandbox.addEvents(kill.siteId, 2 * PER_PUSH);
	const afterAnswers = await Promise.all([after.slice(0, PER_PUSH), after.slice(PER_PUSH)].map((batch) => push(url, kill.key, batch)));

	const timeline = [];
	// The survivor's calls (up to slowMs), the 2 new executions possibly queued behind them (slowMs
	// more), queue recovery of the killed ones (every 30 s), and room for a busy machine.
	await waitUntil('every execution of the kill workflow final', async () => {
		executions = await topology.executions(kill.workflowId);
		const statuses = JSON.stringify(countBy(executions.map((execution) => execution.status)));
		if (timeline.at(-1)?.statuses !== statuses) timeline.push({ s: Math.round((Date.now() - killedAt) / 1000), statuses });
		return executions.length >= PUSHES + 2 && executions.every(isFinal);
	}, { timeoutMs: 2 * kill.slowMs + 150_000, intervalMs: 1000 });
	const ranOn = topology.ranOn();
	const killed = executions.filter((execution) => victimIds.includes(execution.id));
	const others = executions.filter((execution) => !victimIds.includes(execution.id));
	const pushed = [...events, ...after].map((event) => event.transaction_id);
	const inData = countBy(executions.flatMap((execution) => nodeItems(execution, 'Push').map((item) => item.TransactionID)));
	const lost = pushed.filter((id) => !inData[id]);
	const report = killed.map((execution) => ({
		id: execution.id,
		status: execution.status,
		message: execution.data?.resultData?.error?.message ?? null,
		sessionsInItsData: nodeItems(execution, 'Push').length,
	}));

	await check(`(d) the ${PUSHES} pushes before and 2 after the kill were acknowledged (the webhook processor is unaffected)`, () => {
		const statuses = countBy([...answers, ...afterAnswers].map((answer) => `${answer.status} ${answer.body}`));
		assert.deepEqual(statuses, { [`200 {"received":${PER_PUSH}}`]: PUSHES + 2 }, JSON.stringify(statuses));
		return `answers: ${JSON.stringify(statuses)}`;
	});
	await check(`(d) the other worker (${survivor}) finished its executions and the 2 new ones`, () => {
		const summary = countBy(others.map((execution) => `${execution.status} on ${ranOn[execution.id]}`));
		assert.deepEqual(summary, { [`success on ${survivor}`]: others.length }, JSON.stringify(summary));
		assert.equal(others.length, PUSHES + 2 - victimIds.length);
		return `${JSON.stringify(summary)}`;
	});
	await check(`(d) the killed worker's executions (killed with their ChargePilot calls on the wire) end in a final state: not "success", not left running`, () => {
		assert.ok(pending >= victimIds.length, `${pending} ChargePilot calls were waiting at the kill`);
		assert.equal(killed.length, victimIds.length);
		for (const execution of killed) assert.ok(['error', 'crashed'].includes(execution.status), `${execution.id}: ${execution.status}`);
		return `${pending} calls waiting at the kill; ${killed.length} killed executions: ${JSON.stringify(countBy(killed.map((execution) => execution.status)))}; status over time (s after the kill): ${timeline.map((t) => `${t.s}s ${t.statuses}`).join(' → ')}`;
	});
	await check('(d) no pushed session ran twice (each is in at most one execution)', () => {
		const twice = Object.entries(inData).filter(([, n]) => n > 1);
		assert.deepEqual(twice, []);
		return `${pushed.length} sessions pushed and acknowledged; ${Object.keys(inData).length} in some execution's data, each once`;
	});

	say(`(d) what n8n reports for the killed executions:`);
	for (const entry of report) say(`      execution ${entry.id}: ${entry.status}${entry.message ? `, "${entry.message}"` : ', no error message'}; pushed sessions still in its data: ${entry.sessionsInItsData}`);
	say(`(d) acknowledged sessions in no execution's data (lost with the killed worker): ${lost.length} of ${pushed.length}${lost.length ? ` (${lost.join(', ')})` : ''}`);

	// A retry of each killed execution through the public API: what does it bring back?
	const retried = [];
	for (const execution of killed) {
		const res = await topology.n8n.api('POST', `/executions/${execution.id}/retry`, { loadWorkflow: false });
		retried.push(`${execution.id}: HTTP ${res.status}`);
	}
	let retries = [];
	await waitUntil('the retries final', async () => {
		retries = (await topology.executions(kill.workflowId)).filter((execution) => execution.retryOf && victimIds.includes(String(execution.retryOf)));
		return retries.length >= killed.length && retries.every(isFinal);
	}, { timeoutMs: kill.slowMs + 60_000 }).catch(() => {}); // a retry that calls ChargePilot waits slowMs
	say(`(d) POST /api/v1/executions/{id}/retry of each: ${retried.join(', ')}; retries: ${retries.map((r) => `${r.id} (of ${r.retryOf}) ${r.status}, ${nodeItems(r, 'Push').length} sessions${r.data?.resultData?.error?.message ? `, "${r.data.resultData.error.message.slice(0, 80)}"` : ''}`).join('; ') || 'none ran'}`);
	return { victim, survivor, lost };
}

module.exports = { checkKill };
