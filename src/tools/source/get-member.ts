// ispw_get_member: the text of one source member, from a CES source download (docs/ces-api.md §2.6).
// CES converts EBCDIC with the host connection's code page; a member that is not UTF-8 text is
// refused as binary, one above the member limit is refused before it is inflated, and the text
// returned is cut at a line end to `max_bytes`.
import { z } from 'zod';

import { inflateSourceMember, listSourceZip, memberText, SOURCE_ZIP_LIMITS } from '../../ces/source-zip.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { ToolInputError } from '../../mcp/kit/errors.js';
import { moduleNameParam } from '../../mcp/kit/params.js';
import { downloadSource, selectionInput } from './download.js';

/** The first `maxBytes` bytes of `text` (UTF-8), cut after the last whole line that fits. */
function head(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, truncated: false };
  const cut = bytes
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  const lineEnd = cut.lastIndexOf('\n');
  return { text: lineEnd > 0 ? cut.slice(0, lineEnd + 1) : cut, truncated: true };
}

export const getMember = defineTool({
  name: 'ispw_get_member',
  toolset: 'source',
  kind: 'read',
  title: 'Get member',
  description: 'Read the source text of one member of a container or repository level.',
  examples: {
    succeeds: [
      { args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1', module_name: 'TPROG01' }, shows: 'a COBOL program of an assignment' },
      {
        args: { stream: 'PLAY', application: 'PLAY', level: 'QA', module_name: 'TPROG10', module_type: 'COB', max_bytes: 2048 },
        shows: 'the first 2 KiB of a program at a repository level',
      },
    ],
    fails: [
      { args: { stream: 'PLAY', application: 'PLAY', level: 'QA', module_name: 'TBINLOAD' }, because: 'a binary member (a load module) has no text' },
      { args: { stream: 'PLAY', application: 'PLAY', level: 'QA', module_name: 'TBIGPROG' }, because: 'the member is larger than the 1 MiB limit' },
      { args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1', module_name: 'NOSUCH' }, because: 'no such member' },
    ],
  },
  resource: {
    uriTemplate: 'ispw://{srid}/{stream}/{application}/{level}/{type}/{name}',
    name: 'member',
    title: 'Source member',
    description: 'The source text of a member at a level of the repository (a stream and application).',
    mimeType: 'text/plain',
    args: (v) => ({
      srid: v.srid,
      stream: v.stream,
      application: v.application,
      level: v.level,
      module_type: v.type,
      module_name: String(v.name),
      max_bytes: SOURCE_ZIP_LIMITS.maxMemberBytes,
    }),
    text: (member) => member.text,
  },
  input: z.object({
    ...selectionInput,
    module_name: moduleNameParam,
    max_bytes: z.number().int().min(1024).max(SOURCE_ZIP_LIMITS.maxMemberBytes).default(65_536),
  }),
  output: z.object({ name: z.string(), type: z.string(), size: z.number(), text: z.string(), truncated: z.boolean() }),
  async run(args, ctx) {
    const { reply, operation, label } = await downloadSource(ctx, args);
    if (!reply.zip) throw new ToolInputError(`CES sent no members for ${label}.${reply.message ? ` CES said: ${reply.message}` : ''}`);
    const candidates = listSourceZip(reply.zip, operation).members.filter(
      (m) => m.name === args.module_name.toUpperCase() && (args.module_type === undefined || m.type === args.module_type.toUpperCase()),
    );
    const [member, ...others] = candidates;
    if (!member) throw new ToolInputError(`No member ${args.module_name} in ${label}.`, 'List the members with ispw_list_members.');
    if (others.length)
      throw new ToolInputError(
        `${candidates.length} members are named ${args.module_name} in ${label}.`,
        `Give module_type: ${candidates.map((m) => m.type).join(', ')}.`,
      );
    if (member.size > SOURCE_ZIP_LIMITS.maxMemberBytes) {
      throw new ToolInputError(
        `Member ${member.name} (${member.type}) is ${member.size} bytes; members above ${SOURCE_ZIP_LIMITS.maxMemberBytes} bytes are not read.`,
      );
    }
    const text = memberText(inflateSourceMember(reply.zip, member, operation));
    if (text === undefined) throw new ToolInputError(`Member ${member.name} (${member.type}) is binary, not source text.`);
    const shown = head(text, args.max_bytes);
    return {
      text: `${member.name} (${member.type}), ${member.size} bytes, from ${label}${shown.truncated ? `; first ${Buffer.byteLength(shown.text)} bytes shown (raise max_bytes)` : ''}:\n${shown.text}`,
      structured: { name: member.name, type: member.type, size: member.size, text: shown.text, truncated: shown.truncated },
    };
  },
});
