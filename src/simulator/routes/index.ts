import { centralizedPolicyRoutes } from './centralized-policy.js';
import { exceptionRoutes } from './exception.js';
import { runtimePolicyRoutes } from './runtime-policy.js';
import { secretRuleRoutes } from './secret-rule.js';
import { sensorProfileRoutes } from './sensor-profile.js';
import { reportScheduleRoutes } from './report-schedule.js';
import type { KindRoutes } from '../route-types.js';

export const ALL_ROUTES: KindRoutes[] = [centralizedPolicyRoutes, runtimePolicyRoutes, exceptionRoutes, sensorProfileRoutes, secretRuleRoutes, reportScheduleRoutes];
