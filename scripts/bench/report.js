'use strict';

/** The benchmark's output: number formats, plain-text tables, the machine, and the targets' verdicts. */

const fs = require('node:fs');
const os = require('node:os');

const fmt = {
	rate: (v) => (v === undefined || !Number.isFinite(v) ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1)),
	s: (ms) => (ms === undefined ? '-' : (ms / 1000).toFixed(2)),
	mb: (kb) => (kb ? (kb / 1024).toFixed(0) : '-'), // VmHWM / maxRSS are in kB
	x: (v) => (v === undefined || !Number.isFinite(v) ? '-' : `${v.toFixed(2)}x`),
	int: (v) => Math.round(v).toLocaleString('en-US'),
	mib: (bytes) => (bytes / 1024 ** 2).toFixed(1),
};

function table(headers, rows, align) {
	const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
	const line = (cells) =>
		cells
			.map((cell, i) => (align[i] === 'r' ? String(cell).padStart(widths[i]) : String(cell).padEnd(widths[i])))
			.join('  ')
			.trimEnd();
	return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function median(values) {
	const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
	if (!sorted.length) return undefined;
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function machine() {
	let cpu = os.cpus()[0]?.model ?? '?';
	try {
		cpu = /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() || cpu;
	} catch {
		// not Linux
	}
	return { cpus: os.availableParallelism?.() ?? os.cpus().length, cpu, memGiB: os.totalmem() / 1024 ** 3 };
}

const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

/** Prints PASS/FAIL per target; `more`: verdicts computed elsewhere ({ ok, text }, e.g. the Summarize scenario's). */
function printTargets(options, cells, events, signer, more = []) {
	console.log('\nTargets (ratios of runs made side by side in this run)');
	const verdicts = [];
	const judge = (ok, text) => {
		verdicts.push(ok);
		console.log(`${ok === true ? 'PASS' : 'FAIL'}  ${text}${ok === undefined ? ' (no data: a run broke)' : ''}`);
	};
	const rate = (key) => cells?.get(key)?.itemsPerSec;
	if (cells) {
		const seqC = options.concurrencies[0];
		for (const latency of options.latencies) {
			for (const c of options.concurrencies) {
				const a = rate(`a|${latency}|${c}`);
				const b = rate(`b|${latency}|${c}`);
				const raw = rate(`c|${latency}|${c}`);
				const ceiling = raw && b ? `; ceiling: (c) is ${fmt.x(raw / b)} (b)` : '';
				judge(a && b ? a >= 1.5 * b : undefined, `(a) >= 1.5x (b), concurrency ${c}, ${latency} ms: ${a && b ? fmt.x(a / b) : '-'}${ceiling}`);
			}
		}
		for (const latency of options.latencies) {
			const a = rate(`a|${latency}|${seqC}`);
			const raw = rate(`c|${latency}|${seqC}`);
			judge(a && raw ? a >= 0.7 * raw : undefined, `(a) >= 0.7x (c) sequential (concurrency ${seqC}), ${latency} ms: ${a && raw ? fmt.x(a / raw) : '-'}`);
		}
		if (options.latencies.includes(20) && options.concurrencies.includes(1) && options.concurrencies.includes(8)) {
			const a8 = rate('a|20|8');
			const a1 = rate('a|20|1');
			const raw8 = rate('c|20|8');
			const raw1 = rate('c|20|1');
			const ceiling = raw8 && raw1 ? `; (c) scales ${fmt.x(raw8 / raw1)}` : '';
			judge(a8 && a1 ? a8 >= 6 * a1 : undefined, `(a) concurrency 8 >= 6x concurrency 1 at 20 ms: ${a8 && a1 ? fmt.x(a8 / a1) : '-'}${ceiling}`);
		}
	}
	if (options.eventsRun) {
		judge(events ? events.ratio <= 3 : undefined, `Return All of ${fmt.int(options.events)} events adds <= 3x their JSON size to peak RSS: ${fmt.x(events?.ratio)}`);
	}
	for (const { ok, text } of more) judge(ok, text);
	for (const r of signer) {
		judge(r.authenticate >= r.reference, `signer not slower than the reference, Node ${r.node}, all of authenticate (signRequestOptions): ${fmt.x(r.authenticate / r.reference)}`);
		judge(r.core >= r.reference, `signer not slower than the reference, Node ${r.node}, signature with the cached hash (signWithHashedSecret): ${fmt.x(r.core / r.reference)}`);
	}
	return verdicts;
}

module.exports = { fmt, table, median, machine, loadavg, printTargets };
