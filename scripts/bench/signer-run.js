'use strict';

/** Our signer against the guide's reference implementation (signer.js, in one process per Node), and its table. */

const path = require('node:path');

const { REPO } = require('../../dev/paths');
const { runNodeScript } = require('./measure');
const { fmt, table } = require('./report');

async function runSigner(options, n8nNode, n8nNodeVersion, problems) {
	const runtimes = [n8nNode];
	if (process.version !== n8nNodeVersion) runtimes.push(process.execPath); // n8n 1.x users run Node 20
	const results = [];
	for (const bin of runtimes) {
		try {
			results.push(await runNodeScript(bin, path.join(__dirname, 'signer.js'), { repo: REPO, ms: options.signerMs }, 120_000));
		} catch (error) {
			problems.push(`signer: ${error.message}`);
		}
	}
	console.log('\nSigner, in one process (median of alternating rounds of 20,000 signatures)');
	const rows = [];
	for (const r of results) {
		const row = (name, rate) => [r.node, name, fmt.int(rate), (1e6 / rate).toFixed(2), fmt.x(rate / r.reference)];
		rows.push(row('reference: the guide, sha256(secret) hex then HMAC, per request', r.reference));
		rows.push(row('ours: signWithHashedSecret, hash cached', r.core));
		rows.push(row('ours: signRequestOptions (all of authenticate)', r.authenticate));
	}
	console.log(table(['node', 'signer', 'ops/s', 'µs/op', 'vs reference'], rows, ['l', 'l', 'r', 'r', 'r']));
	return results;
}

module.exports = { runSigner };
