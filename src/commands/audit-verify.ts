// `ispw-mcp audit verify <file>`: checks the hash chain of an audit file and reports where it
// breaks. Exit codes: 0 intact, 1 tampered or invalid, 2 the file cannot be read.
import { access } from 'node:fs/promises';

import { verifyAuditFile } from '../audit/verify.js';

export async function runAuditVerify(file: string, options: { allowContinuation?: boolean } = {}): Promise<{ exitCode: number; text: string }> {
  try {
    await access(file);
  } catch (error) {
    return { exitCode: 2, text: `ispw-mcp audit verify: cannot read ${file}: ${(error as Error).message}\n` };
  }
  const result = await verifyAuditFile(file, options);
  if (result.ok) {
    const from = result.continuesFrom ? ` (continues a chain from seq ${result.continuesFrom.seq})` : '';
    return { exitCode: 0, text: `${file}: OK, ${result.events} events, chain intact${from}; last hash ${result.lastHash}\n` };
  }
  const lines = result.problems.map((p) => `  line ${p.line}: ${p.message}`);
  return { exitCode: 1, text: `${file}: TAMPERED OR INVALID (${result.events} events read)\n${lines.join('\n')}\n` };
}
