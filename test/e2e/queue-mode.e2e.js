#!/usr/bin/env node
'use strict';

/**
 * The package in n8n's queue mode (n8n 2.41.1): Redis and Postgres started here (127.0.0.1, free
 * ports, data in the run's temporary folder), one main (`n8n start`), two workers (`n8n worker`)
 * and one webhook processor (`n8n webhook`), each with the packed package in its own nodes folder.
 * What it proves, each check printing its counts:
 *
 *   (a) node operations run by workers through the production path, every signature verified;
 *   (b) the Push Trigger behind the webhook processor: 500 sessions in 100 concurrent pushes →
 *       500 items, each exactly once, on both workers; a wrong key → 401, no execution;
 *   (c) the polling trigger on the main: new, tied and late sessions each exactly once, with
 *       n8n's durable poller cursors off and on, the cursor changed only by polls;
 *   (d) a worker SIGKILLed while it runs ChargePilot executions: the other goes on, nothing runs
 *       twice; what n8n reports for the killed executions and what was lost is printed;
 *   (e) the package missing on a worker and on a webhook processor: the messages a user sees.
 *
 *   node test/e2e/queue-mode.e2e.js [--keep]      (after npm run build; needs redis-server and
 *                                                  postgresql: dev/services/install.sh)
 *   QUEUE_E2E_PARTS=c,e node test/e2e/queue-mode.e2e.js      some of the checks only
 *   QUEUE_E2E_EXPRESSION_ENGINE=vm …                          the webhook processor on n8n's default
 *                                                             expression engine (or vm-lazy; see below)
 */

const { startSandbox } = require('../../dev/sandbox');
const { checkKill } = require('./queue/kill');
const { checkMissingPackage, startBareWebhookProcessor } = require('./queue/missing-package');
const { checkOperations } = require('./queue/operations');
const { pollPhases } = require('./queue/poll');
const { checkPush } = require('./queue/push');
const { DURABLE_CURSORS_ENV, startTopology } = require('./queue/topology');
const { operationsWorkflow, pollWorkflow, pushWorkflow, slowPushWorkflow } = require('./queue/workflows');
const { runSuite } = require('./runner');

/** The suite's own time limit (its watchdog): a run takes about 9 minutes on a busy 2-core machine. */
const MAX_MS = 20 * 60_000;
/** The sandbox's keys: one for the operations, one for the polling trigger (their requests told apart). */
const KEYS = [
	{ apiKey: 'queue-e2e-operations-key', apiSecret: 'queue-e2e-operations-secret' },
	{ apiKey: 'queue-e2e-poll-key', apiSecret: 'queue-e2e-poll-secret' },
];
const PUSH_KEY = 'queue-e2e-Push-Key-7f3a9c21d4b86e05';
/**
 * The slow ChargePilot of check (d): every answer after this long (the sandbox caps delays at 60 s).
 * Every execution must have started, its call waiting, before the first call is answered: near the
 * cap, so that a busy machine has most of a minute to start all of them.
 */
const SLOW_MS = 55_000;
/**
 * The webhook processor's expression engine. n8n 2.41.1 starts a "vm" expression isolate for every
 * webhook request whose trigger is not its own Webhook node, so for every push; under a burst of 100
 * concurrent pushes its default engine ("vm") answered most of them 500 (CPU and database pool
 * exhausted; measured, see the README's queue-mode section), also with lazy isolates, "legacy" took
 * all. The README tells users the same. QUEUE_E2E_EXPRESSION_ENGINE=vm (or vm-lazy) runs the suite
 * with the webhook processor on n8n's default (or with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE) to see it.
 */
const ENGINES = {
	legacy: { N8N_EXPRESSION_ENGINE: 'legacy' },
	vm: { N8N_EXPRESSION_ENGINE: 'vm' },
	'vm-lazy': { N8N_EXPRESSION_ENGINE: 'vm', N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
};
const WEBHOOK_ENV = ENGINES[process.env.QUEUE_E2E_EXPRESSION_ENGINE || 'legacy'];
if (!WEBHOOK_ENV) throw new Error(`QUEUE_E2E_EXPRESSION_ENGINE: one of ${Object.keys(ENGINES).join(', ')}`);
/** The checks to run (all by default); QUEUE_E2E_PARTS=c,e runs some, e.g. while working on them. */
const PARTS = new Set((process.env.QUEUE_E2E_PARTS || 'a,b,c,d,e').split(','));

const say = (text) => console.log(`  ${text}`);

async function queueLine({ root, packed, sandbox, check }) {
	const slowSandbox = await startSandbox({ faults: { latencyMs: SLOW_MS }, recordLimit: Infinity });
	let topology;
	let poll;
	try {
		// Check (c) restarts the main (with queue recovery every 30 s) before check (d) needs it: the
		// first main runs without it, so it cannot race with (b)'s burst (topology.js MAIN_ENV).
		topology = await startTopology({ root, packed, say, webhookEnv: WEBHOOK_ENV, recoverySoon: !(PARTS.has('c') && PARTS.has('d')) });
		const credential = (name, type, data) => topology.createCredential(name, type, data);
		const apiData = (box, key) => ({ region: 'custom', baseUrl: box.baseUrl, apiKey: key.apiKey, apiSecret: key.apiSecret, signedPath: 'full' });
		const [opsCredential, pollCredential, slowCredential, pushCredential] = await Promise.all([
			credential('ChargePilot sandbox (operations)', 'chargePilotApi', apiData(sandbox, KEYS[0])),
			credential('ChargePilot sandbox (polling)', 'chargePilotApi', apiData(sandbox, KEYS[1])),
			credential('ChargePilot slow sandbox', 'chargePilotApi', apiData(slowSandbox, { apiKey: slowSandbox.apiKey, apiSecret: slowSandbox.apiSecret })),
			credential('ChargePilot push', 'chargePilotPushApi', { subscriptionKey: PUSH_KEY }),
		]);

		const ops = { path: 'cp-queue-ops', siteId: 'site-berlin-depot', apiKey: KEYS[0].apiKey, window: { from: '2026-03-01T00:00:00Z', to: '2026-03-08T00:00:00Z', pageSize: 50 } };
		const push = { path: 'cp-queue-push', siteId: 'site-amsterdam-office', key: PUSH_KEY };
		const kill = { path: 'cp-queue-kill', siteId: 'site-brooklyn-fleet-yard', key: PUSH_KEY, slowMs: SLOW_MS };
		ops.workflowId = await topology.createActiveWorkflow(operationsWorkflow({ path: ops.path, credential: opsCredential, siteId: ops.siteId, window: ops.window }));
		push.workflowId = await topology.createActiveWorkflow(pushWorkflow({ path: push.path, credential: pushCredential }));
		kill.workflowId = await topology.createActiveWorkflow(slowPushWorkflow({ path: kill.path, credential: pushCredential, apiCredential: slowCredential }));
		await Promise.all([topology.waitForWebhook('GET', ops.path), topology.waitForWebhook('POST', push.path), topology.waitForWebhook('POST', kill.path)]);
		say('workflows created and activated through the public API; their webhooks are served by the webhook processor');

		const context = { topology, sandbox, slowSandbox, check, say, ops, push, kill };
		const site = 'site-los-angeles-showroom';
		poll = PARTS.has('c') ? pollPhases({ ...context, poll: { siteId: site, apiKey: KEYS[1].apiKey } }) : undefined;
		// (c) with durable cursors off runs while (a) and (b) do.
		const pollOff = poll?.start(() => topology.createActiveWorkflow(pollWorkflow({ credential: pollCredential, siteId: site })));
		pollOff?.catch(() => {}); // awaited below
		if (PARTS.has('a')) await checkOperations(context);
		if (PARTS.has('b')) await checkPush(context);
		let pollOn;
		if (poll) {
			await pollOff;
			await poll.off();
			await poll.switchOn(DURABLE_CURSORS_ENV);
			await poll.onRounds();
			// (d) once the poll rounds are emitted: no poll execution can be on the worker it kills.
			pollOn = poll.onFinish();
			pollOn.catch(() => {});
		}
		// (e)'s webhook processor without the package starts meanwhile (it only serves what (e) sends it).
		const bareWebhookProcessor = PARTS.has('e') ? startBareWebhookProcessor(topology) : undefined;
		bareWebhookProcessor?.catch(() => {});
		if (PARTS.has('d')) await checkKill(context);
		await pollOn;
		if (PARTS.has('e')) await checkMissingPackage({ ...context, bareWebhookProcessor });
	} finally {
		if (poll) await poll.stop();
		if (topology) await topology.stop();
		await slowSandbox.close();
	}
}

runSuite({
	name: 'queue-mode e2e',
	lines: [2],
	instance: false,
	sandbox: { keys: KEYS, recordLimit: Infinity },
	maxMsPerLine: MAX_MS,
	needsFiles: ['dist/nodes/ChargePilot/ChargePilot.node.js', 'dist/nodes/ChargePilotTrigger/ChargePilotTrigger.node.js', 'dist/nodes/ChargePilotPushTrigger/ChargePilotPushTrigger.node.js'],
	line: queueLine,
});
