'use strict';

/**
 * A local npm registry for tests that install this package the way n8n's Settings → Community
 * Nodes does: the pinned verdaccio (install.js) started per test (verdaccio.js), n8n's default
 * registry read from the n8n under test (n8n-registry.js), a proxy that serves that host from the
 * verdaccio with a per-run test CA (proxy.js, dev/tls), the variables and .npmrc that point n8n and
 * its npm at that proxy (npm-env.js), and variants of the packed package to publish (tarball.js).
 */

module.exports = {
	...require('./install'),
	...require('./verdaccio'),
	...require('./n8n-registry'),
	...require('./proxy'),
	...require('./npm-env'),
	...require('./tarball'),
};
