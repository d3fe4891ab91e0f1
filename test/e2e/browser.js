'use strict';

/**
 * Headless Chromium for the editor suite: Debian's /usr/bin/chromium driven by playwright-core,
 * with only loopback reachable (every other request is aborted and recorded), and the page helpers
 * the suite's steps use. Every text check looks at visible elements only: n8n keeps banners such as
 * "Connection tested successfully" in the DOM with display:none (v-show), and the innerText of a
 * hidden element is its whole text.
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Chromium's flags here: headless as root, and none of its own traffic (updates, sync, safe
 * browsing lists): this machine's network is closed, and Chromium retries refused connections many
 * at a time. Host names other than 127.0.0.1 do not resolve at all.
 */
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

function loadPlaywright() {
	try {
		return require('playwright-core');
	} catch (error) {
		throw new Error(`playwright-core is not installed (${error.code || error.message}); it is a devDependency: run npm ci`);
	}
}

/**
 * Launches Chromium with a profile in `profileDir` and one page. `external`: the non-loopback
 * requests the page tried (aborted); `answered`: responses from anywhere but 127.0.0.1 (none, as
 * long as the route above aborts them). Returns { context, page, external, answered, close() }.
 */
async function launchBrowser({ executablePath, profileDir, viewport = { width: 1440, height: 900 } }) {
	if (!fs.existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: apt-get install -y chromium (or --chromium PATH)`);
	const { chromium } = loadPlaywright();
	fs.mkdirSync(profileDir, { recursive: true });
	const context = await chromium.launchPersistentContext(profileDir, {
		executablePath,
		headless: true,
		args: CHROMIUM_ARGS,
		// The suite's runner handles signals (it stops n8n first); Playwright kills the browser on exit.
		handleSIGINT: false,
		handleSIGTERM: false,
		handleSIGHUP: false,
		viewport,
		deviceScaleFactor: 1,
		locale: 'en-US',
		timezoneId: 'UTC',
		colorScheme: 'light',
		timeout: 120_000,
	});
	const external = [];
	const loopback = (url) => url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1';
	await context.route('**/*', (route) => {
		const url = new URL(route.request().url());
		if (loopback(url)) return route.continue();
		const what = `${route.request().method()} ${url.origin}${url.pathname}`;
		if (!external.includes(what)) external.push(what);
		return route.abort('blockedbyclient');
	});
	const answered = [];
	context.on('response', (response) => {
		if (!loopback(new URL(response.url()))) answered.push(`${response.status()} ${response.url()}`);
	});
	const page = context.pages()[0] || (await context.newPage());
	page.setDefaultTimeout(30_000);
	page.setDefaultNavigationTimeout(120_000);
	return {
		context,
		page,
		external,
		answered,
		async close() {
			await Promise.race([context.close().catch(() => {}), sleep(15_000)]);
		},
	};
}

/** `[data-test-id="x"]`: n8n's editor marks its controls with data-test-id. */
const tid = (id) => `[data-test-id="${id}"]`;

const oneLine = (text) => text.replace(/\s+/g, ' ').trim();

/**
 * Waits until a visible element of `locator` shows `expected` (a string it contains, or a RegExp it
 * matches); returns the text. The timeout is a ceiling on waiting, not a claim about speed.
 */
async function expectText(locator, expected, { timeout = 30_000, what = 'text' } = {}) {
	const deadline = Date.now() + timeout;
	let last = '(no visible element)';
	for (;;) {
		const text = await locator
			.filter({ visible: true })
			.first()
			.innerText({ timeout: 1000 })
			.catch(() => null);
		if (text !== null) {
			last = oneLine(text);
			if (typeof expected === 'string' ? last.includes(expected) : expected.test(last)) return last;
		}
		if (Date.now() > deadline) throw new Error(`${what}: expected ${expected}, the page shows: ${last.slice(0, 400)}`);
		await sleep(200);
	}
}

/** Waits until `locator` matches exactly `n` elements; returns n. */
async function expectCount(locator, n, { timeout = 30_000, what = 'elements' } = {}) {
	const deadline = Date.now() + timeout;
	for (;;) {
		const count = await locator.count();
		if (count === n) return count;
		if (Date.now() > deadline) throw new Error(`${what}: expected ${n}, the page shows ${count}`);
		await sleep(200);
	}
}

/** The visible texts of `locator`'s elements, each on one line. */
async function visibleTexts(locator) {
	return (await locator.filter({ visible: true }).allInnerTexts()).map(oneLine);
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Picks `label` in an element-plus select opened by clicking `trigger`. The dropdown is teleported to
 * <body> and stays in the DOM when closed, so only visible options count; options with a description
 * line (Region, Resource) are matched by their headline.
 */
async function pickOption(page, trigger, label) {
	await trigger.click();
	const options = page.locator('.el-select-dropdown__item:visible');
	await options.first().waitFor({ state: 'visible' });
	const exact = new RegExp(`^${escapeRegExp(label)}$`);
	const byHeadline = options.filter({ has: page.locator('.option-headline', { hasText: exact }) });
	const target = (await byHeadline.count()) ? byHeadline : options.filter({ hasText: exact });
	await expectCount(target, 1, { what: `dropdown option "${label}"`, timeout: 10_000 });
	await target.click();
	await options.first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
}

/** The output panel's table in the node details view: { headers, rows: [[cell text]] }. */
async function readOutputTable(ndv) {
	const table = ndv.locator(`${tid('output-panel')} table`).first();
	await table.waitFor({ state: 'visible' });
	const headers = (await table.locator('thead th').allInnerTexts()).map(oneLine);
	const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll(':scope > td')].map((td) => td.innerText.replace(/\s+/g, ' ').trim())));
	return { headers, rows };
}

/** One column of a readOutputTable() result, by header. */
function column(table, name) {
	const index = table.headers.indexOf(name);
	assert.ok(index >= 0, `no column "${name}" in the output table (columns: ${table.headers.join(', ')})`);
	return table.rows.map((row) => row[index]);
}

/** Closes every visible toast. */
async function closeToasts(page) {
	for (const close of await page.locator('.el-notification:visible .el-notification__closeBtn').all()) await close.click({ timeout: 2000 }).catch(() => {});
}

/**
 * Closes toasts until none has shown for `settleMs` (n8n's "Node executed successfully" comes a
 * moment after the result), at most `timeout`: for pictures without them.
 */
async function settleToasts(page, { settleMs = 1000, timeout = 10_000 } = {}) {
	const until = Date.now() + timeout;
	let quietSince = Date.now();
	while (Date.now() < until) {
		if (await page.locator('.el-notification:visible').count()) {
			await closeToasts(page);
			quietSince = Date.now();
		} else if (Date.now() - quietSince >= settleMs) return;
		await sleep(150);
	}
}

/**
 * Screenshots into `dir` as NN-<name>.png, numbered in the order taken; `clear()` removes the ones
 * an earlier run left (only NN-*.png).
 */
function screenshotFolder(dir) {
	let index = 0;
	return {
		dir,
		clear() {
			fs.mkdirSync(dir, { recursive: true });
			for (const name of fs.readdirSync(dir)) if (/^\d\d-.*\.png$/.test(name)) fs.rmSync(path.join(dir, name));
		},
		async take(page, name) {
			const file = path.join(dir, `${String(++index).padStart(2, '0')}-${name}.png`);
			await page.screenshot({ path: file, timeout: 30_000 });
			return file;
		},
	};
}

module.exports = { CHROMIUM_ARGS, launchBrowser, tid, expectText, expectCount, visibleTexts, pickOption, readOutputTable, column, closeToasts, settleToasts, screenshotFolder, sleep };
