'use strict';

/**
 * Seeding the playground's n8n before it starts (`n8n import:*`): only what is missing from its
 * database or changed since the last import (fingerprints in state.json), so a restart keeps the
 * user's edits of unchanged workflows.
 */

const fs = require('node:fs');
const path = require('node:path');

const { queryDatabase } = require('../../dev/n8n');
const { playgroundWorkflows, sandboxCredentials, sha256 } = require('./workflows');

/**
 * state.json: fingerprints of the credentials and workflows as last imported, and which workflows
 * the playground has activated (once: after that they are the user's to switch off).
 */
function readState(file) {
	let state = {};
	try {
		state = JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		// none yet, or unreadable: import everything
	}
	return { credentials: state.credentials || {}, workflows: state.workflows || {}, activated: state.activated || {} };
}

function writeState(file, state) {
	fs.writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
}

/** Ids of the credentials and workflows in n8n's SQLite DB (empty before the first import). */
async function existingIds(instance, db, log) {
	const ids = { credentials: new Set(), workflows: new Set() };
	if (!fs.existsSync(db)) return ids;
	try {
		const [credentials, workflows] = await queryDatabase(instance.harness, db, ['SELECT id FROM credentials_entity', 'SELECT id FROM workflow_entity']);
		for (const row of credentials) ids.credentials.add(row.id);
		for (const row of workflows) ids.workflows.add(row.id);
	} catch (error) {
		log(`  could not read ${db} (${error.message.split('\n')[0]}); importing everything again`);
	}
	return ids;
}

/** "7 workflows: the 3 demos and 4 from examples/" (entries of playgroundWorkflows(); demos have the file "(demo)"). */
function describeNew(entries) {
	const demos = entries.filter(({ file }) => file.startsWith('(')).length;
	const parts = [];
	if (demos) parts.push(`${demos} demo${demos > 1 ? 's' : ''}`);
	if (entries.length > demos) parts.push(`${entries.length - demos} from examples/`);
	return `${entries.length} workflows: ${parts.join(' and ')}`;
}

/**
 * Imports what is missing or changed: the sandbox credentials, the demo workflows and
 * examples/*.json. `paths`: the playground's (db, state, import). Returns { workflows: [{ id, name,
 * file }], imported: { credentials: [id], workflows: [id] } }.
 */
async function importIfNeeded({ instance, sandbox, paths, log }) {
	const state = readState(paths.state);
	const ids = await existingIds(instance, paths.db, log);
	const { workflows, problems } = playgroundWorkflows();
	for (const problem of problems) log(`  skipping ${problem.file}: ${problem.message}`);
	const imported = { credentials: [], workflows: [] };
	const result = { workflows: workflows.map(({ file, workflow }) => ({ id: workflow.id, name: workflow.name, file })), imported };

	const nextState = { ...state, credentials: { ...state.credentials }, workflows: { ...state.workflows } };
	const save = () => writeState(paths.state, nextState);

	const credentials = sandboxCredentials(sandbox).map((credential) => ({ credential, print: sha256(JSON.stringify(credential)) }));
	const stale = credentials.filter(({ credential, print }) => !ids.credentials.has(credential.id) || state.credentials[credential.id] !== print);
	if (stale.length) {
		const first = !fs.existsSync(paths.db);
		log(`  importing ${stale.map(({ credential }) => `credential "${credential.name}"`).join(' and ')} (${sandbox.baseUrl})${first ? '; new database, running migrations' : ''}`);
		await instance.importCredentials(stale.map(({ credential }) => credential), { retry: false });
		for (const { credential, print } of stale) nextState.credentials[credential.id] = print;
		imported.credentials.push(...stale.map(({ credential }) => credential.id));
		save();
	}

	const prints = new Map(workflows.map(({ workflow }) => [workflow.id, sha256(JSON.stringify(workflow))]));
	const pending = workflows.filter(({ workflow }) => !ids.workflows.has(workflow.id) || nextState.workflows[workflow.id] !== prints.get(workflow.id));
	if (!pending.length) return result;
	const dir = path.join(paths.import, 'workflows');
	const writeOnly = (entries) => {
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		for (const { workflow } of entries) fs.writeFileSync(path.join(dir, `${workflow.id}.json`), JSON.stringify(workflow, null, 2));
	};
	const importDir = () => instance.n8n(['import:workflow', '--separate', `--input=${dir}`], { retry: false });
	// New ones in one line (the banner lists them); each replaced one on a line of its own.
	const fresh = pending.filter(({ workflow }) => !ids.workflows.has(workflow.id));
	if (fresh.length === 1) log(`  importing workflow "${fresh[0].workflow.name}" from ${fresh[0].file}`);
	else if (fresh.length > 1) log(`  importing ${describeNew(fresh)}`);
	for (const entry of pending) {
		if (ids.workflows.has(entry.workflow.id)) log(`  importing workflow "${entry.workflow.name}" from ${entry.file} (changed in this checkout: replacing the copy in n8n, and your edits of it)`);
		// A new copy was imported inactive: the playground activates it again (see markActivated).
		delete nextState.activated[entry.workflow.id];
	}
	writeOnly(pending);
	try {
		await importDir();
		for (const { workflow } of pending) nextState.workflows[workflow.id] = prints.get(workflow.id);
		imported.workflows.push(...pending.map(({ workflow }) => workflow.id));
	} catch {
		// One bad file fails the whole batch: import one by one to name it and keep the others.
		log('  batch import failed; importing the workflows one by one');
		for (const entry of pending) {
			writeOnly([entry]);
			try {
				await importDir();
				nextState.workflows[entry.workflow.id] = prints.get(entry.workflow.id);
				imported.workflows.push(entry.workflow.id);
			} catch (single) {
				log(`  could not import ${entry.file}: ${single.message.trim().split('\n').slice(-3).join(' | ')}`);
			}
		}
	}
	save();
	fs.rmSync(paths.import, { recursive: true, force: true });
	return result;
}

/** Remembers that the playground activated a workflow (it does so once per import). */
function markActivated(file, workflowId) {
	const state = readState(file);
	state.activated[workflowId] = new Date().toISOString();
	writeState(file, state);
}

/** Whether the playground activated this workflow since it was last imported. */
function wasActivated(file, workflowId) {
	return Boolean(readState(file).activated[workflowId]);
}

module.exports = { importIfNeeded, markActivated, wasActivated };
