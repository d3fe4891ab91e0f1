// n8n loads the node and credential from the paths in package.json's "n8n" field; this entry point
// exposes the same classes for programmatic use and tooling.
module.exports = {
	nodes: { ChargePilot: () => require('./dist/nodes/ChargePilot/ChargePilot.node').ChargePilot },
	credentials: { ChargePilotApi: () => require('./dist/credentials/ChargePilotApi.credentials').ChargePilotApi },
};
