import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLabelsFile, resolveWorkload } from '../../src/workload/pod-info.js';
import { goUnquote } from '../../src/workload/go-unquote.js';
import { OptionError } from '../../src/errors.js';

describe('downward-API labels file', () => {
  // Format: k8s.io/kubernetes pkg/fieldpath FormatMap — sorted `key="value"` lines, values
  // quoted with Go's %q, no trailing newline.
  it('reads Kubernetes label lines with Go quoting', () => {
    const text = 'app="orders"\napp.kubernetes.io/version="1.2.3"\nnote="say \\"hi\\"\\tnow"\nsecurity.istio.io/tlsMode="istio"';
    expect(parseLabelsFile(text)).toEqual({
      app: 'orders',
      'app.kubernetes.io/version': '1.2.3',
      note: 'say "hi"\tnow',
      'security.istio.io/tlsMode': 'istio',
    });
  });

  it.each([['app=orders'], ['app="orders'], ['="x"'], ['app="a"b"']])('refuses a line that is not key="value": %s', (line) => {
    expect(() => parseLabelsFile(line, 'labels')).toThrow(OptionError);
    expect(() => parseLabelsFile(line, 'labels')).toThrow(/labels:1 is not a key="value" line/);
  });

  it.each([
    ['"plain"', 'plain'],
    ['"\\u00e9t\\u00e9"', 'été'],
    ['"\\x41\\101"', 'AA'],
    ['"\\q"', undefined],
    ['"\\xff"', undefined],
  ])('unquotes Go string %s', (quoted, expected) => {
    expect(goUnquote(quoted)).toBe(expected);
  });
});

describe('resolveWorkload', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshauth-podinfo-'));
  const labelsFile = join(dir, 'labels');
  writeFileSync(labelsFile, 'app="orders"\nversion="v2"');

  it('prefers explicit options', () => {
    expect(resolveWorkload({ namespace: 'shop', labels: { app: 'x' } }, { POD_NAMESPACE: 'other' })).toEqual({ namespace: 'shop', labels: { app: 'x' } });
  });

  it('reads POD_NAMESPACE and the labels file named by MESHAUTH_LABELS_FILE', () => {
    expect(resolveWorkload({}, { POD_NAMESPACE: 'shop', MESHAUTH_LABELS_FILE: labelsFile })).toEqual({ namespace: 'shop', labels: { app: 'orders', version: 'v2' } });
  });

  it('reads an explicit labels file', () => {
    expect(resolveWorkload({ namespace: 'shop', labelsFile }, {}).labels).toEqual({ app: 'orders', version: 'v2' });
  });

  it('names the option when the labels file cannot be read', () => {
    expect(() => resolveWorkload({ namespace: 'shop', labelsFile: join(dir, 'missing') }, {})).toThrow(/"workload.labelsFile" option cannot be read from .*missing: ENOENT/);
  });
});
