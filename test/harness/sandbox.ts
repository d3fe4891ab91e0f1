/** Typed access to the ChargePilot sandbox (plain JavaScript in dev/sandbox). */
/* eslint-disable @typescript-eslint/no-require-imports */
export interface RecordedRequest {
	method: string;
	target: string;
	headers: Record<string, string>;
	body: Buffer;
	bodyText: string;
	auth: { ok: boolean; variant: 'full' | 'relative' | null; reason: string | null };
	status: number;
	/** performance.now() when the request arrived and when its answer was complete. */
	startedMs: number;
	endedMs?: number;
}

export interface Sandbox {
	origin: string;
	baseUrl: string;
	port: number;
	apiKey: string;
	apiSecret: string;
	requests: RecordedRequest[];
	sites: Array<Record<string, unknown>>;
	stats: { requests: number; faultsInjected: number; byStatus: Record<string, number> };
	clearRequests(): void;
	resetStats(): void;
	configure(options: Record<string, unknown>): void;
	addEvents(siteId: string, countOrEvents: number | unknown[]): Array<Record<string, unknown>>;
	addSite(id: string, details?: { name?: string; timezone?: string }): Record<string, unknown>;
	getEvents(siteId: string): Array<Record<string, unknown>>;
	failNext(n: number, fault: Record<string, unknown>): void;
	clearFailNext(): void;
	close(): Promise<void>;
}

export const startSandbox: (options?: Record<string, unknown>) => Promise<Sandbox> = require('../../dev/sandbox').startSandbox;

/** The ChargePilot credential data pointing at a sandbox. */
export function sandboxCredentials(sandbox: Sandbox, overrides: Record<string, unknown> = {}) {
	return {
		region: 'custom',
		baseUrl: sandbox.baseUrl,
		apiKey: sandbox.apiKey,
		apiSecret: sandbox.apiSecret,
		signedPath: 'full',
		...overrides,
	};
}

/**
 * One sandbox for a test file: started before its tests, closed after, with the request log (and
 * the given runtime settings) reset before each test. Returns a getter.
 */
export function useSandbox(options: Record<string, unknown> = {}, resetTo: Record<string, unknown> = {}): () => Sandbox {
	let sandbox: Sandbox | undefined;
	beforeAll(async () => {
		sandbox = await startSandbox(options);
	});
	afterAll(async () => {
		await sandbox?.close();
	});
	beforeEach(() => {
		sandbox?.clearRequests();
		sandbox?.resetStats();
		sandbox?.clearFailNext();
		sandbox?.configure({ faults: null, ...resetTo });
	});
	return () => {
		if (!sandbox) throw new Error('the sandbox is not started');
		return sandbox;
	};
}
