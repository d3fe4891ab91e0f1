'use strict';

/**
 * The editor suite's node steps: the node panel, Site and Charging Event Get Many executed in the
 * node view, and the ChargePilot Trigger's Fetch Test Event. Each gets
 * { page, sandbox, url, note(text), shot(name), results }.
 */

const assert = require('node:assert/strict');

const { closeToasts, column, expectCount, expectText, pickOption, readOutputTable, settleToasts, sleep, tid, visibleTexts } = require('../browser');
const { CREDENTIAL_NAME, describeRequests, RESULT_TIMEOUT } = require('./credential');

const SITE_ID = 'site-berlin-depot';
const FROM = '2026-01-01T00:00:00';
const TO = '2026-12-31T00:00:00';
const EVENT_LIMIT = 20;
const DAY = 86_400_000;

/** Clicks a folded node-panel category until `item` shows (the panel folds differently by context). */
async function unfold(category, item) {
	await category.waitFor({ state: 'visible' });
	for (let i = 0; i < 4 && !(await item.isVisible()); i++) {
		await category.click();
		// A slow render shows the item late: wait for it before clicking again (which folds it shut).
		await item.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => {});
	}
	await item.waitFor({ state: 'visible', timeout: 10_000 });
}

async function sitesNode({ page, sandbox, note, shot }) {
	await page.locator(tid('universal-add')).click();
	await page.locator(tid('navigation-menu-item')).filter({ hasText: 'New workflow' }).click();
	await page.waitForURL(/\/workflow\//);
	await expectText(page.locator(tid('canvas-add-button')), 'Add first step', { what: 'empty canvas' });
	note(`new workflow: the canvas shows "Add first step"`);
	await page.locator(tid('canvas-plus-button')).click();
	const creator = page.locator(tid('node-creator'));
	await creator.locator(tid('node-creator-search-bar')).fill('ChargePilot');
	const entry = (label) => creator.locator(tid('node-creator-item-name')).filter({ hasText: new RegExp(`^${label}$`) });
	await expectCount(entry('ChargePilot'), 1, { what: 'node panel entry "ChargePilot"' });
	note(`node panel, searched for "ChargePilot", lists: ${(await visibleTexts(creator.locator(tid('node-creator-item-name')))).join(', ')}`);
	await shot('node-panel-search');
	await entry('ChargePilot').click();
	await unfold(creator.locator(tid('node-creator-category-item')).filter({ hasText: /^Actions/ }), entry('Get many sites'));
	const actions = await visibleTexts(creator.locator(tid('node-creator-item-name')));
	for (const expected of ['Get many sites', 'Get a site', 'Get many charging events', 'Ping the API', 'Send a custom request']) {
		assert.ok(actions.includes(expected), `action "${expected}" is not listed (${actions.join(', ')})`);
	}
	note(`"ChargePilot" lists the actions ${actions.join(', ')}`);
	await shot('node-panel-actions');
	await entry('Get many sites').click();

	const ndv = page.locator(tid('ndv'));
	await ndv.waitFor({ state: 'visible' });
	await expectText(ndv.locator(tid('node-title-container')), 'Get many sites', { what: 'node title' });
	assert.equal(await ndv.locator(`${tid('parameter-input-resource')} input`).inputValue(), 'Site');
	assert.equal(await ndv.locator(`${tid('parameter-input-operation')} input`).inputValue(), 'Get Many');
	const credential = await ndv.locator(`${tid('node-credentials-select')} input`).inputValue();
	assert.equal(credential, CREDENTIAL_NAME, `credential field shows "${credential}"`);
	note(`node "Get many sites": Resource "Site", Operation "Get Many", credential "${credential}"`);

	const mark = sandbox.requests.length;
	await ndv.locator(tid('node-execute-button')).click();
	const count = await expectText(ndv.locator(`${tid('output-panel')} ${tid('ndv-items-count')}`), new RegExp(`^${sandbox.sites.length} items$`), { what: 'output item count', timeout: RESULT_TIMEOUT });
	const table = await readOutputTable(ndv);
	assert.equal(table.rows.length, sandbox.sites.length, `table rows: ${table.rows.length}`);
	const names = column(table, 'name');
	assert.deepEqual([...names].sort(), sandbox.sites.map((s) => s.name).sort());
	note(`Execute step: "${count}", table rows ${names.join(', ')}`);
	const seen = sandbox.requests.slice(mark);
	assert.ok(seen.some((r) => r.target === '/rest/v1/sites' && r.status === 200 && r.auth.ok), `sandbox: ${describeRequests(seen)}`);
	await settleToasts(page);
	await shot('sites-output');
}

async function eventsNode({ page, sandbox, note, shot }) {
	const ndv = page.locator(tid('ndv'));
	await pickOption(page, ndv.locator(tid('parameter-input-resource')), 'Charging Event');
	await expectText(ndv.locator(tid('node-title-container')), 'Get many charging events', { what: 'node title after the switch' });
	assert.equal(await ndv.locator(`${tid('parameter-input-operation')} input`).inputValue(), 'Get Many');
	note('Resource "Charging Event": Operation "Get Many", the node is now "Get many charging events"');

	const site = ndv.locator(tid('resource-locator-siteId'));
	assert.equal(await site.locator(`${tid('rlc-mode-selector')} input`).inputValue(), 'From list');
	await site.locator(tid('rlc-input')).click();
	const items = page.locator(`${tid('rlc-item')}:visible`);
	await expectCount(items, sandbox.sites.length, { what: 'sites in the list' });
	note(`Site "From list" lists ${await items.count()}: ${(await visibleTexts(items)).join(', ')}`);
	await page.locator(`${tid('rlc-search')}:visible`).fill('Berlin');
	await expectCount(items, 1, { what: 'sites matching "Berlin"' });
	const berlin = sandbox.sites.find((s) => s.id === SITE_ID);
	const shown = (await visibleTexts(items))[0];
	assert.ok(shown.startsWith(berlin.name), `the list shows "${shown}"`);
	note(`searching "Berlin" leaves one: "${shown}"`);
	await shot('site-list-search');
	await items.first().click();
	const chosen = await site.locator(tid('rlc-input')).inputValue();
	assert.ok(chosen.startsWith(berlin.name), `the site field shows "${chosen}"`);

	for (const [name, value] of [['from', FROM], ['to', TO]]) {
		const input = ndv.locator(`${tid(`parameter-input-${name}`)} input`);
		await input.click();
		await input.fill(value);
		await input.press('Enter');
		const text = await input.inputValue();
		// The editor shows "YYYY-MM-DD HH:mm:ss".
		assert.equal(text, value.replace('T', ' '), `${name} shows "${text}"`);
	}
	const limit = ndv.locator(`${tid('parameter-input-limit')} input`);
	await limit.click(); // also closes the date picker
	await limit.fill(String(EVENT_LIMIT));
	await limit.press('Tab');
	note(`site "${chosen}", From "${FROM.replace('T', ' ')}", To "${TO.replace('T', ' ')}", Limit ${EVENT_LIMIT}`);
	await shot('events-parameters');

	const mark = sandbox.requests.length;
	await ndv.locator(tid('node-execute-button')).click();
	const count = await expectText(ndv.locator(`${tid('output-panel')} ${tid('ndv-items-count')}`), new RegExp(`^${EVENT_LIMIT} items$`), { what: 'output item count', timeout: RESULT_TIMEOUT });
	const table = await readOutputTable(ndv);
	assert.equal(table.rows.length, EVENT_LIMIT, `table rows: ${table.rows.length}`);
	const ids = column(table, 'transaction_id').map(Number);
	const [fromMs, toMs] = [Date.parse(`${FROM}Z`), Date.parse(`${TO}Z`)];
	const expected = sandbox
		.getEvents(SITE_ID)
		.filter((e) => Date.parse(e.start_time) >= fromMs && Date.parse(e.start_time) < toMs)
		.slice(0, EVENT_LIMIT)
		.map((e) => e.transaction_id);
	assert.deepEqual(ids, expected);
	note(`Execute step: "${count}", transaction_id ${ids[0]}..${ids[ids.length - 1]}: the sandbox's first ${EVENT_LIMIT} sessions of the site in [From, To)`);
	const seen = sandbox.requests.slice(mark).filter((r) => r.target.includes('/charging-events/'));
	assert.ok(seen.length >= 1 && seen.every((r) => r.status === 200 && r.auth.ok), `sandbox: ${describeRequests(seen)}`);
	const target = decodeURIComponent(seen[0].target);
	assert.ok(target.startsWith(`/rest/v1/charging-events/site/${SITE_ID}?`) && target.includes(`from=${FROM}`) && target.includes(`to=${TO}`), target);
	note(`the sandbox verified ${describeRequests(seen)}`);
	await shot('events-output');

	await ndv.locator(tid('ndv-close-button')).click();
	await ndv.waitFor({ state: 'hidden' });
	const nodes = page.locator(tid('canvas-node'));
	await expectCount(nodes, 2, { what: 'nodes on the canvas' });
	// Fit, then two steps closer (the README's picture). DOM clicks: the canvas pane takes pointer
	// clicks on its control buttons.
	for (const button of ['zoom-to-fit', 'zoom-in-button', 'zoom-in-button']) {
		await page.locator(tid(button)).first().evaluate((element) => element.click()).catch(() => {});
		await sleep(300);
	}
	await settleToasts(page);
	await expectText(page.locator('body'), `${EVENT_LIMIT} items`, { what: 'item count on the canvas' });
	note(`canvas: ${(await visibleTexts(nodes)).join(' | ')}, "${EVENT_LIMIT} items" on the connection`);
	await shot('events-canvas');
}

/** The latest session of the last 30 days over all sites (what Fetch Test Event shows), or undefined. */
function latestRecentSession(sandbox, now = Date.now()) {
	let latest;
	for (const site of sandbox.sites) {
		for (const event of sandbox.getEvents(site.id)) {
			const start = Date.parse(event.start_time);
			if (start < now - 30 * DAY || start >= now) continue;
			if (!latest || start > Date.parse(latest.event.start_time) || (start === Date.parse(latest.event.start_time) && event.transaction_id > latest.event.transaction_id)) latest = { event, siteId: site.id };
		}
	}
	return latest;
}

async function triggerTestEvent({ page, sandbox, note, shot, results }) {
	await page.locator(tid('node-creator-plus-button')).click();
	const creator = page.locator(tid('node-creator'));
	await creator.locator(tid('node-creator-search-bar')).fill('ChargePilot');
	const entry = (label) => creator.locator(tid('node-creator-item-name')).filter({ hasText: new RegExp(`^${label}$`) });
	await entry('ChargePilot').click();
	const trigger = entry('On new ChargePilot event');
	await unfold(creator.locator(tid('node-creator-category-item')).filter({ hasText: /^Triggers/ }), trigger);
	note('"ChargePilot" lists the trigger "On new ChargePilot event"');
	await trigger.click();
	const ndv = page.locator(tid('ndv'));
	await ndv.waitFor({ state: 'visible' });
	await expectText(ndv.locator(tid('node-title-container')), 'ChargePilot Trigger', { what: 'trigger title' });
	const fetchButton = ndv.locator(tid('node-execute-button'));
	await expectText(fetchButton, 'Fetch Test Event', { what: 'trigger button' });
	assert.equal(await ndv.locator(`${tid('node-credentials-select')} input`).inputValue(), CREDENTIAL_NAME);
	assert.equal(await ndv.locator(`${tid('parameter-input-siteScope')} input`).inputValue(), 'All Sites');
	note(`"ChargePilot Trigger": button "Fetch Test Event", credential "${CREDENTIAL_NAME}", Sites "All Sites"`);
	const out = ndv.locator(tid('output-panel'));

	// The suite's sandbox holds the fixed 2026-01..07 history: on later days there is no session in
	// the 30 days Fetch Test Event looks at, which is what a new account shows.
	if (!latestRecentSession(sandbox)) {
		const mark = sandbox.requests.length;
		await fetchButton.click();
		const toast = page.locator('.el-notification:visible').filter({ hasText: 'No ChargePilot data found' });
		note(`no session in the last 30 days: toast "${await expectText(toast, /We didn.t find any data in ChargePilot to simulate an event/, { what: 'no-data toast', timeout: RESULT_TIMEOUT })}"`);
		await expectText(out, 'No trigger output', { what: 'output panel' });
		const seen = sandbox.requests.slice(mark);
		assert.ok(seen.length >= 1 + sandbox.sites.length && seen.every((r) => r.status === 200 && r.auth.ok), `sandbox: ${describeRequests(seen)}`);
		await sleep(1000); // to count the toasts once they have all appeared (a product observation, not asserted)
		results.noDataToasts = await toast.count();
		note(`output "No trigger output"; ${results.noDataToasts} such toast(s) visible; the sandbox verified ${seen.length} requests (sites + one query per site)`);
		await shot('trigger-no-data');
		await closeToasts(page);
	} else {
		note('the sandbox has sessions of the last 30 days already: no "no data" case to show');
	}

	const started = new Date(Date.now() - 60 * 60_000);
	started.setUTCMilliseconds(0);
	const [added] = sandbox.addEvents(SITE_ID, [{ start_time: started.toISOString(), duration: 1800 }]);
	const latest = latestRecentSession(sandbox);
	assert.equal(latest.event.transaction_id, added.transaction_id);
	note(`the sandbox records a session: transaction ${added.transaction_id}, started ${added.start_time}`);
	const mark = sandbox.requests.length;
	await fetchButton.click();
	const count = await expectText(out.locator(tid('ndv-items-count')), /^1 item$/, { what: 'output item count', timeout: RESULT_TIMEOUT });
	const table = await readOutputTable(ndv);
	assert.equal(table.rows.length, 1);
	assert.equal(column(table, 'transaction_id')[0], String(added.transaction_id));
	assert.equal(column(table, 'start_time')[0], added.start_time);
	assert.equal(column(table, 'site_id')[0], SITE_ID);
	note(`Fetch Test Event: "${count}": transaction_id ${added.transaction_id}, start_time ${added.start_time}, site_id ${SITE_ID}`);
	const seen = sandbox.requests.slice(mark);
	assert.ok(seen.length > 0 && seen.every((r) => r.status === 200 && r.auth.ok), `sandbox: ${describeRequests(seen)}`);
	await shot('trigger-test-event');

	await ndv.locator(tid('ndv-close-button')).click();
	await ndv.waitFor({ state: 'hidden' });
	const nodes = page.locator(tid('canvas-node'));
	await expectCount(nodes, 3, { what: 'nodes on the canvas' });
	note(`canvas: ${(await visibleTexts(nodes)).join(' | ')}`);
	await shot('canvas');
}

module.exports = { sitesNode, eventsNode, triggerTestEvent, unfold, SITE_ID, EVENT_LIMIT };
