// The simulator's source-download routes (simulator/routes/downloads.ts) over real HTTP: a zip with
// a Content-Disposition file name for containers (any case of the type) and repository levels,
// `{message}` when nothing matches, 404/400 for what does not exist. The zip is read back with
// fflate, independently of src/.
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { simulator, SRID, TOKEN } from './helpers.js';

async function post(url: string, path: string, body: Record<string, unknown> = {}) {
  const response = await fetch(`${url}/ispw/${SRID}${path}`, {
    method: 'POST',
    headers: { authorization: TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) };
}

describe('simulator source downloads', () => {
  it('zips the members of a container, filtered by level and type, any case of the container type', async () => {
    const sim = await simulator();
    for (const type of ['Assignment', 'assignment', 'ASSIGNMENT']) {
      const reply = await post(sim.url, `/downloads/${type}/${DEMO.assignmentId}`, { level: 'DEV1', componentType: 'COPY' });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-disposition')).toBe(`attachment; filename="${DEMO.assignmentId}.zip"`);
      expect(Object.keys(unzipSync(reply.bytes))).toEqual(['PLAY/MF_Source/TCPYIBAN.cpy']);
    }
  });

  it('zips the members of a set and of a repository level, binary and oversized members included', async () => {
    const sim = await simulator();
    const set = await post(sim.url, `/downloads/Set/${DEMO.sets.closedDeploy}`);
    expect(Object.keys(unzipSync(set.bytes))).toEqual(['PLAY/MF_Source/TPROG10.cbl']);
    const repository = unzipSync((await post(sim.url, '/downloads/repository/PLAY/PLAY/QA', { componentTypes: 'COB, LOAD' })).bytes);
    expect(Object.keys(repository).sort()).toEqual([
      'PLAY/MF_Source/TBIGPROG.cbl',
      'PLAY/MF_Source/TBINLOAD.load',
      'PLAY/MF_Source/TLONGPRG.cbl',
      'PLAY/MF_Source/TPROG10.cbl',
      'PLAY/MF_Source/TPROG11.cbl',
    ]);
    expect(repository['PLAY/MF_Source/TBIGPROG.cbl']!.length).toBeGreaterThan(2 * 1024 * 1024 - 1000);
    expect(repository['PLAY/MF_Source/TBINLOAD.load']).toContain(0);
  });

  it('answers {message} when nothing matches, 404 for an unknown container or type, 400 for an unknown level', async () => {
    const sim = await simulator();
    const empty = await post(sim.url, `/downloads/Assignment/${DEMO.assignmentId}`, { componentType: 'JCL' });
    expect(empty.status).toBe(200);
    expect(JSON.parse(new TextDecoder().decode(empty.bytes))).toEqual({ message: expect.stringContaining('No members') });
    expect((await post(sim.url, '/downloads/Assignment/PLAY999999')).status).toBe(404);
    expect((await post(sim.url, `/downloads/Package/${DEMO.assignmentId}`)).status).toBe(404);
    expect((await post(sim.url, '/downloads/repository/PLAY/PLAY/NOLEVEL')).status).toBe(400);
    expect((await post(sim.url, '/downloads/repository/PLAY/NOAPP/QA')).status).toBe(404);
  });
});
