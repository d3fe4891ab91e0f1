'use strict';

/**
 * Seeding the playground's n8n before it starts (`n8n import:*`): only what is missing from its
 * database or changed since the last import (fingerprints in state.json), so a restart keeps the
 * user's edits of unchanged workflows.
 */

const fs = require('node:fs');
const path = require('node:path');

const { processes } = require('../../dev/process');
const { CREDENTIAL_ID, CREDENTIAL_NAME, demoWorkflow, exampleWorkflows, sandboxCredential, sha256 } = require('./workflows');

function readState(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return { credential: null, workflows: {} };
	}
}

/**
 * Ids of the credentials and workflows in n8n's SQLite DB (empty before the first import). Read
 * with the harness's sqlite3 in a child process on the harness's Node 24: the add-on is built for
 * that Node and crashes (SIGSEGV) when loaded into the system Node 20 that may run this script.
 */
async function existingIds(instance, db, log) {
	const ids = { credentials: new Set(), workflows: new Set() };
	if (!fs.existsSync(db)) return ids;
	const script = `
const sqlite3 = require(process.argv[1]);
const db = new sqlite3.Database(process.argv[2], sqlite3.OPEN_READONLY, (error) => {
	if (error) throw error;
	db.all('SELECT id FROM credentials_entity', (e1, credentials) => {
		if (e1) throw e1;
		db.all('SELECT id FROM workflow_entity', (e2, workflows) => {
			if (e2) throw e2;
			process.stdout.write(JSON.stringify({ credentials: credentials.map((r) => r.id), workflows: workflows.map((r) => r.id) }));
			db.close();
		});
	});
});`;
	const { harness } = instance;
	const result = await processes.run(path.join(harness.bin, 'node'), ['-e', script, path.join(harness.dir, 'node_modules', 'sqlite3'), db], { timeoutMs: 30_000 });
	try {
		if (result.status !== 0) throw new Error(result.stderr.trim().split('\n').pop() || `exit ${result.status}`);
		const parsed = JSON.parse(result.stdout);
		for (const id of parsed.credentials) ids.credentials.add(id);
		for (const id of parsed.workflows) ids.workflows.add(id);
	} catch (error) {
		log(`  could not read ${db} (${error.message.split('\n')[0]}); importing everything again`);
	}
	return ids;
}

/**
 * Imports what is missing or changed: the sandbox credential, the demo workflow and
 * examples/*.json. `paths`: the playground's (db, state, import). Returns { workflows: [{ id, name,
 * file }], imported: { credential, workflows: [id] } }.
 */
async function importIfNeeded({ instance, sandbox, paths, log }) {
	const state = readState(paths.state);
	const ids = await existingIds(instance, paths.db, log);
	const credential = sandboxCredential(sandbox);
	const credentialPrint = sha256(JSON.stringify(credential));
	const { found, problems } = exampleWorkflows();
	for (const problem of problems) log(`  skipping ${problem.file}: ${problem.message}`);
	const workflows = [{ file: '(demo)', workflow: demoWorkflow() }, ...found];
	const imported = { credential: false, workflows: [] };
	const result = { workflows: workflows.map(({ file, workflow }) => ({ id: workflow.id, name: workflow.name, file })), imported };

	const nextState = { credential: state.credential, workflows: { ...(state.workflows || {}) } };
	const save = () => fs.writeFileSync(paths.state, `${JSON.stringify(nextState, null, 2)}\n`);

	if (!ids.credentials.has(CREDENTIAL_ID) || state.credential !== credentialPrint) {
		const first = !fs.existsSync(paths.db);
		log(`  importing credential "${CREDENTIAL_NAME}" (${sandbox.baseUrl})${first ? '; new database, running migrations' : ''}`);
		await instance.importCredentials([credential], { retry: false });
		nextState.credential = credentialPrint;
		imported.credential = true;
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
	for (const entry of pending) {
		const again = ids.workflows.has(entry.workflow.id) ? ' (changed, replacing the copy in n8n)' : '';
		log(`  importing workflow "${entry.workflow.name}" from ${entry.file}${again}`);
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

module.exports = { importIfNeeded };
