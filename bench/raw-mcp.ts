// A raw JSON-RPC `tools/call` over Streamable HTTP, for scenarios with thousands of concurrent
// callers (bench/waits.ts): an SDK client per caller would make the load generator the bottleneck.
// 2026 era: one POST with the SEP-2243 headers and the per-request `_meta` envelope, JSON reply.
// 2025 era on a stateless server: one POST, reply as one SSE `message` event. No initialize is
// needed in either (stateless), and no progress token is sent (the caller wants only the answer).
import http from 'node:http';

import type { Era } from './callers.js';

const MODERN = '2026-07-28';

export interface RawResult {
  isError: boolean;
  structured: Record<string, unknown> | undefined;
  text: string;
}

/** One keep-alive agent with no socket cap: every caller holds its own connection while it waits. */
export const rawAgent = () => new http.Agent({ keepAlive: true, maxSockets: Infinity });

export function rawToolCall(agent: http.Agent, url: string, era: Era, id: number, name: string, args: Record<string, unknown>): Promise<RawResult> {
  const meta =
    era === '2026'
      ? {
          _meta: {
            'io.modelcontextprotocol/protocolVersion': MODERN,
            'io.modelcontextprotocol/clientInfo': { name: 'ispw-mcp-bench-raw', version: '1.0.0' },
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        }
      : {};
  const body = JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, ...meta } });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': era === '2026' ? MODERN : '2025-11-25',
    ...(era === '2026' ? { 'mcp-method': 'tools/call', 'mcp-name': name } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
        try {
          resolve(parseReply(text));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The JSON-RPC response from a JSON body or from the last SSE `data:` line. */
function parseReply(text: string): RawResult {
  const json = text.trimStart().startsWith('{')
    ? text
    : text
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .filter((l) => l.startsWith('{'))
        .at(-1);
  if (!json) throw new Error(`no JSON-RPC message in the reply: ${text.slice(0, 300)}`);
  const message = JSON.parse(json) as {
    result?: { isError?: boolean; structuredContent?: Record<string, unknown>; content?: { text?: string }[] };
    error?: { message: string };
  };
  if (message.error) throw new Error(`JSON-RPC error: ${message.error.message}`);
  const result = message.result ?? {};
  return { isError: result.isError === true, structured: result.structuredContent, text: result.content?.[0]?.text ?? '' };
}
