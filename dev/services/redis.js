'use strict';

/**
 * A throw-away Redis (n8n's queue in queue mode): `redis-server` on 127.0.0.1 and a free port,
 * nothing persisted (no RDB, no AOF), its working folder in `dir`, started and stopped by PID
 * through the process manager.
 */

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const { freePort, HOST } = require('../ports');
const { processes: defaultProcesses } = require('../process');
const { findRedisServer, INSTALL_HINT } = require('./system');

/** Resolves true when a Redis answers PING with +PONG on host:port within `timeoutMs`. */
function ping(port, { host = HOST, timeoutMs = 1000 } = {}) {
	return new Promise((resolve) => {
		const socket = net.connect(port, host);
		let data = '';
		const done = (ok) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(timeoutMs, () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			data += chunk;
			if (data.includes('\r\n')) done(data.startsWith('+PONG'));
		});
		socket.on('error', () => done(false));
	});
}

/**
 * Starts Redis under `name` with its folder (and log, redis.log) in `dir` (created); `port`
 * default: a free one. Resolves once it answers PING: { proc, host, port, ping(), stop() }.
 */
async function startRedis({ dir, port, name = 'redis', processes = defaultProcesses, log } = {}) {
	const bin = findRedisServer();
	if (!bin) throw new Error(`redis-server not found: ${INSTALL_HINT}`);
	fs.mkdirSync(dir, { recursive: true });
	const redisPort = port ?? (await freePort());
	const args = ['--port', String(redisPort), '--bind', HOST, '--protected-mode', 'yes', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--logfile', ''];
	const proc = processes.start(name, bin, args, { cwd: dir, logFile: path.join(dir, 'redis.log'), log });
	await proc.waitReady(() => ping(redisPort), { timeoutMs: 30_000, intervalMs: 200 });
	return {
		proc,
		host: HOST,
		port: redisPort,
		ping: () => ping(redisPort),
		stop: () => proc.stop({ graceMs: 10_000 }),
	};
}

module.exports = { startRedis, ping };
