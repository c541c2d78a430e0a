import type { DecisionCode, DenialResponse } from './decision.js';
import { ACCESS_DENIED } from './policy/decision.js';

/** How a policy denial (403) is answered: Envoy's text, or the JSON body the other refusals use. */
export type AccessDeniedBody = 'text' | 'json';

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const TEXT_TYPE = { 'content-type': 'text/plain' };

/**
 * Builds the answers for every refusal once. Identity refusals are JSON `{ error, code }`; a policy
 * denial is Envoy's `403 RBAC: access denied` (text/plain, as the sidecar answers) unless JSON is
 * asked for. Neither names a policy.
 *
 * @example
 * ```ts
 * const respond = denialResponses('text');
 * respond('ACCESS_DENIED', 403, 'RBAC: access denied').body; // 'RBAC: access denied'
 * ```
 */
export function denialResponses(accessDeniedBody: AccessDeniedBody): (code: DecisionCode, status: number, reason: string) => DenialResponse {
  const cache = new Map<string, DenialResponse>();
  return (code, status, reason) => {
    const key = `${status} ${code} ${reason}`;
    let response = cache.get(key);
    if (response === undefined) {
      response =
        code === 'ACCESS_DENIED' && accessDeniedBody === 'text'
          ? Object.freeze({ status, headers: TEXT_TYPE, body: ACCESS_DENIED })
          : Object.freeze({ status, headers: JSON_TYPE, body: JSON.stringify({ error: reason, code }) });
      cache.set(key, response);
    }
    return response;
  };
}
