// Wires access control into the server: the kit's CallGuard (src/mcp/kit/guard.ts) implemented
// with the principal of a request (src/auth) and the guard of src/policy. The server factory gets
// this object and never imports auth/ or policy/ itself.
import { principalOf } from '../auth/principal.js';
import type { AnyToolDef } from '../mcp/kit/define-tool.js';
import type { CallGuard } from '../mcp/kit/guard.js';
import { confirmableOutput, controlParams } from '../policy/control-params.js';
import { guardCall, type AccessControl } from '../policy/guard.js';

export interface CallGuardOptions {
  /** A lifecycle policy is configured: write tools take confirmation_token (and ticket where declared). */
  confirmable: boolean;
}

export function callGuard(access: AccessControl, options: CallGuardOptions): CallGuard {
  return {
    callerOf: (authInfo) => {
      const { subject, via } = principalOf(authInfo);
      return { subject, via };
    },
    scopesOf: (authInfo) => principalOf(authInfo).scopes,
    check: ({ tool, args, authInfo, target, signal, human }) => guardCall(access, { tool, args, principal: principalOf(authInfo), target, signal, human }),
    controls: (tool: AnyToolDef) => (options.confirmable ? { input: controlParams(tool), output: confirmableOutput(tool) } : undefined),
  };
}
