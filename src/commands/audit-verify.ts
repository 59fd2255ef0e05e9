// `ispw-mcp audit verify <file...>`: checks the hash chain of an audit file, or of several files
// read in the order given as one chain (a rotated set, oldest first), and reports where it breaks.
// `--rotated` expands the active file to its rotated set (audit/rotation.ts) — for shell-less
// images, where `audit.jsonl.*` cannot be globbed. Exit codes: 0 intact, 1 tampered or invalid,
// 2 a file cannot be read.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';

import { listRotated } from '../audit/rotation.js';
import { verifyAuditFiles, type VerifyResult } from '../audit/verify.js';

export interface AuditVerifyOptions {
  allowContinuation?: boolean;
  /** Verify each given active file together with its rotated files, oldest first. */
  rotated?: boolean;
}

function report(files: string[], result: VerifyResult): string {
  const from = result.continuesFrom ? ` (continues a chain from seq ${result.continuesFrom.seq})` : '';
  const recovered = result.recovered.map((r) => `  ${r.file} line ${r.line}: audit.recovered event accounts for ${r.bytes} torn bytes before it\n`).join('');
  if (files.length === 1) return `${files[0]}: OK, ${result.events} events, chain intact${from}; last hash ${result.lastHash}\n${recovered}`;
  const perFile = result.files.map((f) => `  ${f.file}: ${f.events} events${f.firstSeq === undefined ? '' : `, seq ${f.firstSeq}–${f.lastSeq}`}\n`).join('');
  return `OK, ${result.events} events in ${files.length} files, chain intact across them${from}; last hash ${result.lastHash}\n${perFile}${recovered}`;
}

export async function runAuditVerify(given: string | string[], options: AuditVerifyOptions = {}): Promise<{ exitCode: number; text: string }> {
  const files: string[] = [];
  for (const file of Array.isArray(given) ? given : [given]) {
    try {
      await access(file, constants.R_OK);
    } catch (error) {
      return { exitCode: 2, text: `ispw-mcp audit verify: cannot read ${file}: ${(error as Error).message}\n` };
    }
    if (options.rotated) files.push(...(await listRotated(file)));
    files.push(file);
  }
  if (files.length === 0) return { exitCode: 2, text: 'ispw-mcp audit verify: no file given\n' };
  let result: VerifyResult;
  try {
    result = await verifyAuditFiles(files, { allowContinuation: options.allowContinuation === true });
  } catch (error) {
    return { exitCode: 2, text: `ispw-mcp audit verify: cannot read the files: ${(error as Error).message}\n` };
  }
  if (result.ok) return { exitCode: 0, text: report(files, result) };
  const lines = result.problems.map((p) => `  ${p.file ? `${p.file} ` : ''}line ${p.line}: ${p.message}`);
  const what = files.length === 1 ? files[0] : `${files.length} files (${files.join(', ')})`;
  return { exitCode: 1, text: `${what}: TAMPERED OR INVALID (${result.events} events read)\n${lines.join('\n')}\n` };
}
