/**
 * Signature fuzz: thousands of random requests (methods; unicode and reserved characters in path
 * segments, query keys and values; nested and array JSON bodies; empty bodies) through n8n's real
 * HTTP layer to the sandbox, which verifies every signature. Seeded: FUZZ_SEED=<n> replays a run.
 */
import 'n8n-core';
import { OutboundHttp } from '@n8n/backend-network';
import { Container } from '@n8n/di';
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import { ChargePilotApi } from '../../credentials/ChargePilotApi.credentials';
import { sandboxCredentials, startSandbox, type Sandbox } from '../harness/sandbox';
import { seededRandom, type Random } from '../harness/random';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const COUNT = Number(process.env.FUZZ_COUNT ?? 5000);
const PARALLEL = 16;

const ALPHABETS = [
	'abcdefghijklmnopqrstuvwxyz0123456789',
	"-._~!$&'()*+,;=:@ ",
	'%[]{}|^`"<>\\',
	'äöüßéèçñÅØ',
	'⚡🚌充電東京ключ',
];

const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)];

function randomText(random: Random, max: number, allowEmpty = true): string {
	const length = Math.floor(random() * (max + 1));
	let text = '';
	for (let i = 0; i < length; i++) text += pick(random, [...pick(random, ALPHABETS)]);
	return text || (allowEmpty ? '' : 'x');
}

function randomJson(random: Random, depth: number): unknown {
	const kind = Math.floor(random() * (depth > 2 ? 4 : 6));
	switch (kind) {
		case 0:
			return randomText(random, 12);
		case 1:
			return Math.round((random() - 0.5) * 1e6) / 100;
		case 2:
			return random() < 0.5;
		case 3:
			return null;
		case 4:
			return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(random, depth + 1));
		default: {
			const object: Record<string, unknown> = {};
			for (let i = Math.floor(random() * 4); i > 0; i--) object[randomText(random, 8, false)] = randomJson(random, depth + 1);
			return object;
		}
	}
}

interface Case {
	index: number;
	method: IHttpRequestMethods;
	segments: string[];
	qs: IDataObject;
	body: unknown;
	signedPath: 'full' | 'relative';
}

function makeCase(random: Random, index: number): Case {
	const method = pick(random, ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const);
	const segments = Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomText(random, 10, false));
	const qs: IDataObject = {};
	for (let i = Math.floor(random() * 5); i > 0; i--) {
		const key = randomText(random, 8, false);
		qs[key] = random() < 0.2 ? [randomText(random, 6), randomText(random, 6)] : randomText(random, 16);
	}
	const bodyKind = random();
	const body = method === 'GET' ? undefined : bodyKind < 0.15 ? undefined : bodyKind < 0.25 ? {} : randomJson(random, 0);
	return { index, method, segments, qs, body, signedPath: random() < 0.5 ? 'full' : 'relative' };
}

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ signedPath: 'either', recordLimit: COUNT + 10 });
});
afterAll(async () => {
	await sandbox.close();
});

test(`${COUNT} random signed requests are all verified by the sandbox (seed ${SEED})`, async () => {
	const credential = new ChargePilotApi();
	const random = seededRandom(SEED);
	const cases = Array.from({ length: COUNT }, (_v, index) => makeCase(random, index));
	const http = Container.get(OutboundHttp).requests();
	const failures: string[] = [];
	let next = 0;

	const worker = async () => {
		while (next < cases.length) {
			const fuzz = cases[next++];
			// Each segment is one path segment: characters that would start a query or fragment are escaped.
			const path = '/echo/' + fuzz.segments.map((segment) => segment.replace(/[?#%/]/g, encodeURIComponent)).join('/') + `/${fuzz.index}`;
			const signed = await credential.authenticate(sandboxCredentials(sandbox, { signedPath: fuzz.signedPath }), {
				method: fuzz.method,
				url: path,
				qs: fuzz.qs,
				// A top-level string goes as its JSON text (as the node sends it); other values as objects.
				...(fuzz.body !== undefined ? { body: (typeof fuzz.body === 'string' ? JSON.stringify(fuzz.body) : fuzz.body) as IDataObject } : {}),
			});
			const response = (await http.request({ ...signed, json: true, returnFullResponse: true, ignoreHttpStatusErrors: true })) as {
				statusCode: number;
				body: IDataObject;
			};
			const problems: string[] = [];
			if (response.statusCode !== 200) problems.push(`status ${response.statusCode} ${JSON.stringify(response.body)}`);
			else {
				const expectedBody = fuzz.body === undefined || (typeof fuzz.body === 'object' && fuzz.body !== null && !Array.isArray(fuzz.body) && Object.keys(fuzz.body).length === 0) ? null : fuzz.body;
				if (JSON.stringify(response.body.body) !== JSON.stringify(expectedBody)) problems.push('body differs');
				if (JSON.stringify(response.body.query) !== JSON.stringify(fuzz.qs)) problems.push(`query differs: ${JSON.stringify(response.body.query)}`);
				if (response.body.method !== fuzz.method) problems.push('method differs');
			}
			if (problems.length) failures.push(`case ${fuzz.index} (FUZZ_SEED=${SEED}): ${JSON.stringify(fuzz)} -> ${problems.join('; ')}`);
		}
	};
	await Promise.all(Array.from({ length: PARALLEL }, worker));

	expect(failures.slice(0, 5)).toEqual([]);
	const verified = sandbox.requests.filter((request) => request.auth.ok);
	expect(verified).toHaveLength(COUNT);
	expect(sandbox.requests.filter((request) => !request.auth.ok)).toHaveLength(0);
	// Both variants were exercised and each request verified under the variant it was signed with.
	const variants = new Set(verified.map((request) => request.auth.variant));
	expect(variants).toEqual(new Set(['full', 'relative']));
}, 180_000);
