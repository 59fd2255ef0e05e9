// The stdio transport's write coalescing: the messages of one event-loop turn reach stdout in one
// write, in order and byte for byte what the SDK would have written; close writes what is waiting.
import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import { CoalescingStdioTransport } from '../../src/transports/stdio.js';

function recordingStdout() {
  const writes: string[][] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writes.push([chunk.toString()]);
      callback();
    },
    writev(chunks, callback) {
      writes.push(chunks.map((c) => String(c.chunk)));
      callback();
    },
  });
  return { out, writes };
}

const message = (id: number) => ({ jsonrpc: '2.0' as const, id, result: { n: id } });

describe('CoalescingStdioTransport', () => {
  it('writes the messages of one turn together, in order, as the SDK serialises them', async () => {
    const { out, writes } = recordingStdout();
    const transport = new CoalescingStdioTransport(out);
    const sent = [1, 2, 3].map((id) => transport.send(message(id)));
    expect(writes).toEqual([]);
    await Promise.all(sent);
    await nextTurn();
    expect(writes).toEqual([[1, 2, 3].map((id) => `${JSON.stringify(message(id))}\n`)]);
    // The next turn starts a new batch.
    await transport.send(message(4));
    await nextTurn();
    expect(writes.at(-1)).toEqual([`${JSON.stringify(message(4))}\n`]);
    await transport.close();
  });

  it('writes what is waiting when it closes, without waiting for the turn to end', async () => {
    const { out, writes } = recordingStdout();
    const transport = new CoalescingStdioTransport(out);
    void transport.send(message(7));
    await transport.close();
    expect(writes.flat()).toEqual([`${JSON.stringify(message(7))}\n`]);
  });
});
