// n8n loads the nodes and credentials from the paths in package.json's "n8n" field; this entry
// point exposes the same classes for programmatic use and tooling.
module.exports = {
	nodes: {
		ChargePilot: () => require('./dist/nodes/ChargePilot/ChargePilot.node').ChargePilot,
		ChargePilotTrigger: () => require('./dist/nodes/ChargePilotTrigger/ChargePilotTrigger.node').ChargePilotTrigger,
		ChargePilotPushTrigger: () => require('./dist/nodes/ChargePilotPushTrigger/ChargePilotPushTrigger.node').ChargePilotPushTrigger,
	},
	credentials: {
		ChargePilotApi: () => require('./dist/credentials/ChargePilotApi.credentials').ChargePilotApi,
		ChargePilotPushApi: () => require('./dist/credentials/ChargePilotPushApi.credentials').ChargePilotPushApi,
	},
};
