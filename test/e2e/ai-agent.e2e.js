#!/usr/bin/env node
'use strict';

/**
 * End to end: the ChargePilot tools in n8n's AI Agent. examples/ai-agent-charging-report.json
 * (Manual Trigger → AI Agent ← OpenAI Chat Model + three ChargePilot tools: Site → Get Many,
 * Charging Event → Get Many with Site, From and To from $fromAI(), Custom Request with a path from
 * $fromAI()) runs in a real n8n 2.41.1 and 1.123.81, installed from the packed package, with the
 * OpenAI Chat Model pointed at the scripted model server (dev/sandbox/model) and the ChargePilot
 * credential at the sandbox. The ways users run it: `n8n execute`, a manual run through n8n's
 * server (POST /rest/workflows/{id}/run, what the editor's "Execute workflow" sends), and production
 * executions of the activated workflow behind a Chat Trigger (streaming) and a Webhook; with the
 * AI Agent as shipped (3), the default of new workflows (3.1 on 2.x) and 2.2. Plus two combinations
 * n8n does not support, run for the exact symptom the README gives.
 *
 * Everything is checked on what the model received (tools offered, tool results) and what the
 * sandbox received (signed, verified requests); the model's view and the sizes are printed.
 * Loopback only; every n8n process is started here and stopped by its PID and group.
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');

const { waitUntilEnded } = require('../../dev/n8n/client');
const { EXAMPLES } = require('../../dev/paths');
const { startModelServer } = require('../../dev/sandbox/model');
const { casesFor, caseWorkflow, credentials, EXAMPLE_FILE, MODEL_KEY, readExample } = require('./ai-agent/cases');
const { agentOutput, checkCase } = require('./ai-agent/expectations');
const { runSuite } = require('./runner');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** A line's ceiling (the whole suite aims at 8 minutes for both lines). */
const MAX_MS_PER_LINE = 9 * 60_000;
/** How long one agent run may take before the suite gives up on it. */
const RUN_TIMEOUT_MS = 120_000;

/** Every examples/ai-*.json must be run here: run.js leaves them out (they need a model). */
function checkAiExamplesCovered() {
	const aiExamples = fs.readdirSync(EXAMPLES).filter((file) => /^ai-.*\.json$/.test(file));
	assert.deepEqual(aiExamples, [EXAMPLE_FILE], `examples/ai-*.json are run by this suite only; teach it ${aiExamples.filter((file) => file !== EXAMPLE_FILE).join(', ')}`);
}

/** An execution once it has ended with its run data (public API). */
async function executionById(n8n, id) {
	return await waitUntilEnded(async () => (await n8n.api('GET', `/executions/${id}?includeData=true`)).json, { what: `execution ${id}`, timeoutMs: RUN_TIMEOUT_MS });
}

/** The workflow's latest execution once it has ended with its run data (public API). */
async function latestExecution(n8n, workflowId) {
	return await waitUntilEnded(async () => (await n8n.api('GET', `/executions?workflowId=${workflowId}&includeData=true&limit=1`)).json?.data?.[0], {
		what: `the latest execution of workflow ${workflowId}`,
		timeoutMs: RUN_TIMEOUT_MS,
	});
}

/** The text of a Chat Trigger's streamed answer (JSON lines: begin, item…, end); undefined when it is not one. */
function streamedText(text) {
	try {
		const chunks = text
			.split('\n')
			.filter((line) => line.trim())
			.map((line) => JSON.parse(line));
		return chunks.some((chunk) => chunk.type === 'item') ? chunks.filter((chunk) => chunk.type === 'item').map((chunk) => chunk.content).join('') : undefined;
	} catch {
		return undefined;
	}
}

async function aiLine({ line, instance, sandbox, check, startN8n, signIn }) {
	checkAiExamplesCovered();
	const model = await startModelServer({ apiKey: MODEL_KEY });
	try {
		const example = readExample();
		const cases = casesFor(line).map((c) => ({ ...c, workflow: caseWorkflow(example, c) }));
		for (const c of cases) model.setScript(c.modelName, c.script);
		await instance.importCredentials(credentials(sandbox, model));
		await instance.importWorkflows(cases.map((c) => c.workflow));
		let shown = false;
		const runCase = async (c, run, answer) => {
			await checkCase({ check, c, version: instance.version, records: model.requestsFor(c.modelName), requests: [...sandbox.requests], sandbox, run, answer, workflow: c.workflow, printShown: !shown && c.expect === 'answers' });
			shown ||= c.expect === 'answers' && model.requestsFor(c.modelName).length > 0;
		};
		const fresh = () => {
			model.clearRequests();
			sandbox.clearRequests();
		};

		// `n8n execute`, before the server runs (one process on the database at a time).
		for (const c of cases.filter((entry) => entry.path === 'execute')) {
			fresh();
			const { run, ms, exitCode } = await instance.execute(c.workflowId);
			console.log(`  [${c.key}] n8n execute: ${seconds(ms)} (exit ${exitCode})`);
			await runCase(c, run, agentOutput(run));
		}

		const server = await startN8n();
		const n8n = await signIn(server);

		for (const c of cases.filter((entry) => entry.path === 'manual')) {
			fresh();
			const trigger = c.workflow.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
			// What the editor sends for "Execute workflow", or for "Execute step" on the AI Agent
			// (destinationNode). n8n 1.x runs the workflow it is sent (workflowData); 2.x the stored one.
			const body = {
				startNodes: [],
				...(c.step ? { destinationNode: { nodeName: 'AI Agent', mode: 'inclusive' } } : { triggerToStartFrom: { name: trigger.name } }),
				...(line === 1 ? { workflowData: c.workflow } : {}),
			};
			const started = Date.now();
			const res = await n8n.rest('POST', `/workflows/${c.workflowId}/run`, body);
			let execution;
			if (res.status === 200 && res.json?.data?.executionId) execution = await executionById(n8n, res.json.data.executionId);
			console.log(`  [${c.key}] manual run${c.step ? ' (Execute step)' : ''}: HTTP ${res.status}, finished after ${seconds(Date.now() - started)}`);
			if (!execution) {
				await check(`${c.key}: POST /rest/workflows/{id}/run starts an execution`, () => assert.fail(`HTTP ${res.status} ${res.text.slice(0, 500)}`));
				continue;
			}
			await runCase(c, execution, agentOutput(execution));
		}

		const production = cases.filter((entry) => entry.path === 'chat' || entry.path === 'webhook');
		for (const c of production) {
			const res = await n8n.api('POST', `/workflows/${c.workflowId}/activate`);
			assert.equal(res.status, 200, `activate ${c.key}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
		}
		for (const c of production) {
			const trigger = c.workflow.nodes.find((node) => node.webhookId);
			const url = c.path === 'chat' ? `/webhook/${trigger.webhookId}/chat` : `/webhook/${trigger.parameters.path}`;
			const body = c.path === 'chat' ? { action: 'sendMessage', sessionId: `session-${c.workflowId}`, chatInput: 'Which of my sites charged the most last week?' } : { question: 'report' };
			// Registration follows activation: the first answer that is not 404 is the run.
			let res;
			const started = Date.now();
			for (const until = Date.now() + 60_000; ; await sleep(500)) {
				fresh();
				res = await n8n.request('POST', url, { body, timeoutMs: RUN_TIMEOUT_MS });
				if (res.status !== 404 || Date.now() > until) break;
			}
			console.log(`  [${c.key}] POST ${url}: HTTP ${res.status} after ${seconds(Date.now() - started)} (${res.headers['content-type']})`);
			const execution = await latestExecution(n8n, c.workflowId);
			const answer = c.path === 'chat' ? streamedText(res.text) : res.json?.output;
			await check(`n8n ${instance.version} ${c.key}: the ${c.path === 'chat' ? 'chat' : 'webhook'} answers 200 with the agent's text, which the execution's AI Agent output holds too`, () => {
				assert.equal(res.status, 200, res.text.slice(0, 500));
				// Not vacuous: two missing answers (undefined) would be equal too.
				assert.ok(typeof answer === 'string' && answer.length > 0, `answer: ${JSON.stringify(answer)}; ${res.text.slice(0, 300)}`);
				assert.equal(answer, agentOutput(execution));
			});
			await runCase(c, execution, answer);
		}
	} finally {
		await model.close();
	}
}

runSuite({
	name: 'ai-agent e2e',
	sandbox: { signedPath: 'full' },
	maxMsPerLine: MAX_MS_PER_LINE,
	needsFiles: ['dist/nodes/ChargePilot/ChargePilot.node.js', 'dist/nodes/ChargePilot/actions/common.descriptions.js'],
	line: aiLine,
});
