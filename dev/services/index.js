'use strict';

/**
 * Server programs of the system that tests and tools start for themselves: Redis and Postgres for
 * n8n's queue mode (system.js finds them; install.sh installs them on Debian).
 */

module.exports = {
	...require('./system'),
	...require('./redis'),
	...require('./postgres'),
};
