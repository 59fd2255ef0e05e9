// Type-level proof that leaving out an access fact is a compile error, not a silently widened tool
// (checked by `npm run typecheck`: an `@ts-expect-error` whose line compiles is itself an error).
import { z } from 'zod';

import { defineTool } from '../../../src/mcp/kit/define-tool.js';

const input = z.object({ set_id: z.string(), action: z.enum(['hold', 'approve']) });
const output = z.object({ ok: z.boolean() });
const examples = { succeeds: [{ args: { set_id: 'S1', action: 'hold' as const }, shows: 'x' }], fails: [{ args: {}, because: 'x' }] } as const;
const run = async () => ({ text: '', structured: { ok: true } });
const base = { toolset: 'sets', title: 'T', description: 'D.', input, output, run } as const;

// A complete change tool compiles.
defineTool({
  ...base,
  name: 'ispw_ok',
  kind: 'destructive',
  examples,
  access: { scope: 'ispw:write', operation: 'ok', ticket: false, subject: (a) => ({ container: { type: 'set', id: a.set_id } }) },
});

// @ts-expect-error a write or destructive tool must declare its access
defineTool({ ...base, name: 'ispw_no_access', kind: 'destructive', examples });

defineTool({
  ...base,
  name: 'ispw_no_subject',
  kind: 'write',
  examples,
  // @ts-expect-error the change subject is required
  access: { scope: 'ispw:write', operation: 'x', ticket: false },
});

defineTool({
  ...base,
  name: 'ispw_no_ticket_decision',
  kind: 'write',
  examples,
  // @ts-expect-error whether the tool takes a ticket is a decision, not a default
  access: { scope: 'ispw:write', operation: 'x', subject: () => ({}) },
});

defineTool({
  ...base,
  name: 'ispw_read_scope',
  kind: 'write',
  examples,
  // @ts-expect-error a change never needs only ispw:read
  access: { scope: 'ispw:read', operation: 'x', ticket: false, subject: () => ({}) },
});

defineTool({
  ...base,
  name: 'ispw_missing_action',
  kind: 'destructive',
  examples,
  access: {
    // @ts-expect-error every value of the action argument needs its entry (approve is missing)
    byAction: { argument: 'action', each: { hold: { operation: 'set_hold', scope: 'ispw:write' } } },
    ticket: false,
    subject: () => ({}),
  },
});

// @ts-expect-error examples are required
defineTool({ ...base, name: 'ispw_no_examples', kind: 'read' });

defineTool({
  ...base,
  name: 'ispw_no_failing_example',
  kind: 'read',
  // @ts-expect-error at least one failing example
  examples: { succeeds: examples.succeeds, fails: [] },
});
