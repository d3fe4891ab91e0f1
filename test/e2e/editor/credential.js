'use strict';

/**
 * The editor suite's first steps: sign in, and the ChargePilot API credential's form with its Test
 * passing and failing. Each gets { page, sandbox, url, note(text), shot(name), results }.
 */

const assert = require('node:assert/strict');

const { expectCount, expectText, pickOption, tid, visibleTexts } = require('../browser');
const { OWNER } = require('../runner');

/** n8n's default name for a new credential of this type. */
const CREDENTIAL_NAME = 'ChargePilot account';
/** Waiting for a credential test: a ceiling, not a claim about speed. */
const RESULT_TIMEOUT = 90_000;

/** What the sandbox received, for a message. */
const describeRequests = (list) => list.map((r) => `${r.method} ${decodeURIComponent(r.target)} -> ${r.status}${r.auth && r.auth.reason ? ` (${r.auth.reason})` : ''}`).join('; ') || '(none)';

async function signIn({ page, url, note, shot }) {
	await page.goto(`${url}/signin`, { waitUntil: 'domcontentloaded' });
	const form = page.locator(tid('signin-form'));
	await form.waitFor({ state: 'visible', timeout: 120_000 });
	const submit = form.locator(tid('form-submit-button'));
	note(`sign-in page shows the button "${await expectText(submit, /sign in/i, { what: 'sign-in button' })}"`);
	await shot('signin');
	await form.locator(`${tid('emailOrLdapLoginId')} input`).fill(OWNER.email);
	await form.locator(`${tid('password')} input`).fill(OWNER.password);
	await submit.click();
	await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 60_000 });
	await expectText(page.locator(tid('new-workflow-card')), 'Build a workflow', { what: 'home page card' });
	note(`signed in: ${new URL(page.url()).pathname} shows the "Build a workflow" card`);
	await shot('home');
}

/** Opens the credential form of a new ChargePilot API credential from the "+" menu. */
async function openCredentialForm({ page, note }) {
	await page.locator(tid('universal-add')).click();
	await page.locator(tid('navigation-menu-item')).filter({ hasText: 'New credential' }).click();
	const chooser = page.locator(tid('selectCredential-modal'));
	await expectText(chooser, 'Add new credential', { what: 'credential type chooser' });
	await chooser.locator(`${tid('new-credential-type-select')} input`).fill('ChargePilot');
	const types = page.locator(`${tid('new-credential-type-select-option')}:visible`);
	await expectCount(types, 2, { what: 'credential types matching "ChargePilot"' });
	const names = await visibleTexts(types);
	assert.deepEqual(names, ['ChargePilot API', 'ChargePilot Push API']);
	note(`credential types for "ChargePilot": ${names.join(', ')}`);
	await types.filter({ hasText: /^ChargePilot API$/ }).click();
	await chooser.locator(tid('new-credential-type-button')).click();
	const modal = page.locator(tid('editCredential-modal'));
	await modal.waitFor({ state: 'visible' });
	return modal;
}

async function credentialTestSucceeds(ctx) {
	const { page, sandbox, note, shot } = ctx;
	const modal = await openCredentialForm(ctx);
	note(`form "${await expectText(modal.locator(tid('credential-name')), CREDENTIAL_NAME, { what: 'credential name' })}" opened`);
	for (const field of ['region', 'apiKey', 'apiSecret', 'signedPath']) await modal.locator(tid(`parameter-input-${field}`)).waitFor({ state: 'visible' });
	assert.equal(await modal.locator(tid('parameter-input-baseUrl')).count(), 0, 'Base URL is shown while Region is EU');
	const signedPath = await modal.locator(`${tid('parameter-input-signedPath')} input`).inputValue();
	assert.equal(signedPath, 'Auto', `Signed Path shows "${signedPath}"`);
	note('fields Region (EU), API Key, API Secret and Signed Path ("Auto") shown; no Base URL yet');
	await pickOption(page, modal.locator(tid('parameter-input-region')), 'Custom');
	const baseUrl = modal.locator(`${tid('parameter-input-baseUrl')} input`);
	await baseUrl.waitFor({ state: 'visible' });
	note('Region "Custom" shows the Base URL field');
	const mark = sandbox.requests.length;
	await baseUrl.fill(sandbox.baseUrl);
	await modal.locator(`${tid('parameter-input-apiKey')} input`).fill(sandbox.apiKey);
	await modal.locator(`${tid('parameter-input-apiSecret')} input`).fill(sandbox.apiSecret);
	await shot('credential-form');

	await modal.locator(tid('credential-save-button')).click();
	const success = modal.locator(tid('credentials-config-container-test-success'));
	note(`after Save: "${await expectText(success, 'Connection tested successfully', { what: 'credential test', timeout: RESULT_TIMEOUT })}"`);
	// The Save button's label is no signal ("Save" after a first save, "Saved" later): the delete
	// button appears once the credential exists.
	await modal.locator(tid('credential-delete-button')).waitFor({ state: 'visible' });
	const seen = sandbox.requests.slice(mark);
	assert.ok(seen.some((r) => r.method === 'GET' && r.target === '/rest/v1/sites' && r.status === 200 && r.auth.ok), `the sandbox saw no verified GET /sites: ${describeRequests(seen)}`);
	note(`saved; the sandbox verified the Test request: ${describeRequests(seen)}`);
	await shot('credential-test-ok');
	ctx.modal = modal;
}

async function credentialTestFails(ctx) {
	const { page, sandbox, note, shot, modal } = ctx;
	const secret = modal.locator(`${tid('parameter-input-apiSecret')} input`);
	const success = modal.locator(tid('credentials-config-container-test-success'));
	const mark = sandbox.requests.length;
	await secret.fill('a-wrong-secret');
	await modal.locator(tid('credential-save-button')).click();
	// The failure banner has no test id: its class is a CSS-module name (_banner_...).
	const failure = modal.locator('[class*="_banner_"]').filter({ hasText: /Couldn.t connect with these settings/ });
	note(`after Save with a wrong secret: "${await expectText(failure, /Couldn.t connect with these settings/, { what: 'credential test failure', timeout: RESULT_TIMEOUT })}"`);
	// The credential's own text is folded behind "More details".
	await failure.getByText('More details', { exact: true }).click();
	const detail = modal.getByText('ChargePilot rejected the request (401)');
	const detailText = await expectText(detail, /^ChargePilot rejected the request \(401\)\..*the API Key and API Secret/, { what: 'the 401 text' });
	note(`the form shows: "${detailText}"`);
	assert.equal(await success.isVisible(), false, '"Connection tested successfully" is still visible after the failed test');
	const seen = sandbox.requests.slice(mark);
	assert.ok(seen.length > 0 && seen.every((r) => r.status === 401), `expected only 401 answers from the sandbox: ${describeRequests(seen)}`);
	note(`the sandbox refused ${seen.length} request(s): ${describeRequests(seen)}`);
	await shot('credential-test-401');

	await secret.fill(sandbox.apiSecret);
	await modal.locator(tid('credential-save-button')).click();
	await expectText(success, 'Connection tested successfully', { what: 'credential test with the right secret again', timeout: RESULT_TIMEOUT });
	note('the right secret again: "Connection tested successfully"');
	await modal.getByRole('button', { name: 'Close this dialog' }).click();
	await modal.waitFor({ state: 'hidden' });
	await page.locator(tid('universal-add')).waitFor({ state: 'visible' });
}

module.exports = { signIn, credentialTestSucceeds, credentialTestFails, CREDENTIAL_NAME, RESULT_TIMEOUT, describeRequests };
