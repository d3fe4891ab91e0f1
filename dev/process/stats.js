'use strict';

/**
 * Memory and CPU of a process tree from /proc (Linux only): VmRSS / VmHWM of a process and of its
 * descendants, sampled while it runs. VmHWM is the kernel's own peak-RSS counter, so the last
 * sample before a process exits is its peak, whatever the sampling interval. Measures only: the
 * process manager (manager.js) starts and stops.
 */

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

/** Clock ticks per second of /proc/<pid>/stat times (100 on practically every Linux). */
const CLK_TCK = (() => {
	try {
		return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
	} catch {
		return 100;
	}
})();

/** CPU time (user + system) a pid has used so far, in ms; undefined when it is gone. */
function cpuMsOf(pid) {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
	} catch {
		return undefined;
	}
}

/** { rssKb, hwmKb } of a pid, or undefined when it is gone. */
function memoryOf(pid) {
	let text;
	try {
		text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	} catch {
		return undefined;
	}
	const rss = /^VmRSS:\s+(\d+)/m.exec(text);
	const hwm = /^VmHWM:\s+(\d+)/m.exec(text);
	const name = /^Name:\s+(.*)$/m.exec(text);
	if (!rss || !hwm) return undefined; // a zombie has no memory lines
	return { rssKb: Number(rss[1]), hwmKb: Number(hwm[1]), name: name ? name[1] : '?' };
}

/** Direct children of a pid (all its threads' children). */
function childrenOf(pid) {
	const out = [];
	let tasks;
	try {
		tasks = fs.readdirSync(`/proc/${pid}/task`);
	} catch {
		return out;
	}
	for (const tid of tasks) {
		try {
			const text = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
			if (text) for (const child of text.split(/\s+/)) out.push(Number(child));
		} catch {
			// thread gone, or a kernel without CONFIG_PROC_CHILDREN: fall back below
		}
	}
	if (out.length === 0 && !fs.existsSync(`/proc/${pid}/task/${pid}/children`)) return childrenByScan(pid);
	return out;
}

function childrenByScan(pid) {
	const out = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (ppid === pid) out.push(Number(entry));
		} catch {
			// gone
		}
	}
	return out;
}

function descendantsOf(pid) {
	const out = [];
	const queue = [pid];
	while (queue.length) {
		for (const child of childrenOf(queue.shift())) {
			out.push(child);
			queue.push(child);
		}
	}
	return out;
}

/**
 * Samples a process tree every `intervalMs` until stop(). Keeps:
 * - main: the root's last VmHWM (its peak RSS) and a time series of its VmRSS;
 * - others: per descendant pid, its last VmHWM and name (e.g. n8n's task runner);
 * - treePeakKb: the largest sum of VmRSS over the tree seen in one sample;
 * - series: [time, VmRSS of the root in kB, CPU ms used so far by the whole tree] per sample.
 */
function sampleTree(rootPid, intervalMs = 50) {
	const state = { mainHwmKb: 0, series: [], others: new Map(), treePeakKb: 0 };
	const cpuByPid = new Map(); // last CPU ms seen per pid, so exited children keep counting
	const tick = () => {
		const t = Date.now();
		const main = memoryOf(rootPid);
		const mainCpu = cpuMsOf(rootPid);
		if (mainCpu !== undefined) cpuByPid.set(rootPid, mainCpu);
		let sum = 0;
		for (const pid of descendantsOf(rootPid)) {
			const cpu = cpuMsOf(pid);
			if (cpu !== undefined) cpuByPid.set(pid, cpu);
			const mem = memoryOf(pid);
			if (!mem) continue;
			sum += mem.rssKb;
			const prev = state.others.get(pid);
			state.others.set(pid, { name: mem.name, hwmKb: Math.max(prev ? prev.hwmKb : 0, mem.hwmKb) });
		}
		if (main) {
			state.mainHwmKb = Math.max(state.mainHwmKb, main.hwmKb);
			let cpu = 0;
			for (const value of cpuByPid.values()) cpu += value;
			state.series.push([t, main.rssKb, cpu]);
			sum += main.rssKb;
		}
		state.treePeakKb = Math.max(state.treePeakKb, sum);
	};
	tick();
	const timer = setInterval(tick, intervalMs);
	return {
		state,
		tick,
		stop() {
			clearInterval(timer);
			return state;
		},
		/** Peak VmRSS of the root over samples taken in [fromMs, toMs]. */
		peakBetween(fromMs, toMs) {
			let peak = 0;
			for (const [t, kb] of state.series) if (t >= fromMs && t <= toMs) peak = Math.max(peak, kb);
			return peak;
		},
		/**
		 * CPU ms the tree used in [fromMs, toMs], from the last sample at or before fromMs to the first
		 * at or after toMs (so it covers the window; at most two sample intervals too much).
		 */
		cpuMsBetween(fromMs, toMs) {
			const { series } = state;
			if (!series.length) return undefined;
			let start = series[0];
			let end = series[series.length - 1];
			for (const sample of series) {
				if (sample[0] <= fromMs) start = sample;
				if (sample[0] >= toMs) {
					end = sample;
					break;
				}
			}
			return end[2] - start[2];
		},
		/** VmRSS of the root in the last sample at or before t. */
		rssAt(t) {
			let kb = 0;
			for (const [when, value] of state.series) {
				if (when > t) break;
				kb = value;
			}
			return kb;
		},
	};
}

module.exports = { memoryOf, cpuMsOf, descendantsOf, sampleTree };
