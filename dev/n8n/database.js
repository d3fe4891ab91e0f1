'use strict';

/**
 * Reading an n8n user folder's SQLite database (database.sqlite) while no n8n runs on it: with the
 * harness's sqlite3 add-on, in a child process on the harness's Node (the add-on is built for that
 * Node and crashes, SIGSEGV, when loaded into another).
 */

const fs = require('node:fs');
const path = require('node:path');

const { processes: defaultProcesses } = require('../process');

const SCRIPT = `
const sqlite3 = require(process.argv[1]);
const queries = JSON.parse(process.argv[3]);
const db = new sqlite3.Database(process.argv[2], sqlite3.OPEN_READONLY, (error) => {
	if (error) throw error;
	const results = [];
	const next = () => {
		if (results.length === queries.length) {
			process.stdout.write(JSON.stringify(results));
			return db.close();
		}
		db.all(queries[results.length], (e, rows) => {
			if (e) throw e;
			results.push(rows);
			next();
		});
	};
	next();
});`;

/**
 * Runs read-only SQL `queries` (an array of statements) on `db` with the harness (ensureHarness)
 * `harness`; resolves with one array of rows per query. Throws when the file is missing or a
 * query fails.
 */
async function queryDatabase(harness, db, queries, { processes = defaultProcesses } = {}) {
	if (!fs.existsSync(db)) throw new Error(`no database at ${db}`);
	const result = await processes.run(path.join(harness.bin, 'node'), ['-e', SCRIPT, path.join(harness.dir, 'node_modules', 'sqlite3'), db, JSON.stringify(queries)], { timeoutMs: 60_000 });
	if (result.status !== 0) throw new Error(`reading ${db} failed: ${result.stderr.trim().split('\n').slice(-3).join(' | ') || `exit ${result.status}`}`);
	return JSON.parse(result.stdout);
}

module.exports = { queryDatabase };
