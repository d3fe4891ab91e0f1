import * as api from './api/Api.resource';
import * as chargingEvent from './chargingEvent/ChargingEvent.resource';
import type { Resource } from './operation';
import * as site from './site/Site.resource';

/**
 * Every resource of the ChargePilot node, in the order of its Resource list. The node's description
 * and the router both read this one table: a new resource is one line here.
 */
export const resources: Resource[] = [api, chargingEvent, site];
