// The fast path runs only where it is known to answer as the SDK does (src/transports/sdk-version.ts):
// with the SDK release it was verified against, read from the installed package at start, and when
// ISPW_MCP_HTTP_FAST_PATH is not false. Otherwise the SDK path serves every request, with one log line.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { ProtocolErrorCode } from '@modelcontextprotocol/server';

import { wireErrorCode } from '../../src/transports/fast-call.js';
import { decideFastPath, FAST_PATH_VERIFIED_SDK_VERSION, installedSdkVersion, SDK_PACKAGE } from '../../src/transports/sdk-version.js';
import { CES_TOKEN, rawRequest, startListener } from './support.js';

/** A package laid out as npm installs it, resolving to dist/index.mjs. */
function fakePackage(pkg: object): (specifier: string) => string {
  const root = mkdtempSync(join(tmpdir(), 'issue-17a-http-sdk-'));
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'package.json'), JSON.stringify(pkg));
  writeFileSync(join(root, 'dist', 'index.mjs'), '');
  return () => pathToFileURL(join(root, 'dist', 'index.mjs')).href;
}

describe('SDK version gate', () => {
  it('reads the installed version, the one package.json pins', () => {
    const pinned = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> }).dependencies[
      SDK_PACKAGE
    ];
    expect(installedSdkVersion()).toBe(pinned);
    expect(FAST_PATH_VERIFIED_SDK_VERSION).toBe(pinned);
  });

  it('reads another release where one is installed, and nothing from a foreign or missing package', () => {
    expect(installedSdkVersion(fakePackage({ name: SDK_PACKAGE, version: '2.5.0' }))).toBe('2.5.0');
    expect(installedSdkVersion(fakePackage({ name: 'something-else', version: '2.4.0' }))).toBeUndefined();
    expect(
      installedSdkVersion(() => {
        throw new Error('Cannot find package');
      }),
    ).toBeUndefined();
  });

  it('switches the fast path on only for the verified release and when configured on', () => {
    expect(decideFastPath(true, FAST_PATH_VERIFIED_SDK_VERSION)).toEqual({ on: true });
    const other = decideFastPath(true, '2.5.0');
    expect(other.on).toBe(false);
    expect(!other.on && other.reason).toBe(`it was verified against ${SDK_PACKAGE} ${FAST_PATH_VERIFIED_SDK_VERSION}, and 2.5.0 is installed`);
    expect(decideFastPath(true, undefined).on).toBe(false);
    expect(decideFastPath(false, FAST_PATH_VERIFIED_SDK_VERSION)).toEqual({
      on: false,
      reason: 'switched off by configuration (ISPW_MCP_HTTP_FAST_PATH=false)',
    });
  });
});

describe('error codes on the wire', () => {
  it('sends -32002 (ResourceNotFound) as -32602 (InvalidParams), as the SDK era codecs do, and every other code unchanged', () => {
    expect(wireErrorCode(ProtocolErrorCode.ResourceNotFound)).toBe(ProtocolErrorCode.InvalidParams);
    for (const code of [ProtocolErrorCode.InvalidParams, ProtocolErrorCode.InternalError, ProtocolErrorCode.MethodNotFound, -32000, 1])
      expect(wireErrorCode(code)).toBe(code);
  });
});

describe('ISPW_MCP_HTTP_FAST_PATH', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ tokens: [CES_TOKEN], stepMs: 0 });
  });
  afterAll(async () => sim?.close());

  const MODERN = '2026-07-28';
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: {
      name: 'ispw_get_assignment',
      arguments: { assignment_id: DEMO.assignmentId },
      _meta: {
        'io.modelcontextprotocol/protocolVersion': MODERN,
        'io.modelcontextprotocol/clientInfo': { name: 't', version: '1' },
        'io.modelcontextprotocol/clientCapabilities': {},
      },
    },
  });
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json',
    'mcp-protocol-version': MODERN,
    'mcp-method': 'tools/call',
    'mcp-name': 'ispw_get_assignment',
  };

  it('=false sends every call through the SDK, and says so once', async () => {
    const off = await startListener(sim, { ISPW_MCP_HTTP_FAST_PATH: 'false' });
    const on = await startListener(sim);
    try {
      const [a, b] = [await rawRequest(off.server.url, { headers, body }), await rawRequest(on.server.url, { headers, body })];
      expect(a.status).toBe(200);
      expect(a.body).toBe(b.body);
      expect(off.server.fastPath).toEqual({ answered: 0, handedOver: 0 });
      expect(on.server.fastPath.answered).toBe(1);
      expect(off.lines.filter((l) => l.msg === 'HTTP tools/call fast path off: the SDK path serves every request')).toEqual([
        expect.objectContaining({ level: 'info', reason: 'switched off by configuration (ISPW_MCP_HTTP_FAST_PATH=false)' }),
      ]);
      expect(on.lines.some((l) => l.msg.startsWith('HTTP tools/call fast path off'))).toBe(false);
    } finally {
      await Promise.all([off.close(), on.close()]);
    }
  });
});
