'use strict';

/**
 * Processes for tests and tools (see manager.js): `processes` is the set this Node process starts
 * (one per process, cleaned up on exit); the rest are the parts, for those who need one.
 */

const { Processes, Proc } = require('./manager');

/** Everything this Node process starts through the dev layer. */
const processes = new Processes();

module.exports = {
	processes,
	Processes,
	Proc,
	...require('./capture'),
	...require('./exit'),
	...require('./group'),
	...require('./stats'),
};
