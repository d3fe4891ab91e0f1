'use strict';

/** The benchmark's command line (see the header of scripts/bench.js), read with util.parseArgs. */

const fs = require('node:fs');
const path = require('node:path');

const { UsageError, readOptions } = require('../../dev/cli');

const OPTIONS = {
	items: { type: 'string' },
	latency: { type: 'string' },
	concurrency: { type: 'string' },
	events: { type: 'string' },
	repeat: { type: 'string' },
	'max-minutes': { type: 'string' },
	tarball: { type: 'string' },
	quick: { type: 'boolean', default: false },
	strict: { type: 'boolean', default: false },
	'no-signer': { type: 'boolean', default: false },
	'no-throughput': { type: 'boolean', default: false },
	'no-diy-unbatched': { type: 'boolean', default: false },
	'no-events': { type: 'boolean', default: false },
	'no-summarize': { type: 'boolean', default: false },
	'summarize-events': { type: 'string' },
	'summarize-rounds': { type: 'string' },
	'summarize-groups': { type: 'string' },
};

/** Summarize groupings the scenario knows (scripts/bench/summarize.js). */
const GROUPINGS = ['day', 'idTag'];

function parseArgs(argv) {
	const flags = readOptions(argv, OPTIONS);
	const quick = flags.quick;
	const int = (name, fallback, min, max) => {
		const value = Number(flags[name] ?? fallback);
		if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
		return value;
	};
	const list = (name, fallback, min, max) => {
		const values = String(flags[name] ?? fallback).split(',').map((v) => Number(v.trim()));
		if (!values.length || values.some((v) => !Number.isInteger(v) || v < min || v > max)) {
			throw new UsageError(`--${name} takes comma-separated whole numbers from ${min} to ${max}`);
		}
		return [...new Set(values)];
	};
	const options = {
		help: flags.help,
		quick,
		strict: flags.strict,
		items: int('items', quick ? 200 : 2000, 1, 100_000),
		latencies: list('latency', '0,20', 0, 5000),
		concurrencies: list('concurrency', '1,8', 1, 32), // the node allows 1..32
		events: int('events', quick ? 10_000 : 100_000, 1, 1_000_000),
		repeat: int('repeat', 1, 1, 9),
		maxMinutes: int('max-minutes', quick ? 30 : 90, 1, 600),
		tarball: flags.tarball === undefined ? undefined : path.resolve(flags.tarball),
		signer: !flags['no-signer'],
		throughput: !flags['no-throughput'],
		diyUnbatched: !flags['no-diy-unbatched'],
		eventsRun: !flags['no-events'],
		summarize: !flags['no-summarize'],
		summarizeEvents: int('summarize-events', quick ? 10_000 : 100_000, 10_000, 1_000_000),
		summarizeRounds: int('summarize-rounds', quick ? 1 : 3, 1, 9),
		summarizeGroupings: [...new Set(String(flags['summarize-groups'] ?? 'day,idTag').split(',').map((v) => v.trim()).filter(Boolean))],
		summarizeRunMinutes: 15, // one n8n execute of the scenario (100,000 items through n8n's nodes)
		signerMs: quick ? 600 : 3000,
	};
	if (!options.summarizeGroupings.length || options.summarizeGroupings.some((g) => !GROUPINGS.includes(g))) {
		throw new UsageError(`--summarize-groups takes a comma-separated list of ${GROUPINGS.join(', ')}`);
	}
	if (options.tarball && !fs.existsSync(options.tarball)) throw new UsageError(`--tarball ${options.tarball} does not exist`);
	return options;
}

module.exports = { parseArgs };
