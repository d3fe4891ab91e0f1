'use strict';

/**
 * What n8n hands out about runs: what `n8n execute --rawOutput` printed (an IRun), an execution's
 * data as the REST API stores it (flatted), and the nodes' results in either.
 */

/**
 * The run in the output: pretty-printed JSON from the first line that is exactly `{` to the first
 * line after it that is exactly `}`; undefined when there is none (or it is cut).
 */
function parseRun(stdout) {
	const start = stdout.startsWith('{\n') ? 0 : stdout.indexOf('\n{\n') + 1;
	if (start === 0 && !stdout.startsWith('{\n')) return undefined;
	let end = stdout.indexOf('\n}\n', start);
	if (end < 0 && stdout.endsWith('\n}')) end = stdout.length - 2;
	if (end < 0) return undefined;
	return JSON.parse(stdout.slice(start, end + 2));
}

/** Output items (json) of a node in a run, or its error. */
function nodeResult(run, nodeName) {
	const task = run.data.resultData.runData[nodeName]?.[0];
	if (!task) return { items: undefined, error: { message: `node "${nodeName}" did not run` } };
	return { items: (task.data?.main?.[0] ?? []).map((item) => item.json), error: task.error };
}

/** The first task of a node in a run: { items, executionTime, startTime, error }; throws when it did not run. */
function nodeTask(run, nodeName) {
	const data = run.data.resultData.runData[nodeName]?.[0];
	if (!data) throw new Error(`node "${nodeName}" did not run (run status ${run.status}: ${JSON.stringify(run.data.resultData.error ?? {}).slice(0, 600)})`);
	return { items: data.data?.main?.[0] ?? [], executionTime: data.executionTime, startTime: data.startTime, error: data.error };
}

/**
 * A value in the "flatted" form n8n stores execution data in (and its REST API returns): a JSON
 * array whose first entry is the value; every string inside an object or array is the index of the
 * entry that holds the string or object (which lets it hold cycles).
 */
function parseFlatted(text) {
	const input = JSON.parse(text);
	const revived = new Set();
	const revive = (object) => {
		revived.add(object);
		for (const key of Object.keys(object)) {
			const value = object[key];
			if (typeof value !== 'string') continue;
			const target = input[Number(value)];
			if (target !== null && typeof target === 'object' && !revived.has(target)) revive(target);
			object[key] = target;
		}
		return object;
	};
	const root = input[0];
	return root !== null && typeof root === 'object' ? revive(root) : root;
}

module.exports = { parseRun, nodeResult, nodeTask, parseFlatted };
