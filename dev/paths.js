'use strict';

/** Where things are in this checkout (for the dev layer and everything standing on it). */

const path = require('node:path');

const REPO = path.resolve(__dirname, '..');

module.exports = {
	REPO,
	/** The built package (npm run build). */
	DIST: path.join(REPO, 'dist'),
	/** Example workflows shipped in the repository. */
	EXAMPLES: path.join(REPO, 'examples'),
};
