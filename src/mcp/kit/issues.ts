// Validation issues as the SDK words them (its validateStandardSchema), so error texts stay as
// clients know them: `path.to.field: message`, joined by commas. The one formatter for tool
// arguments and results, prompt arguments and resource template variables.
import type { StandardSchemaV1 } from '@modelcontextprotocol/server';

export const formatIssue = (issue: StandardSchemaV1.Issue): string =>
  issue.path?.length ? `${issue.path.map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.')}: ${issue.message}` : issue.message;

export const formatIssues = (issues: readonly StandardSchemaV1.Issue[]): string => issues.map(formatIssue).join(', ');
