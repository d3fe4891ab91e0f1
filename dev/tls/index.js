'use strict';

/**
 * Throw-away TLS for tests: a test CA made for one run and a server certificate signed by it for
 * the host names a test serves (e.g. the registry host the local registry proxy serves). Made with
 * the openssl CLI (node:crypto parses X.509 but cannot create it); run through the process manager,
 * each command bounded. Everything is written into `dir` (the caller's temporary folder, removed
 * with it): never commit what this makes.
 */

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { processes: defaultProcesses } = require('../process');

/** P-256 keys: fast to make (0.1 s) and accepted by Node and npm. */
const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * Makes `ca.pem` (a CA valid for `days`, with a random serial in its name so two runs never share
 * one) and `server.pem` / `server.key` for `hosts` (DNS names; the first is the subject) in `dir`.
 * Returns { caFile, certFile, keyFile, cert, key, subject } (cert and key as Buffers).
 * Fails with openssl's own message when openssl is missing or refuses.
 */
async function createTestCertificates({ dir, hosts, days = 2, processes = defaultProcesses }) {
	if (!Array.isArray(hosts) || hosts.length === 0) throw new TypeError('createTestCertificates: hosts must name at least one DNS name');
	fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
	const file = (name) => path.join(dir, name);
	const subject = `/CN=chargepilot test CA ${crypto.randomBytes(6).toString('hex')}`;

	async function openssl(args) {
		let result;
		try {
			result = await processes.run('openssl', args, { cwd: dir, timeoutMs: 60_000 });
		} catch (error) {
			throw new Error(`openssl could not be started (${error.code || error.message}); install it (Debian: apt-get install openssl)`);
		}
		if (result.status !== 0) throw new Error(`openssl ${args[0]} failed (exit ${result.status}${result.timedOut ? ', timed out' : ''}): ${result.stderr.trim().slice(-1500)}`);
	}

	await openssl(['req', '-x509', ...KEY, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', String(days), '-subj', subject,
		'-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
	await openssl(['req', ...KEY, '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${hosts[0]}`]);
	fs.writeFileSync(
		file('server.ext'),
		[`subjectAltName=${hosts.map((host) => `DNS:${host}`).join(',')}`, 'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth', ''].join('\n'),
	);
	await openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', String(days), '-extfile', 'server.ext']);
	// Nothing but the CA certificate and the server's pair is needed later; the CA's key goes at once.
	for (const name of ['ca.key', 'ca.srl', 'server.csr', 'server.ext']) fs.rmSync(file(name), { force: true });

	return {
		caFile: file('ca.pem'),
		certFile: file('server.pem'),
		keyFile: file('server.key'),
		cert: fs.readFileSync(file('server.pem')),
		key: fs.readFileSync(file('server.key')),
		subject,
	};
}

module.exports = { createTestCertificates };
