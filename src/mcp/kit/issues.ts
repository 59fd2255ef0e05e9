// Validation issues as the SDK words them (its validateStandardSchema), so error texts stay as
// clients know them: `path.to.field: message`, joined by commas. The one formatter for tool
// arguments and results, prompt arguments and resource template variables — except a missing
// argument, which reads "`level` is required: the lifecycle level, e.g. DEV1" (the meaning comes
// from src/mcp/kit/params.ts) or, for arguments without one, "`x` is required" instead of zod's
// "Invalid input: expected string, received undefined".
import type { StandardSchemaV1 } from '@modelcontextprotocol/server';

import { REQUIRED } from './params.js';

const ZOD_MISSING = /^Invalid input: expected \w+, received undefined$/;

export const formatIssue = (issue: StandardSchemaV1.Issue): string => {
  if (!issue.path?.length) return issue.message;
  const path = issue.path.map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.');
  if (issue.message.startsWith(REQUIRED)) return `\`${path}\` ${issue.message}`;
  if (ZOD_MISSING.test(issue.message)) return `\`${path}\` ${REQUIRED}`;
  return `${path}: ${issue.message}`;
};

export const formatIssues = (issues: readonly StandardSchemaV1.Issue[]): string => issues.map(formatIssue).join(', ');
