// Arguments and result fields the server adds to write tools when a lifecycle policy is configured:
// `confirmation_token` (repeat a call the policy wants confirmed), `ticket` (for change types the
// ticket rule names), and the confirmation-request fields of the result. Tools never see them.
import { z } from 'zod';

import { takesTicket } from '../mcp/kit/access.js';
import type { AnyToolDef } from '../mcp/kit/define-tool.js';

export const confirmationTokenParam = z
  .string()
  .min(1)
  .max(4096)
  .optional()
  .describe(
    'token from a confirmation request; repeat the call with the same arguments plus it (a policy may instead require a person to confirm in the client)',
  );

export const ticketParam = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:#/-]{0,63}$/, 'ticket: a change or incident id such as CHG0012345')
  .optional()
  .describe('change or incident ticket id (required by policy for emergency changes)');

export const confirmationOutput = {
  confirmation_required: z.boolean().optional().describe('true: nothing was done; repeat the call with confirmation_token'),
  confirmation_token: z.string().optional(),
  expires_at: z.string().optional(),
  preview: z.record(z.string(), z.unknown()).optional().describe('what the call will do: container, level, tasks, policy rule'),
  not_confirmed: z.enum(['decline', 'cancel', 'timeout']).optional().describe('the person asked did not confirm: nothing was done'),
};

/** Control arguments a tool takes: none for reads; confirmation_token for writes; ticket where the tool declares one. */
export function controlParams(tool: AnyToolDef): Record<string, z.ZodType> {
  if (tool.kind === 'read') return {};
  return {
    confirmation_token: confirmationTokenParam,
    ...(takesTicket(tool) ? { ticket: ticketParam } : {}),
  };
}

/**
 * The output schema a write tool advertises under a policy: its own fields become optional because a
 * confirmation request carries only the confirmation fields (a tool result is one object type).
 */
export function confirmableOutput(tool: AnyToolDef): z.ZodObject {
  return tool.kind === 'read' ? tool.output : tool.output.partial().extend(confirmationOutput);
}
