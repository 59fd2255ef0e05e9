// The source toolset (src/tools/source) through an MCP client against the CES simulator: what is
// sent to CES for container and repository downloads, the member listing, the text of a member,
// binary and oversized members refused, long text cut at a line end, a broken zip reported, and the
// member resource template (resources/read runs the tool through the same call wrapper).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { lastRequest, startHarness, textOf, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.sim.clearRequests();
  h.sim.setFaults([]);
});

const A = { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1' };
const QA = { stream: 'PLAY', application: 'PLAY', level: 'QA' };

describe('ispw_list_members', () => {
  it('downloads a container as BMC does and lists its members without reading them', async () => {
    const r = await h.call('ispw_list_members', { ...A, module_type: 'COB' });
    expect(r.isError, textOf(r)).toBeFalsy();
    const req = lastRequest(h.sim, 'POST', `/downloads/Assignment/${DEMO.assignmentId}`)!;
    expect(req.body).toEqual({
      runtimeConfig: DEMO.runtimeConfig,
      level: 'DEV1',
      componentType: 'COB',
      downloadIncludes: 'false',
      downloadUnchangedSource: 'true',
    });
    expect(req.headers.accept).toContain('application/zip');
    const s = r.structuredContent as { members: { name: string; type: string; path: string; size: number }[]; count: number };
    expect(s.members.map((m) => `${m.name}.${m.type}`).sort()).toEqual(['TPROG01.COB', 'TPROG02.COB']);
    expect(s.members[0]!.path).toMatch(/^PLAY\/MF_Source\/TPROG0[12]\.cbl$/);
    expect(s.members.every((m) => m.size > 0)).toBe(true);
  });

  it('downloads a repository level (selected level only) and lists the binary and oversized members too', async () => {
    const r = await h.call('ispw_list_members', QA);
    expect(r.isError, textOf(r)).toBeFalsy();
    const req = lastRequest(h.sim, 'POST', '/downloads/repository/PLAY/PLAY/QA')!;
    expect(req.body).toMatchObject({ levelOption: '0', downloadUnchangedSource: 'true' });
    const names = (r.structuredContent as { members: { name: string }[] }).members.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['TPROG10', 'TPROG11', 'TBINLOAD', 'TBIGPROG', 'TLONGPRG']));
  });

  it('reports what CES said when there is nothing to download', async () => {
    const r = await h.call('ispw_list_members', { ...A, module_type: 'JCL' });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ members: [], count: 0 });
    expect(textOf(r)).toContain('CES said: No members');
  });

  it('reports a download that is not a readable zip as a CES error, not a crash', async () => {
    h.sim.setFaults([{ kind: 'malformed', path: '/downloads/' }]);
    const r = await h.call('ispw_list_members', A);
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('not a readable zip');
  });
});

describe('ispw_get_member', () => {
  it('returns the text of one member, EBCDIC already converted by CES', async () => {
    const r = await h.call('ispw_get_member', { ...A, module_name: 'TPROG01' });
    expect(r.isError, textOf(r)).toBeFalsy();
    const s = r.structuredContent as { name: string; type: string; text: string; truncated: boolean; size: number };
    expect(s).toMatchObject({ name: 'TPROG01', type: 'COB', truncated: false });
    expect(s.text).toContain('PROGRAM-ID. TPROG01.');
    expect(Buffer.byteLength(s.text)).toBe(s.size);
  });

  it('cuts long text at a line end within max_bytes and says so', async () => {
    const r = await h.call('ispw_get_member', { ...QA, module_name: 'TLONGPRG', max_bytes: 4096 });
    const s = r.structuredContent as { text: string; truncated: boolean; size: number };
    expect(s.truncated).toBe(true);
    expect(Buffer.byteLength(s.text)).toBeLessThanOrEqual(4096);
    expect(s.text.endsWith('\n')).toBe(true);
    expect(s.size).toBeGreaterThan(100_000);
    expect(textOf(r)).toContain('raise max_bytes');
  });

  it('refuses a binary member', async () => {
    const r = await h.call('ispw_get_member', { ...QA, module_name: 'TBINLOAD' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('is binary');
  });

  it('refuses a member above the 1 MiB limit without reading it', async () => {
    const r = await h.call('ispw_get_member', { ...QA, module_name: 'TBIGPROG' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/TBIGPROG \(COB\) is \d+ bytes; members above 1048576 bytes are not read/);
  });

  it('asks for the type when two members share a name, and for a selection that is one of the two kinds', async () => {
    const missing = await h.call('ispw_get_member', { ...A, module_name: 'NOSUCH' });
    expect(textOf(missing)).toContain('ispw_list_members');
    const both = await h.call('ispw_get_member', { ...A, ...QA, module_name: 'TPROG01' });
    expect(textOf(both)).toContain('Select the members one way');
    expect(h.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});

describe('member resources', () => {
  it('lists the template and reads a member through it', async () => {
    const { resourceTemplates } = await h.client.listResourceTemplates();
    expect(resourceTemplates).toEqual([
      expect.objectContaining({ uriTemplate: 'ispw://{srid}/{stream}/{application}/{level}/{type}/{name}', mimeType: 'text/plain' }),
    ]);
    const uri = `ispw://${DEMO.srid}/PLAY/PLAY/QA/COB/TPROG10`;
    const { contents } = await h.client.readResource({ uri });
    expect(contents).toEqual([{ uri, mimeType: 'text/plain', text: expect.stringContaining('PROGRAM-ID. TPROG10.') }]);
    expect(lastRequest(h.sim, 'POST', '/downloads/repository/PLAY/PLAY/QA')!.body).toMatchObject({ componentTypes: 'COB' });
  });

  it('a member the tool refuses is a JSON-RPC error with the reason', async () => {
    await expect(h.client.readResource({ uri: `ispw://${DEMO.srid}/PLAY/PLAY/QA/LOAD/TBINLOAD` })).rejects.toThrow(/is binary/);
    await expect(h.client.readResource({ uri: 'ispw://NOSUCH-1/PLAY/PLAY/QA/COB/TPROG10' })).rejects.toThrow(/srid|instance/i);
  });
});
