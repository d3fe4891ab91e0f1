/** Resource → operation names the router dispatches on. */
export type ChargePilotType = {
	api: 'ping' | 'customRequest';
	site: 'get' | 'getAll';
	chargingEvent: 'getAll';
};
