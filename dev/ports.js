'use strict';

/** Loopback TCP ports: a free one, and whether a given one can be bound. */

const net = require('node:net');

const HOST = '127.0.0.1';

/** A port that was free on 127.0.0.1 a moment ago (the OS picks it). */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, HOST, () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Resolves null when `port` can be bound on 127.0.0.1, else the error code (EADDRINUSE, EACCES...). */
function probePort(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', (error) => resolve(error.code || String(error)));
		server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve(null)));
	});
}

module.exports = { HOST, freePort, probePort };
