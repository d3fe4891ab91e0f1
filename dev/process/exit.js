'use strict';

/**
 * Folders to remove however this process ends (a normal end, Ctrl+C, a watchdog's exit),
 * synchronously on 'exit', after the process manager has killed every group it started (its hook
 * is registered first, when `processes` is made).
 */

const fs = require('node:fs');

const folders = new Set();
let hooked = false;

/** Removes `folder` when this process exits; returns a function that forgets it again. */
function removeOnExit(folder) {
	if (!hooked) {
		hooked = true;
		process.on('exit', () => {
			for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
		});
	}
	folders.add(folder);
	return () => folders.delete(folder);
}

module.exports = { removeOnExit };
