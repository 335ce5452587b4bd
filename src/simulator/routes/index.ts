import { centralizedPolicyRoutes } from './centralized-policy.js';
import { exceptionRoutes } from './exception.js';
import { runtimePolicyRoutes } from './runtime-policy.js';
import { secretRuleRoutes } from './secret-rule.js';
import { sensorProfileRoutes } from './sensor-profile.js';
import { reportScheduleRoutes } from './report-schedule.js';
import { awsConnectorRoutes } from './aws-connector.js';
import { registryRoutes } from './container-registry.js';
import type { KindRoutes } from '../route-types.js';

// the connector routes (under registry/aws…) before the registry routes, which take the rest of registry/
export const ALL_ROUTES: KindRoutes[] = [awsConnectorRoutes, registryRoutes, centralizedPolicyRoutes, runtimePolicyRoutes, exceptionRoutes, sensorProfileRoutes, secretRuleRoutes, reportScheduleRoutes];
