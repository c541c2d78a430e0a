/**
 * Route-level authorization: rules written like AuthorizationPolicy rules, attached to one route
 * (a guard middleware, Fastify route `config`) or checked in a handler with application data.
 */
export { compileRouteRules, routeRulesOf, RouteRules, type RouteRuleAction, type RouteRuleOptions, type RouteRulesInput } from './compile.js';
export { NotMountedError } from './errors.js';
