'use strict';

/**
 * (e) The package missing where n8n needs it, and what a user then sees: a worker without it
 * (the only worker left) takes the executions of a Webhook → ChargePilot workflow and of a Push
 * Trigger workflow; a webhook processor without it takes a push and a webhook call. The messages
 * are captured for the README.
 */

const assert = require('node:assert/strict');

const { push } = require('./push');
const { isFinal, nodeItems, readLog, waitUntil } = require('./topology');

const UNRECOGNIZED = (type) => new RegExp(`Unrecognized node type: n8n-nodes-chargepilot\\.${type}`);

/** The webhook processor without the package: it can start while other checks run (it serves only what is sent to it). */
function startBareWebhookProcessor(topology) {
	const started = topology.cluster.startWebhookProcessor('webhook-no-package', { withPackage: false });
	started.then((server) => topology.extra.push(server)).catch(() => {});
	return started;
}

async function checkMissingPackage({ topology, sandbox, check, say, ops, push: target, bareWebhookProcessor }) {
	// Only workers without the package from now on.
	await Promise.all([...topology.workers.values()].map((server) => server.proc.stop()));
	const [bare, bareWebhook] = await Promise.all([topology.startWorker('w3-no-package', { withPackage: false }), bareWebhookProcessor ?? startBareWebhookProcessor(topology)]);
	say(`(e) worker w3-no-package (${bare.url}) and webhook processor webhook-no-package (${bareWebhook.url}) without the package; w1 and w2 stopped`);

	const newest = async (workflowId, known) => (await topology.executions(workflowId)).filter((execution) => !known.has(execution.id)).at(-1);
	const ids = async (workflowId) => new Set((await topology.executions(workflowId, { includeData: false })).map((execution) => execution.id));
	const [opsKnown, pushKnown] = [await ids(ops.workflowId), await ids(target.workflowId)];
	const opsAnswer = await topology.servers.webhook.client.request('GET', `/webhook/${ops.path}`, { timeoutMs: 180_000 });
	const pushAnswer = await push(`${topology.webhookUrl}/webhook/${target.path}`, target.key, sandbox.addEvents(target.siteId, 2));
	let opsExecution;
	let pushExecution;
	// The failed executions keep no trigger items: they are the new ones.
	await waitUntil('the executions on the worker without the package final', async () => {
		opsExecution = await newest(ops.workflowId, opsKnown);
		pushExecution = await newest(target.workflowId, pushKnown);
		return opsExecution && isFinal(opsExecution) && pushExecution && isFinal(pushExecution);
	}, { timeoutMs: 120_000 });
	const ranOn = topology.ranOn();
	const message = (execution) => execution.data?.resultData?.error?.message ?? null;
	const workerLines = [...new Set(readLog(bare.logFile).split('\n').filter((line) => /Unrecognized node type/.test(line)).map((line) => line.trim()))];

	await check('(e) worker without the package: the Webhook → ChargePilot execution fails with "Unrecognized node type: n8n-nodes-chargepilot.chargePilot"', () => {
		assert.equal(ranOn[opsExecution.id], 'w3-no-package');
		assert.equal(opsExecution.status, 'error');
		assert.match(message(opsExecution), UNRECOGNIZED('chargePilot'));
		return `caller got HTTP ${opsAnswer.status} ${opsAnswer.text.slice(0, 200)}; execution ${opsExecution.id}: ${opsExecution.status}, "${message(opsExecution)}"`;
	});
	await check('(e) worker without the package: a push is acknowledged (the webhook processor has the package) but its execution fails with "Unrecognized node type: n8n-nodes-chargepilot.chargePilotPushTrigger"', () => {
		assert.equal(pushAnswer.status, 200, pushAnswer.body);
		assert.equal(ranOn[pushExecution.id], 'w3-no-package');
		assert.equal(pushExecution.status, 'error');
		assert.match(message(pushExecution), UNRECOGNIZED('chargePilotPushTrigger'));
		return `push: HTTP ${pushAnswer.status} ${pushAnswer.body}; execution ${pushExecution.id}: ${pushExecution.status}, "${message(pushExecution)}", its sessions kept in its data: ${nodeItems(pushExecution, 'Push').length}; worker log: ${workerLines.slice(0, 2).join(' | ') || '(nothing)'}`;
	});

	const count = async (workflowId) => (await topology.executions(workflowId, { includeData: false })).length;
	const [opsBefore, pushBefore] = [await count(ops.workflowId), await count(target.workflowId)];
	const refused = sandbox.addEvents(target.siteId, 1);
	const bareOps = await bareWebhook.client.request('GET', `/webhook/${ops.path}`, { timeoutMs: 60_000 });
	const barePush = await push(`${bareWebhook.url}/webhook/${target.path}`, target.key, refused);
	await check('(e) webhook processor without the package: pushes and webhook calls get HTTP 400 "Unrecognized node type: …" and start nothing', async () => {
		assert.equal(barePush.status, 400, barePush.body);
		assert.match(barePush.body, UNRECOGNIZED('chargePilotPushTrigger'));
		assert.equal(bareOps.status, 400, bareOps.text);
		assert.match(bareOps.text, UNRECOGNIZED('chargePilot'));
		const [opsAfter, pushAfter] = [await count(ops.workflowId), await count(target.workflowId)];
		assert.equal(pushAfter, pushBefore, 'push executions started');
		assert.equal(opsAfter, opsBefore, 'Webhook → ChargePilot executions started');
		const short = (text) => JSON.parse(text).message;
		return `push: HTTP ${barePush.status} "${short(barePush.body)}"; Webhook → ChargePilot: HTTP ${bareOps.status} "${short(bareOps.text)}"; push executions ${pushBefore} → ${pushAfter}, Webhook → ChargePilot executions ${opsBefore} → ${opsAfter}`;
	});
}

module.exports = { checkMissingPackage, startBareWebhookProcessor };
