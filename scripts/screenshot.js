#!/usr/bin/env node
'use strict';

/**
 * Screenshots of the ChargePilot node in n8n's editor for the README:
 *
 *   docs/images/chargepilot-canvas.png  the demo workflow on the canvas, after a run
 *   docs/images/chargepilot-node.png    the node's parameter panel (resource, operation,
 *                                        credential) with the sites it returned
 *
 * Reuses a playground that is already running (`npm start`), otherwise starts one (see
 * scripts/start/playground.js) and stops it afterwards. Drives Debian's Chromium
 * (/usr/bin/chromium, `apt-get install chromium`) headless with playwright-core; the browser only
 * reaches 127.0.0.1 (every other request is aborted).
 *
 *   node scripts/screenshot.js [--out docs/images] [--width 1440] [--height 900] [--port 5678]
 *                              [--chromium /usr/bin/chromium]
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { numberOption, readOptions, runCommand } = require('../dev/cli');
const { N8nClient } = require('../dev/n8n');
const { REPO } = require('../dev/paths');
const { PlaygroundError, resolveOptions } = require('./start/options');
const { Playground } = require('./start/playground');
const { DEMO_NODE_NAME, DEMO_WORKFLOW_ID, DEMO_WORKFLOW_NAME } = require('./start/workflows');

const USAGE = `Usage: node scripts/screenshot.js [options]   (after npm run build)

  --out DIR          where the PNGs go (default docs/images)
  --width N          viewport width (default 1440)
  --height N         viewport height (default 900)
  --port N           n8n port of the playground to reuse or start (default 5678) [PLAYGROUND_N8N_PORT]
  --chromium PATH    Chromium binary (default /usr/bin/chromium) [CHROMIUM_PATH]
  --keep-browser-profile  keep the temporary Chromium profile (for debugging)
Owner email/password: PLAYGROUND_EMAIL / PLAYGROUND_PASSWORD, as for npm start.
`;

function parseArgs(argv) {
	const values = readOptions(argv, {
		out: { type: 'string', default: path.join(REPO, 'docs', 'images') },
		width: { type: 'string', default: '1440' },
		height: { type: 'string', default: '900' },
		port: { type: 'string' },
		chromium: { type: 'string', default: process.env.CHROMIUM_PATH || '/usr/bin/chromium' },
		'keep-browser-profile': { type: 'boolean' },
	});
	const pixels = (name) => numberOption(values[name], name, 'a whole number of pixels', (n) => Number.isInteger(n) && n > 0);
	return {
		help: values.help,
		out: path.resolve(values.out),
		width: pixels('width'),
		height: pixels('height'),
		n8nPort: values.port,
		chromium: values.chromium,
		keepProfile: values['keep-browser-profile'],
	};
}

function log(line) {
	process.stderr.write(`[screenshot] ${line}\n`);
}

function loadPlaywright() {
	try {
		return require('playwright-core');
	} catch (error) {
		throw new PlaygroundError(
			`playwright-core is not installed (${error.code || error.message}). It is a devDependency: run npm ci ` +
				'(or, outside the repo, point NODE_PATH at a folder with playwright-core).',
		);
	}
}

/** Clicks away n8n's onboarding/announcement modals and toasts, if any are open. */
async function dismissPopups(page) {
	for (let round = 0; round < 4; round++) {
		let clicked = false;
		for (const label of ['Skip', 'Not now', 'Maybe later', 'Got it', 'Dismiss', 'Close', 'No thanks']) {
			const button = page.locator('.el-dialog, .el-overlay, [role="dialog"], .el-message-box').getByRole('button', { name: label, exact: true });
			if (await button.first().isVisible().catch(() => false)) {
				await button.first().click({ timeout: 2000 }).catch(() => {});
				clicked = true;
			}
		}
		const closeIcons = page.locator('.el-dialog__headerbtn:visible, .el-message-box__headerbtn:visible, .el-notification__closeBtn:visible');
		const count = await closeIcons.count().catch(() => 0);
		for (let i = 0; i < count; i++) {
			await closeIcons.nth(0).click({ timeout: 2000 }).catch(() => {});
			clicked = true;
		}
		if (!clicked) return;
		await page.waitForTimeout(400);
	}
}

async function main(argv) {
	const args = parseArgs(argv);
	if (args.help) {
		process.stdout.write(USAGE);
		return 0;
	}
	if (!fs.existsSync(args.chromium)) {
		throw new PlaygroundError(`no Chromium at ${args.chromium}: apt-get install -y chromium (or --chromium PATH)`);
	}
	const { chromium } = loadPlaywright();
	const options = resolveOptions({ n8nPort: args.n8nPort });
	const base = `http://127.0.0.1:${options.n8nPort}`;
	const n8n = new N8nClient(base);

	let playground = null;
	const cleanups = [];
	const stopAll = async () => {
		while (cleanups.length) await cleanups.pop()().catch((error) => log(`cleanup: ${error.message}`));
	};
	let signalled = false;
	const onSignal = (signal) => {
		if (signalled) process.exit(130);
		signalled = true;
		log(`${signal}: cleaning up`);
		stopAll().finally(() => process.exit(130));
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);

	try {
		if ((await n8n.readiness()) === 200) {
			log(`reusing the n8n already running on ${base}`);
			if (!(await n8n.login(options.email, options.password))) throw new PlaygroundError(`n8n on ${base} does not accept ${options.email} with the configured password; is it the playground?`);
		} else {
			log('no n8n running: starting the playground');
			playground = new Playground({ n8nPort: options.n8nPort, log: (line) => log(line) });
			process.on('exit', () => playground.killNow());
			cleanups.push(() => playground.stop());
			await playground.start();
		}

		const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chargepilot-chromium-'));
		if (!args.keepProfile) cleanups.push(async () => fs.rmSync(profile, { recursive: true, force: true }));
		const context = await chromium.launchPersistentContext(profile, {
			executablePath: args.chromium,
			headless: true,
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
			viewport: { width: args.width, height: args.height },
			deviceScaleFactor: 1,
			locale: 'en-US',
			timezoneId: 'UTC',
			colorScheme: 'light',
		});
		cleanups.push(() => context.close());
		const blocked = new Set();
		await context.route('**/*', (route) => {
			const url = new URL(route.request().url());
			if (url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1') return route.continue();
			blocked.add(url.origin);
			return route.abort();
		});
		const page = context.pages()[0] || (await context.newPage());
		page.setDefaultTimeout(30000);

		log('logging in through the sign-in page');
		await page.goto(`${base}/signin`, { waitUntil: 'domcontentloaded' });
		await page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(options.email);
		await page.locator('input[type="password"]').first().fill(options.password);
		await page.getByRole('button', { name: /sign in/i }).click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30000 });
		await page.waitForTimeout(1000);
		await dismissPopups(page);

		log(`opening the demo workflow ${DEMO_WORKFLOW_ID}`);
		// In-app navigation from the workflow list (a fresh page load of the editor takes ~15 s here).
		const card = page.getByText(DEMO_WORKFLOW_NAME, { exact: true }).first();
		if (await card.waitFor({ state: 'visible', timeout: 10000 }).then(() => true, () => false)) {
			await card.click();
			await page.waitForURL((url) => url.pathname.startsWith(`/workflow/${DEMO_WORKFLOW_ID}`));
		} else {
			await page.goto(`${base}/workflow/${DEMO_WORKFLOW_ID}`, { waitUntil: 'domcontentloaded' });
		}
		const node = page.locator('[data-test-id="canvas-node"]').filter({ hasText: DEMO_NODE_NAME }).first();
		await node.waitFor({ state: 'visible' });
		// The node's icon is an <img> served by n8n from the package: wait until it has loaded.
		await page
			.waitForFunction(
				(name) => {
					const el = [...document.querySelectorAll('[data-test-id="canvas-node"]')].find((n) => n.textContent.includes(name));
					const img = el && el.querySelector('img');
					return Boolean(img && img.complete && img.naturalWidth > 0);
				},
				DEMO_NODE_NAME,
				{ timeout: 15000 },
			)
			.catch(() => {
				throw new PlaygroundError('the ChargePilot node icon did not load on the canvas (is the package installed? see the n8n log)');
			});
		await page.waitForTimeout(500);
		await dismissPopups(page);

		log('running the workflow (Execute workflow)');
		// A DOM click: Playwright's pointer click is intercepted by the canvas pane in n8n 2.x.
		await page.locator('[data-test-id="execute-workflow-button"]').first().evaluate((button) => button.click());
		// The edge into nothing after ChargePilot gets an "N items" label once the node has run.
		await page.locator('[data-test-id="canvas-node"]').filter({ hasText: DEMO_NODE_NAME }).locator('[data-test-id="canvas-node-status-success"]').first()
			.waitFor({ state: 'visible', timeout: 60000 })
			.catch(async () => {
				throw new PlaygroundError('the ChargePilot node did not show a successful run within 60 s');
			});
		await page.waitForTimeout(1000);
		await dismissPopups(page);

		fs.mkdirSync(args.out, { recursive: true });
		const shots = [];
		const shot = async (name) => {
			const file = path.join(args.out, name);
			await page.screenshot({ path: file });
			shots.push(file);
			log(`saved ${path.relative(REPO, file)}`);
		};
		// Two zoom steps, so the nodes are not small in the middle of a 1440 px canvas.
		for (let i = 0; i < 2; i++) {
			const zoomIn = page.locator('[data-test-id="zoom-in-button"]').first();
			if (!(await zoomIn.isVisible().catch(() => false))) break;
			await zoomIn.evaluate((button) => button.click());
			await page.waitForTimeout(500);
		}
		await shot('chargepilot-canvas.png');

		log('opening the ChargePilot node');
		await node.dblclick();
		const ndv = page.locator('[data-test-id="ndv"]').first();
		await ndv.waitFor({ state: 'visible' });
		for (const label of ['Credential', 'Resource', 'Operation']) {
			await ndv.getByText(label, { exact: true }).first().waitFor({ state: 'visible', timeout: 15000 });
		}
		await page.waitForTimeout(1500);
		await shot('chargepilot-node.png');

		if (blocked.size) log(`blocked requests to: ${[...blocked].join(', ')}`);
		return shots;
	} finally {
		await stopAll();
	}
}

runCommand(
	async (argv) => {
		const result = await main(argv);
		return Array.isArray(result) ? 0 : result;
	},
	{ usage: USAGE, label: '[screenshot]', isExpected: (error) => error instanceof PlaygroundError },
);
