#!/usr/bin/env node
'use strict';

/**
 * The editor flow of a new user, in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core) against a real n8n 2.41.1 with the packed package and the sandbox:
 *
 *   1 sign in on the sign-in page (the owner was set up through REST)
 *   2 create a ChargePilot API credential in its form (Region Custom, Base URL, key, secret; Signed
 *     Path left at Auto): its Test succeeds
 *   3 the same form with a wrong secret: the failure text; then the right secret again
 *   4 a new workflow; the node panel, searched for "ChargePilot"; Site > Get Many; Execute step:
 *     the sandbox's sites in the output table
 *   5 Charging Event > Get Many; the site picked from the searchable list; From/To; Execute step:
 *     the events in the table
 *   6 the ChargePilot Trigger from the node panel; Fetch Test Event: the latest session
 *   7 the sandbox's history replayed up to now; the Get Many node again, Period "Yesterday": the
 *     site's sessions of its own yesterday, the window on every event
 *   8 Charging Event > Summarize from the node panel; All Sites, Period "Last Month", Group By Site,
 *     Include Totals; Execute step: one row per site with the sandbox's sessions, kWh and hours
 *   9 Group By Site and Day: one row per site and local day
 *
 * Each step asserts on what the page shows (visible texts and counts, cross-checked with what the
 * sandbox received) and saves screenshots to --out (default .e2e/screenshots, git-ignored) as
 * NN-<name>.png, with results.json (per step: time, what was asserted, screenshots). --update-docs
 * also copies three of them over docs/images/ (the README's pictures), and only when every step passed.
 * Only loopback is reachable from the browser; every process is stopped by its PID.
 *
 *   node test/e2e/editor.e2e.js [--out DIR] [--update-docs] [--chromium PATH] [--keep]   (after npm run build)
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { editorEnv } = require('../../dev/n8n');
const { REPO } = require('../../dev/paths');
const { launchBrowser, screenshotFolder } = require('./browser');
const { credentialTestFails, credentialTestSucceeds, signIn } = require('./editor/credential');
const { eventsNode, sitesNode, triggerTestEvent } = require('./editor/nodes');
const { getManyYesterday, summarizeByDay, summarizeLastMonth } = require('./editor/periods');
const { OWNER, runSuite } = require('./runner');

/** The whole run (n8n's first start with its migrations included); killed after this. */
const MAX_MS = 12 * 60_000;
/** Screenshots that --update-docs copies to docs/images (the README shows them). */
const DOC_IMAGES = { 'sites-output': 'chargepilot-node.png', 'events-canvas': 'chargepilot-canvas.png', 'summary-output': 'chargepilot-summary.png' };
const OPTIONS = {
	out: { type: 'string', default: path.join(REPO, '.e2e', 'screenshots') },
	'update-docs': { type: 'boolean', default: false },
	chromium: { type: 'string', default: process.env.CHROMIUM_PATH || '/usr/bin/chromium' },
};
const USAGE = `  --out DIR       screenshots and results.json (default .e2e/screenshots)
  --update-docs   when every step passed, copy the README's pictures to docs/images/
                  (${Object.entries(DOC_IMAGES).map(([shot, file]) => `${shot} -> ${file}`).join(', ')})
  --chromium PATH Chromium binary (default /usr/bin/chromium, or CHROMIUM_PATH)
`;

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const STEPS = [
	['sign in through the sign-in page', signIn],
	['credential form: Region Custom, Base URL, key, secret, Signed Path Auto: the Test succeeds', credentialTestSucceeds],
	['credential form: a wrong secret shows the 401 text; the right one succeeds again', credentialTestFails],
	['node panel "ChargePilot" > Get many sites > Execute step: the sites in the output table', sitesNode],
	['Charging Event > Get Many, site from the searchable list, From/To > Execute step: the events', eventsNode],
	['ChargePilot Trigger > Fetch Test Event: the latest session', triggerTestEvent],
	['Charging Event > Get Many, Period "Yesterday" > Execute step: the site\'s sessions of its own yesterday', getManyYesterday],
	['Charging Event > Summarize, All Sites, Period "Last Month", Group By Site, Include Totals: the sandbox\'s numbers per site', summarizeLastMonth],
	['Summarize, Group By Site and Day > Execute step: one row per site and local day', summarizeByDay],
];

async function editorLine({ instance, sandbox, args, check, skip, startN8n }) {
	const shots = screenshotFolder(path.resolve(args.out));
	shots.clear();
	const results = { steps: [], externalRequests: [], startedAt: new Date().toISOString() };
	const writeResults = () => fs.writeFileSync(path.join(shots.dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

	const t0 = Date.now();
	const server = await startN8n({ env: { ...editorEnv(), GENERIC_TIMEZONE: 'UTC' } });
	await server.client.setupOwner(OWNER);
	results.n8nReadyMs = Date.now() - t0;
	const browser = await launchBrowser({ executablePath: args.chromium, profileDir: path.join(instance.root, 'chromium') });
	results.browserMs = Date.now() - t0 - results.n8nReadyMs;
	console.log(`  Chromium ready (${seconds(results.browserMs)}); screenshots go to ${path.relative(process.cwd(), shots.dir) || '.'}`);
	browser.page.on('pageerror', (error) => console.log(`       (page error: ${String(error.message).split('\n')[0].slice(0, 200)})`));

	const ctx = { page: browser.page, sandbox, url: server.url, results };
	let failed = null;
	try {
		for (const [label, fn] of STEPS) {
			if (failed) {
				skip(label, `"${failed}" failed`);
				continue;
			}
			const record = { name: label, ok: false, ms: 0, asserted: [], screenshots: [] };
			results.steps.push(record);
			ctx.note = (text) => record.asserted.push(text);
			ctx.shot = async (name) => record.screenshots.push(path.basename(await shots.take(browser.page, name)));
			const started = Date.now();
			await check(label, async () => {
				try {
					await fn(ctx);
					record.ok = true;
				} catch (error) {
					record.error = String(error.message).split('\n').slice(0, 8).join('\n');
					await ctx.shot(`FAILED-${STEPS.findIndex(([l]) => l === label) + 1}`).catch(() => {});
					throw error;
				} finally {
					record.ms = Date.now() - started;
					for (const text of record.asserted) console.log(text.replace(/^/gm, '         '));
					console.log(`         (${seconds(record.ms)}; ${record.screenshots.join(', ')})`);
				}
			});
			if (!record.ok) failed = label;
		}
		results.externalRequests = [...browser.external];
		await check('the page got answers from 127.0.0.1 only (what it tried elsewhere was aborted)', () => {
			// Tried elsewhere, e.g. n8n's editor asks the npm registry about the package when its
			// node-panel entry opens: listed; an answer from anywhere but 127.0.0.1 fails the check.
			assert.deepEqual(browser.answered, [], `answered from outside 127.0.0.1: ${browser.answered.join(', ')}`);
			return `tried and aborted: ${browser.external.join(', ') || 'none'}`;
		});
	} finally {
		results.totalMs = Date.now() - t0;
		results.passed = !failed && results.steps.length === STEPS.length;
		writeResults();
		await browser.close();
	}

	if (args['update-docs']) {
		await check('--update-docs: the README pictures in docs/images/ are replaced', () => {
			assert.ok(results.passed, 'not every step passed: docs/images/ left as it is');
			for (const [name, file] of Object.entries(DOC_IMAGES)) {
				const shot = results.steps.flatMap((s) => s.screenshots).find((s) => s.replace(/^\d\d-/, '') === `${name}.png`);
				assert.ok(shot, `no screenshot ${name}`);
				fs.copyFileSync(path.join(shots.dir, shot), path.join(REPO, 'docs', 'images', file));
				console.log(`         ${shot} -> docs/images/${file}`);
			}
		});
	}
}

runSuite({ name: 'editor e2e', lines: [2], sandbox: {}, maxMsPerLine: MAX_MS, options: OPTIONS, usage: USAGE, line: editorLine });
