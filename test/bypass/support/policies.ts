/**
 * The policies every bypass app enforces. The attacker is a workload of namespace `shop` (allowed
 * most things); `admin` is the namespace the DENY rules exempt.
 */
export const POLICIES = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-admin, namespace: shop}
spec:
  action: DENY
  rules:
    - from: [{source: {notNamespaces: [admin]}}]
      to: [{operation: {paths: [/admin, /admin/*]}}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-secret-file, namespace: shop}
spec:
  action: DENY
  rules:
    - to: [{operation: {paths: [/files/secret.txt]}}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-report-reads, namespace: shop}
spec:
  action: DENY
  rules:
    - from: [{source: {notNamespaces: [admin]}}]
      to: [{operation: {methods: [GET], paths: [/reports/*]}}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-internal-host, namespace: shop}
spec:
  action: DENY
  rules:
    - from: [{source: {notNamespaces: [admin]}}]
      to: [{operation: {hosts: [internal.example.com]}}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow, namespace: shop}
spec:
  action: ALLOW
  rules:
    - from: [{source: {namespaces: [shop, admin]}}]
    - to: [{operation: {methods: [GET], paths: [/api/public/*]}}]
`;

export const APP_ID = 'spiffe://cluster.local/ns/shop/sa/orders';
export const CALLERS = {
  shop: 'spiffe://cluster.local/ns/shop/sa/frontend',
  admin: 'spiffe://cluster.local/ns/admin/sa/console',
  anon: undefined,
} as const;
export type Caller = keyof typeof CALLERS;
