/**
 * The one rule for a site ID (siteIdProblem), whichever way it comes: the node's Site parameter,
 * an AI model's $fromAI(), the polling trigger's parameter, a site ChargePilot lists.
 */
import { MAX_SITE_ID_LENGTH, siteIdProblem, sitePath } from '../../../../nodes/client/sites';

describe('siteIdProblem', () => {
	test.each(['site-berlin-depot', 'a', 'x'.repeat(MAX_SITE_ID_LENGTH), 'Müller ü', 'a.b', '...', '.x', 'a%2Fb', 'a?b#c', 'constructor', '__proto__', '😀'])('%j is an ID', (id) => {
		expect(siteIdProblem(id)).toBeUndefined();
	});

	test.each([
		['', 'is empty'],
		['a\nb', 'contains a line break or control character'],
		['a\tb', 'contains a line break or control character'],
		['a\u0000', 'contains a line break or control character'],
		['\u007f', 'contains a line break or control character'],
		['x'.repeat(MAX_SITE_ID_LENGTH + 1), `is ${MAX_SITE_ID_LENGTH + 1} characters long`],
		['.', '"." is a dot segment, not an ID'],
		['..', '".." is a dot segment, not an ID'],
		['a/b', '"a/b" contains "/" or "\\", which an ID cannot hold'],
		['../admin', '"../admin" contains "/" or "\\", which an ID cannot hold'],
		['..\\internal', '"..\\internal" contains "/" or "\\", which an ID cannot hold'],
		['/', '"/" contains "/" or "\\", which an ID cannot hold'],
		['a\uD800', 'contains half of a character (a lone UTF-16 surrogate)'],
	])('%j is refused: %s', (id, problem) => {
		expect(siteIdProblem(id)).toBe(problem);
	});

	test('a long ID with a slash is quoted cut short', () => {
		expect(siteIdProblem(`${'a'.repeat(70)}/b`)).toBe(`"${'a'.repeat(60)}… (72 characters)" contains "/" or "\\", which an ID cannot hold`);
	});
});

describe('sitePath', () => {
	test('the ID is one encoded path segment', () => {
		expect(sitePath('/sites', 'a?b#c d')).toBe('/sites/a%3Fb%23c%20d');
	});

	test('an ID that cannot be one throws, naming why', () => {
		expect(() => sitePath('/charging-events/site', '../admin')).toThrow('Cannot build /charging-events/site/{id}: the ID "../admin" contains "/" or "\\", which an ID cannot hold');
	});
});
