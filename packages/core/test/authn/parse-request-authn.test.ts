import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import {
  createRequestAuthenticator,
  formatIssue,
  jwtRulesForWorkload,
  parseRequestAuthentication,
  RequestAuthnConfigError,
  type RequestAuthentication,
} from '../../src/authn/index.js';
import { scopeMismatch } from '../../src/workload/scope.js';

// Validation as istiod's webhook does it (istio/istio pkg/config/validation/validation.go
// ValidateRequestAuthentication, validateJwtRule) plus the structural schema; scoping as
// pilot/pkg/model/policyattachment.go.

const manifest = `
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: jwt
  namespace: shop
spec:
  selector:
    matchLabels:
      app: orders
  jwtRules:
  - issuer: "https://idp.example.com"
    audiences: ["orders"]
    jwksUri: "https://idp.example.com/jwks"
    fromHeaders:
    - name: x-jwt-token
      prefix: "Bearer "
    - name: auth-token
    fromParams: ["token"]
    fromCookies: ["session"]
    forwardOriginalToken: true
    outputPayloadToHeader: x-jwt-payload
    outputClaimToHeaders:
    - header: x-jwt-sub
      claim: sub
    timeout: 10ms
    spaceDelimitedClaims: ["roles"]
`;

describe('parseRequestAuthentication', () => {
  it('reads every jwtRules field into the model', () => {
    const r = parseRequestAuthentication(parse(manifest), { file: 'authn.yaml', index: 0 });
    if (!r.ok) throw new Error(r.errors.map(formatIssue).join('\n'));
    expect(r.warnings).toEqual([]);
    expect(r.resource).toEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'RequestAuthentication',
      metadata: { name: 'jwt', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'orders' } },
        jwtRules: [
          {
            issuer: 'https://idp.example.com',
            audiences: ['orders'],
            jwksUri: 'https://idp.example.com/jwks',
            fromHeaders: [{ name: 'x-jwt-token', prefix: 'Bearer ' }, { name: 'auth-token' }],
            fromParams: ['token'],
            fromCookies: ['session'],
            forwardOriginalToken: true,
            outputPayloadToHeader: 'x-jwt-payload',
            outputClaimToHeaders: [{ header: 'x-jwt-sub', claim: 'sub' }],
            timeoutMs: 10,
            spaceDelimitedClaims: ['roles'],
          },
        ],
      },
      origin: { file: 'authn.yaml', document: 0 },
    });
  });

  it('reports every problem with its field path [validateJwtRule]', () => {
    const r = parseRequestAuthentication(
      {
        apiVersion: 'security.istio.io/v1beta1',
        kind: 'RequestAuthentication',
        metadata: { name: 'Bad_Name' },
        spec: {
          selector: { matchLabels: { app: '*' } },
          targetRef: { kind: 'Gateway', name: 'gw' },
          jwtRules: [
            { issuer: '', audiences: [''], jwksUri: 'ftp://x', fromHeaders: [{ name: '' }], fromParams: [''], fromCookies: [''], timeout: '100us', unknown: 1 },
            { issuer: 'a', jwks: '{"not":"a set"}', outputClaimToHeaders: [{ header: 'x y', claim: 'sub' }, { header: '', claim: '' }], forwardOriginalToken: 'yes' },
            null,
          ],
        },
      },
      { file: 'bad.yaml', index: 3 },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const messages = r.errors.map((e) => `${e.field}: ${e.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'metadata.name: "Bad_Name" is not a DNS-1123 subdomain',
        'spec.selector.matchLabels.app: wildcard is not supported in selector',
        'spec: only one of targetRefs or workloadSelector can be set',
        'spec.jwtRules[0].unknown: unknown field',
        'spec.jwtRules[0].audiences[0]: audience must be non-empty string',
        'spec.jwtRules[0].fromHeaders[0].name: location header name must be non-empty string',
        'spec.jwtRules[0].fromParams[0]: location query must be non-empty string',
        'spec.jwtRules[0].fromCookies[0]: cookie name must be non-empty string',
        'spec.jwtRules[0].timeout: duration must be greater than 1ms',
        'spec.jwtRules[0].jwksUri: URI scheme "ftp" is not supported',
        'spec.jwtRules[1].forwardOriginalToken: must be a boolean, found string "yes"',
        'spec.jwtRules[1].jwks: jwks parse error: a JSON Web Key Set must have a [keys] array',
        'spec.jwtRules[1].outputClaimToHeaders[0].header: header name x y is not a valid header name',
        'spec.jwtRules[1].outputClaimToHeaders[1]: outputClaimToHeaders header and claim value must be non-empty string',
        'spec.jwtRules[2]: must not be null',
      ]),
    );
    expect(r.errors[0]).toMatchObject({ file: 'bad.yaml', document: 3, policy: 'default/Bad_Name' });
  });

  it('requires issuer or jwksUri [validateJwtRule]', () => {
    const r = parseRequestAuthentication({ apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name: 'x' }, spec: { jwtRules: [{}] } });
    expect(!r.ok && r.errors.map((e) => e.message)).toEqual(['issuer or jwksUri must be non-empty string']);
  });

  it('warns where istiod accepts what cannot work', () => {
    const r = parseRequestAuthentication({
      apiVersion: 'security.istio.io/v1',
      kind: 'RequestAuthentication',
      metadata: { name: 'x', namespace: 'ns' },
      spec: { jwtRules: [{ issuer: 'not-a-url' }, { issuer: 'i', jwksUri: 'http://idp/jwks' }, { issuer: 'j', jwks: '{"keys":[]}', jwksUri: 'https://a' }] },
    });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.field)).toEqual(['spec.jwtRules[0]', 'spec.jwtRules[1].jwksUri', 'spec.jwtRules[2].jwks', 'spec.jwtRules[2].jwksUri']);
  });

  it('applies the default namespace and refuses other kinds', () => {
    const r = parseRequestAuthentication({ apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name: 'x' } }, { defaultNamespace: 'team' });
    expect(r.ok && r.resource.metadata.namespace).toBe('team');
    const bad = parseRequestAuthentication({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    expect(!bad.ok && bad.errors.map((e) => e.field)).toEqual(['apiVersion', 'kind']);
    expect(parseRequestAuthentication('text').ok).toBe(false);
  });
});

describe('createRequestAuthenticator: rules built in code are checked the same way', () => {
  it('throws RequestAuthnConfigError listing every problem', () => {
    let caught: unknown;
    try {
      createRequestAuthenticator([{ issuer: '' }, { issuer: 'a', jwks: 'nope' }]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RequestAuthnConfigError);
    expect((caught as RequestAuthnConfigError).code).toBe('ERR_REQUEST_AUTHN_INVALID');
    expect((caught as RequestAuthnConfigError).issues.map((i) => i.field)).toEqual(['rules[0]', 'rules[1].jwks']);
  });

  it('checks options with messages naming them', () => {
    expect(() => createRequestAuthenticator([], { cache: { maxEntries: 1 } })).toThrow('"cache.maxEntries" option must be an integer of at least 2');
    expect(() => createRequestAuthenticator([], { maxTokenBytes: 1.5 })).toThrow('"maxTokenBytes" option');
  });
});

describe('workload scoping [policyattachment.go]', () => {
  const ra = (namespace: string, spec: RequestAuthentication['spec']): RequestAuthentication => ({
    apiVersion: 'security.istio.io/v1',
    kind: 'RequestAuthentication',
    metadata: { name: 'r', namespace },
    spec,
  });
  const w = { namespace: 'shop', labels: { app: 'orders', version: 'v1' }, rootNamespace: 'istio-system' };

  it('applies root-namespace and same-namespace resources whose selector is a subset of the labels', () => {
    expect(scopeMismatch(ra('istio-system', {}), w)).toBeUndefined();
    expect(scopeMismatch(ra('shop', { selector: { matchLabels: { app: 'orders' } } }), w)).toBeUndefined();
    expect(scopeMismatch(ra('shop', { selector: { matchLabels: { app: 'cart' } } }), w)).toMatch(/selector app=cart/);
    expect(scopeMismatch(ra('other', {}), w)).toMatch(/namespace other/);
    expect(scopeMismatch(ra('shop', { targetRefs: [{ kind: 'Gateway', name: 'gw' }] }), w)).toMatch(/targetRef/);
  });

  it('merges the rules of every applying resource', () => {
    const rules = jwtRulesForWorkload(
      [
        ra('istio-system', { jwtRules: [{ issuer: 'root' , jwksUri: 'https://r/j' }] }),
        ra('shop', { selector: { matchLabels: { app: 'orders' } }, jwtRules: [{ issuer: 'mine', jwksUri: 'https://m/j' }] }),
        ra('shop', { selector: { matchLabels: { app: 'cart' } }, jwtRules: [{ issuer: 'cart', jwksUri: 'https://c/j' }] }),
      ],
      w,
    );
    expect(rules.map((r) => r.issuer)).toEqual(['root', 'mine']);
  });
});
