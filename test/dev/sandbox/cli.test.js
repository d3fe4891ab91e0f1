'use strict';

/**
 * The sandbox's command line (dev/sandbox/cli.js).
 */

const path = require('node:path');
const { spawn } = require('node:child_process');

jest.setTimeout(30000);

describe('sandbox: CLI', () => {
	test('--json prints one line, serves requests and exits cleanly on SIGTERM', async () => {
		const child = spawn(
			process.execPath,
			[path.join(__dirname, '..', '..', '..', 'dev', 'sandbox', 'cli.js'), '--port', '0', '--json', '--quiet', '--events', '100', '--max-seconds', '25'],
			{ stdio: ['ignore', 'pipe', 'pipe'] },
		);
		try {
			const line = await new Promise((resolve, reject) => {
				let out = '';
				child.stdout.on('data', (chunk) => {
					out += chunk;
					if (out.includes('\n')) resolve(out.split('\n')[0]);
				});
				child.once('exit', (code) => reject(new Error(`cli exited early with ${code}`)));
			});
			const info = JSON.parse(line);
			expect(Object.keys(info).sort()).toEqual(['apiKey', 'apiSecret', 'baseUrl', 'port']);
			expect(info.baseUrl).toBe(`http://127.0.0.1:${info.port}/rest/v1`);
			const ping = await fetch(`${info.baseUrl}/ping`);
			expect(ping.status).toBe(200);
			const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
		} finally {
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	});
});
