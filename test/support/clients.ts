// SDK clients for end-to-end tests, in either protocol era.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import { MAIN, assertBuilt } from './server-process.js';

export type Era = '2025' | '2026';

const clientOptions = (era: Era) => (era === '2026' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {});

export async function connectHttp(url: string, era: Era): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: 'ispw-mcp-e2e', version: '1.0.0' }, clientOptions(era));
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  return { client, transport };
}

export async function connectStdio(
  env: Record<string, string>,
  era: Era,
  args: string[] = [],
): Promise<{ client: Client; transport: StdioClientTransport; stderr: () => string; stdout: () => string }> {
  assertBuilt();
  const client = new Client({ name: 'ispw-mcp-e2e', version: '1.0.0' }, clientOptions(era));
  const transport = new StdioClientTransport({ command: process.execPath, args: [MAIN, ...args], env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  await client.connect(transport);
  return { client, transport, stderr: () => stderr, stdout: () => '' };
}
