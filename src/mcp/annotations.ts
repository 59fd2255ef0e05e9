// Derives MCP tool annotations from a tool's declared kind, so no tool states them by hand.
// openWorldHint is false: every tool acts only on the configured CES instances, never on an
// open set of external systems.
import type { ToolAnnotations } from '@modelcontextprotocol/server';

import type { AnyToolDef } from './kit/define-tool.js';

export function annotationsFor(tool: AnyToolDef): ToolAnnotations {
  const readOnly = tool.kind === 'read';
  // No annotations.title: the tool's own `title` says the same, and every byte of tools/list is
  // context every connected model pays for.
  // idempotentHint is left out when false, its default in the MCP schema (every tools/list byte counts).
  const idempotent = readOnly || tool.idempotent === true;
  return {
    readOnlyHint: readOnly,
    destructiveHint: tool.kind === 'destructive',
    ...(idempotent ? { idempotentHint: true } : {}),
    openWorldHint: false,
  };
}
