'use strict';

/**
 * Real n8n for tests and tools: the pinned installs (harness.js), this package packed and
 * installed (package.js), instances with their commands and server processes (instance.js),
 * several instances as one queue-mode n8n (queue.js), the environment they run in (env.js), a
 * client for their HTTP side (client.js), what `execute` prints and what executions hold
 * (run-data.js), and their SQLite database (database.js).
 */

module.exports = {
	...require('./harness'),
	...require('./package'),
	...require('./instance'),
	...require('./queue'),
	...require('./env'),
	...require('./client'),
	...require('./run-data'),
	...require('./database'),
};
