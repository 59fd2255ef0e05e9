// The central call wrapper: every tool call passes through here, and only here are the CES target
// resolved, progress wired, errors mapped and calls logged. Tools stay plain functions.
// Order: resolve target → run → map errors. (Authorisation, policy, metrics and audit join here.)
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

import type { CallToolResult, ServerContext } from '@modelcontextprotocol/server';

import type { CesDirectory } from '../ces/api.js';
import { CesError } from '../ces/errors.js';
import type { Logger } from '../telemetry/logger.js';
import type { ToolContext, WaitSettings } from './kit/context.js';
import type { AnyToolDef } from './kit/define-tool.js';
import { ToolInputError } from './kit/errors.js';

export interface CallDeps {
  directory: CesDirectory;
  logger: Logger;
  wait: WaitSettings;
  /** Aborted when the server shuts down; every call's signal follows it. */
  shutdownSignal?: AbortSignal;
}

// What a caller can do about each CES failure; appended to the error text.
const HINTS: Record<CesError['code'], string> = {
  ces_input: 'Correct the arguments and call again.',
  ces_auth: 'The CES token was rejected or is missing: the operator must check the configured token (ISPW_MCP_CES_TOKEN_FILE) and its host connection.',
  ces_not_found: 'Check the id (list tools such as ispw_list_assignments show valid ids) and the srid.',
  ces_conflict: 'Another operation is running on these tasks; wait for it (ispw_get_set) and try again.',
  ces_rejected: 'CES refused the request; its message above says why.',
  ces_rate_limited: 'CES is rate limiting; wait and try again.',
  ces_server: 'CES failed internally; try again later or ask the CES administrator.',
  ces_timeout: 'CES did not answer in time. For a write, check with ispw_get_set or the list tools before retrying: it may have been done.',
  ces_unavailable: 'CES could not be reached; try again later or ask the operator to check connectivity and TLS settings.',
  ces_bad_reply: 'CES sent a reply this server could not read; ask the operator to check the CES version.',
};

const errorResult = (text: string): CallToolResult => ({ content: [{ type: 'text', text }], isError: true });

export function describeCesError(error: CesError): string {
  const parts = [error.message];
  if (error.details.cesMessage && !error.message.includes(error.details.cesMessage)) {
    parts.push(`CES said: ${error.details.cesMessage}`);
  }
  if (error.details.retryAfterSeconds !== undefined) parts.push(`Retry after ${error.details.retryAfterSeconds} s.`);
  parts.push(HINTS[error.code]);
  return parts.join(' ');
}

const sleeper = (signal: AbortSignal) => (ms: number) => delay(ms, undefined, { signal });

/** Builds the SDK callback for one tool. `args` arrive already validated by the tool's schema. */
export function toolCallback(tool: AnyToolDef, deps: CallDeps) {
  return async (args: Record<string, unknown>, sdk: ServerContext): Promise<CallToolResult> => {
    const correlationId = randomUUID();
    const logger = deps.logger.child({ tool: tool.name, correlationId });
    const signal = deps.shutdownSignal
      ? AbortSignal.any([sdk.mcpReq.signal, deps.shutdownSignal])
      : sdk.mcpReq.signal;
    const started = performance.now();
    const { srid, ...input } = args as { srid?: string } & Record<string, unknown>;
    try {
      const ces = deps.directory.resolve(srid);
      const progressToken = sdk.mcpReq._meta?.progressToken;
      const ctx: ToolContext = {
        ces,
        signal,
        logger,
        wait: deps.wait,
        sleep: sleeper(signal),
        progress: async (update) => {
          if (progressToken === undefined) return;
          await sdk.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, ...update } });
        },
      };
      const outcome = await tool.run(input, ctx);
      logger.debug({ ms: Math.round(performance.now() - started) }, 'tool call succeeded');
      return { content: [{ type: 'text', text: outcome.text }], structuredContent: outcome.structured };
    } catch (error) {
      const ms = Math.round(performance.now() - started);
      if (error instanceof CesError) {
        logger.info({ ms, code: error.code, operation: error.details.operation, status: error.details.status }, 'tool call failed at CES');
        return errorResult(`${tool.name}: ${describeCesError(error)}`);
      }
      if (error instanceof ToolInputError) {
        logger.info({ ms }, 'tool call refused: %s', error.message);
        return errorResult(`${tool.name}: ${error.message}${error.hint ? ` ${error.hint}` : ''}`);
      }
      if (signal.aborted) {
        return errorResult(`${tool.name}: the call was cancelled before it finished. For a write, check its effect with ispw_get_set or the list tools.`);
      }
      logger.error({ ms, err: error }, 'tool call failed unexpectedly');
      return errorResult(`${tool.name}: internal error (correlation id ${correlationId}); the server log has the details.`);
    }
  };
}
