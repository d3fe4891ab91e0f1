import { buildUrl, fastUrl, joinUrl, pathProblem, type UrlParts } from '../../../../credentials/chargepilot/canonicalRequest';
import { seededRandom } from '../../../harness/random';

/**
 * `fastUrl` skips the WHATWG URL parser for plain paths. It must give exactly what the parser
 * gives (the parser's answer is what axios puts on the wire), or decline. Checked here against
 * `buildUrl(joinUrl(...))` over hand-picked and seeded random paths and queries.
 */

function parts(url: UrlParts): UrlParts {
	return { href: url.href, origin: url.origin, pathname: url.pathname, search: url.search };
}

function viaParser(base: UrlParts, path: string, qs: unknown): UrlParts {
	return parts(buildUrl(joinUrl(base.href, path), qs));
}

function baseOf(raw: string): UrlParts {
	const url = new URL(raw);
	url.pathname = url.pathname.replace(/\/+$/, '');
	return parts(url);
}

const BASES = [
	baseOf('http://127.0.0.1:8787/rest/v1'),
	baseOf('https://chargepilot-api.tmh.energy/rest/v1/'),
	baseOf('http://localhost:80'),
	baseOf('https://EXAMPLE.com:443/a/b'),
	baseOf('http://[::1]:9000/x'),
];

const PATH_PIECES = ['a', 'Z', '0', '-', '_', '~', '.', '..', '/', '//', '%', '%2e', '%2F', '%zz', ' ', '?', '#', '\\', ':', '@', '!', '$', '&', "'", '(', ')', '*', '+', ',', ';', '=', '[', ']', '|', '^', '`', '{', '}', '"', '<', '>', 'é', '€', '😀', '\t', '\n', 'http://evil.test/', 'sites', 'echo/item/7'];
const QUERY_VALUES: unknown[] = ['', 'x', 'a b', "it's", 'ü', '&=?#', 'a+b', null, 0, true, ['1', '2'], { k: 'v' }, new Date(0)];

describe('fastUrl gives what the URL parser gives, or declines', () => {
	test('hand-picked paths', () => {
		const base = BASES[0];
		const cases: Array<[string, unknown]> = [
			['/sites', undefined],
			['sites', {}],
			['/echo/item/1', { take: 10, skip: 0 }],
			['//double//slashes/', undefined],
			['/', undefined],
			['///', undefined],
			['/charging-events/site/abc', { from: '2026-01-01T00:00:00.000Z', sort: 'start_time' }],
			['/x', { search: "it's" }],
			['/x', 'a=1&b=2'],
			['/x', '?a=1'],
			['/x', new URLSearchParams({ a: 'b c' })],
		];
		for (const [path, qs] of cases) {
			const fast = fastUrl(base, path, qs);
			if (fast) expect(parts(fast)).toEqual(viaParser(base, path, qs));
		}
		// The common node shapes take the fast route.
		expect(fastUrl(base, '/echo/item/1', {})).toEqual(viaParser(base, '/echo/item/1', {}));
		expect(fastUrl(base, '/charging-events/site/abc', { take: 1000, skip: 2000 })?.href).toBe(
			'http://127.0.0.1:8787/rest/v1/charging-events/site/abc?take=1000&skip=2000',
		);
	});

	test('declines what the parser would change', () => {
		const base = BASES[0];
		for (const path of ['', '/a/./b', '/a/../b', '/a/%2e%2E/b', '/a b', '/é', '/a\\b', '/a?b=1', '/a#f', 'http://127.0.0.1:8787/rest/v1/x', '/a.json']) {
			expect(fastUrl(base, path, undefined)).toBeUndefined();
		}
		expect(fastUrl(base, '/x', { q: "it's" })).toBeUndefined(); // the search setter turns ' into %27
		expect(fastUrl(base, '/x', 'a b')).toBeUndefined();
	});

	test('5,000 seeded random paths and queries on five base URLs', () => {
		const random = seededRandom(Number(process.env.FUZZ_SEED ?? 20261129));
		const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
		let fastCount = 0;
		for (let i = 0; i < 5000; i++) {
			const base = pick(BASES);
			let path = random() < 0.5 ? '/' : '';
			const pieces = Math.floor(random() * 8);
			// Half the paths are plain (what the node sends); the rest mix in the tricky pieces.
			const plain = random() < 0.5;
			for (let p = 0; p < pieces; p++) path += plain ? pick(['a', 'site', '7', '-', '_', '/', '~', '!', '$', '(', '*', '+', ',', ';', '=', ':', '@']) : pick(PATH_PIECES);
			const qs: Record<string, unknown> = {};
			const keys = Math.floor(random() * 4);
			for (let k = 0; k < keys; k++) qs[pick(['a', 'take', 'skip', 'b c', 'ü', 'x[y]'])] = pick(QUERY_VALUES);
			const query = random() < 0.1 ? pick(['a=1', 'a b', '?x=y', "q='", 'k=%20', '']) : qs;
			const fast = fastUrl(base, path, query);
			let parsed: UrlParts | Error;
			try {
				parsed = viaParser(base, path, query);
			} catch (error) {
				parsed = error as Error;
			}
			if (fast) {
				fastCount++;
				expect({ path, query, url: parts(fast) }).toEqual({ path, query, url: parsed });
			}
		}
		// The check above only means something if the fast route is actually taken often.
		expect(fastCount).toBeGreaterThan(1500);
	});
});

describe('pathProblem: dot segments and backslashes, also percent-encoded', () => {
	test.each([
		['/sites/abc', undefined],
		['/a/%2e%2e%2fb', 'holds an encoded "." or ".." segment (e.g. "%2e%2e%2f")'],
		['/a/b%2e%2ec', undefined],
		['/a/%2e/b', 'holds an encoded "." or ".." segment (e.g. "%2e%2e%2f")'],
		['/a/.;x/b', 'holds a "." or ".." segment'],
		['/a/%2e;jsessionid=1/b', 'holds an encoded "." or ".." segment (e.g. "%2e%2e%2f")'],
		['/a/%252e%252e/b', 'holds an encoded "." or ".." segment (e.g. "%2e%2e%2f")'],
		// Three rounds of decoding are looked through; what is still encoded after that is refused as such.
		['/a/%25252e%25252e/b', 'holds an encoded "." or ".." segment (e.g. "%2e%2e%2f")'],
		['/a/%2525252e%2525252e/b', 'is percent-encoded more than three times over'],
		['/a/%255c', 'holds an encoded backslash ("%5c")'],
	])('%s', (path, problem) => {
		expect(pathProblem(path)).toBe(problem);
	});
});
