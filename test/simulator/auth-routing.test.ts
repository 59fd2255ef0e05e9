// Auth (raw token, no Bearer), SRID, routing errors, parameter conventions and robustness.
import http from 'node:http';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { call, simulator, SRID, TOKEN } from './helpers.js';

/** Raw request with node:http so the path goes out exactly as written. */
function rawRequest(url: string, method: string, path: string, body?: string, token: string | null = TOKEN) {
  return new Promise<{ status: number; contentType: string; text: string }>((resolve, reject) => {
    const req = http.request(`${url}${path}`, { method, headers: token === null ? {} : { authorization: token } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('authentication (docs/ces-api.md §1.3)', () => {
  it('accepts the raw token', async () => {
    const sim = await simulator();
    const res = await call(sim, 'GET', `/assignments/${DEMO.assignmentId}`);
    expect(res.status).toBe(200);
  });

  it.each([
    ['missing', null, /missing Authorization/],
    ['wrong', 'not-the-token', /not valid/],
    ['Bearer-prefixed', `Bearer ${TOKEN}`, /no Bearer prefix/],
    ['lower-case bearer', `bearer ${TOKEN}`, /no Bearer prefix/],
  ])('refuses a %s token with 401 {message}', async (_name, token, message) => {
    const sim = await simulator();
    const res = await call(sim, 'GET', `/assignments/${DEMO.assignmentId}`, { token });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json.message).toMatch(message);
    expect(res.json.message).toMatch(/Unauthorized/);
  });

  it('accepts any of several tokens', async () => {
    const sim = await simulator({ tokens: ['one', 'two'] });
    expect((await call(sim, 'GET', '/worklist', { token: 'two' })).status).toBe(200);
    expect((await call(sim, 'GET', '/worklist', { token: TOKEN })).status).toBe(401);
  });

  it('answers the CES version without a token (§2.6)', async () => {
    const sim = await simulator();
    const res = await call(sim, 'GET', '//compuware/ws/Config/version', { token: null });
    expect(res.status).toBe(200);
    expect(res.json.productVersion.version).toMatch(/^\d+\.\d+/);
  });

  it('refuses to start without tokens', async () => {
    await expect(simulator({ tokens: [] })).rejects.toThrow(/tokens/);
  });
});

describe('routing', () => {
  it('404s an unknown SRID and matches SRIDs case-insensitively', async () => {
    const sim = await simulator();
    const unknown = await call(sim, 'GET', `//ispw/NOPE-1/assignments/${DEMO.assignmentId}`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toMatch(/SRID/);
    const lower = await call(sim, 'GET', `//ispw/${SRID.toLowerCase()}/assignments/${DEMO.assignmentId}`);
    expect(lower.status).toBe(200);
  });

  it('serves several SRIDs and puts the configured one in urls', async () => {
    const sim = await simulator({ srids: ['CW09-47623', 'host-37733'] });
    const res = await call(sim, 'POST', `//ispw/host-37733/assignments/${DEMO.assignmentId}/tasks/generate`, {
      query: { level: 'DEV1' },
    });
    expect(res.json.url).toBe(`${sim.url}/ispw/host-37733/sets/${res.json.setId}`);
  });

  it('404s unknown routes, containers, sets, tasks and requests with {message}', async () => {
    const sim = await simulator();
    for (const path of [
      '/nothing/here',
      '/assignments/NOPE000001',
      '/assignments/NOPE000001/tasks',
      `/assignments/${DEMO.assignmentId}/tasks/FFFFFFFFFFFF`,
      '/releases/NOREL',
      '/sets/S999999999',
      '/sets/S999999999/deployment',
      '/packages',
      `/assignments/${DEMO.assignmentId}/generate`,
      '//unrelated',
    ]) {
      const res = await call(sim, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(typeof res.json.message, path).toBe('string');
    }
    const cancel = await call(sim, 'POST', '/deployments/99999999/cancel');
    expect(cancel.status).toBe(404);
    const promote = await call(sim, 'POST', '/assignments/NOPE000001/tasks/promote', { query: { level: 'DEV1' } });
    expect(promote.status).toBe(404);
  });

  it('405s a wrong method', async () => {
    const sim = await simulator();
    const res = await call(sim, 'DELETE', `/assignments/${DEMO.assignmentId}`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    const get = await call(sim, 'GET', `/assignments/${DEMO.assignmentId}/tasks/promote`);
    expect(get.status).toBe(404); // reads as a task id that does not exist
    const post = await call(sim, 'POST', `/sets/${DEMO.sets.held}`);
    expect(post.status).toBe(405);
  });

  it('tolerates trailing slashes (§1.6)', async () => {
    const sim = await simulator();
    expect((await call(sim, 'GET', `/assignments/${DEMO.assignmentId}/`)).status).toBe(200);
    const created = await call(sim, 'POST', '/releases/', {
      body: { stream: 'PLAY', application: 'PLAY', description: 'x', releaseId: 'RELSLASH' },
    });
    expect(created.status).toBe(200);
  });
});

describe('parameters', () => {
  it('400s a lifecycle op without level, naming the parameter', async () => {
    const sim = await simulator();
    for (const action of ['generate', 'promote', 'deploy', 'regress', 'fallback', 'build']) {
      const res = await call(sim, 'POST', `/assignments/${DEMO.assignmentId}/tasks/${action}`);
      expect(res.status, action).toBe(400);
      expect(res.json.message, action).toMatch(/'level'/);
    }
    const release = await call(sim, 'POST', `/releases/${DEMO.releaseId}/tasks/promote`);
    expect(release.status).toBe(400);
  });

  it('400s taskIds ops without taskId and set approvals without approver', async () => {
    const sim = await simulator();
    const gen = await call(sim, 'POST', `/assignments/${DEMO.assignmentId}/taskIds/generate`, { query: { level: 'DEV1' } });
    expect(gen.status).toBe(400);
    expect(gen.json.message).toMatch(/'taskId'/);
    const approve = await call(sim, 'POST', `/sets/${DEMO.sets.waitingApproval}/approve`);
    expect(approve.status).toBe(400);
    expect(approve.json.message).toMatch(/'approver'/);
  });

  it('400s a body that is not a JSON object', async () => {
    const sim = await simulator();
    const path = `/assignments/${DEMO.assignmentId}/tasks/generate`;
    for (const raw of ['{not json', '[1,2]', '"text"', 'null']) {
      const res = await call(sim, 'POST', path, { query: { level: 'DEV1' }, raw });
      expect(res.status, raw).toBe(400);
      expect(res.json.message).toMatch(/JSON/);
    }
  });

  it('400s an unknown level and bad set options', async () => {
    const sim = await simulator();
    const path = `/assignments/${DEMO.assignmentId}/tasks/generate`;
    expect((await call(sim, 'POST', path, { query: { level: 'NOPE' } })).status).toBe(400);
    expect((await call(sim, 'POST', path, { query: { level: 'DEV1' }, body: { changeType: 'Q' } })).status).toBe(400);
    expect((await call(sim, 'POST', path, { query: { level: 'DEV1' }, body: { autoDeploy: 'maybe' } })).status).toBe(400);
  });

  it('takes repeated taskId parameters (§1.6)', async () => {
    const sim = await simulator();
    const { TPROG01, TPROG02 } = DEMO.taskIds;
    const res = await call(sim, 'POST', `/assignments/${DEMO.assignmentId}/taskIds/generate`, {
      query: { taskId: [TPROG01, TPROG02], level: 'DEV1' },
    });
    expect(res.status).toBe(200);
    const tasks = await call(sim, 'GET', `/sets/${res.json.setId}/tasks`);
    expect(tasks.json.tasks.map((t: { taskId: string }) => t.taskId)).toEqual([TPROG01, TPROG02]);
    expect(sim.requests.at(-2)!.query).toEqual({ taskId: [TPROG01, TPROG02], level: 'DEV1' });
  });

  it('accepts the Jenkins regress encoding of the whole query string (§1.6)', async () => {
    const sim = await simulator();
    const res = await rawRequest(sim.url, 'POST', `/ispw/${SRID}/assignments/${DEMO.qaAssignmentId}/tasks/regress?level%3DQA%26mname%3DTPROG11`, '{}');
    expect(res.status).toBe(200);
    const setId = JSON.parse(res.text).setId as string;
    const set = await call(sim, 'GET', `/sets/${setId}`);
    expect(set.json.tasks.map((t: { moduleName: string }) => t.moduleName)).toEqual(['TPROG11']);
  });

  it('accepts the set-option aliases of §8.1', async () => {
    const sim = await simulator();
    const res = await call(sim, 'POST', `/assignments/${DEMO.assignmentId}/taskIds/generate`, {
      query: { taskId: DEMO.taskIds.TPROG01, level: 'DEV1' },
      body: { runtimeConfig: 'TPZP', execStat: 'H', autoDeploy: false, changeType: 'E' },
    });
    expect(res.status).toBe(200);
    expect(sim.estate.sets.get(res.json.setId)).toMatchObject({
      state: 'Held',
      options: { runtimeConfiguration: 'TPZP', executionStatus: 'H', changeType: 'E', autoDeploy: false },
    });
  });
});

describe('robustness', () => {
  it('answers odd paths and encodings with 4xx JSON', async () => {
    const sim = await simulator();
    for (const path of [
      `/ispw/${SRID}/assignments/%E0%A4%A`,
      `/ispw/${SRID}/assignments/${'X'.repeat(5000)}`,
      `/ispw/${SRID}/assignments/PLAY000313?level=%ZZ`,
      `/ispw/${SRID}/sets/%00`,
      '/%2e%2e/%2e%2e/etc/passwd',
    ]) {
      const res = await rawRequest(sim.url, 'GET', path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      expect(res.contentType).toMatch(/application\/json/);
      expect(typeof JSON.parse(res.text).message).toBe('string');
    }
  });

  it('413s an oversized body', async () => {
    const sim = await simulator();
    const res = await call(sim, 'POST', '/assignments', { raw: JSON.stringify({ description: 'x'.repeat(2_000_000) }) });
    expect(res.status).toBe(413);
  });

  it('never answers 5xx to arbitrary paths and bodies', async () => {
    const sim = await simulator();
    const segment = fc.oneof(
      fc.constantFrom(
        'assignments',
        'releases',
        'sets',
        'tasks',
        'taskIds',
        'generate',
        'promote',
        'build',
        'deployments',
        'containers',
        'list',
        'worklist',
        'approve',
        'cancel',
        DEMO.assignmentId,
        DEMO.releaseId,
        DEMO.sets.held,
        '46150',
      ),
      fc.string({ maxLength: 12 }).map((s) => encodeURIComponent(s)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { maxLength: 5 }),
        fc.constantFrom('GET', 'POST'),
        fc.oneof(fc.json(), fc.string({ maxLength: 30 })),
        fc.string({ maxLength: 20 }).map((s) => encodeURIComponent(s)),
        async (segments, method, body, level) => {
          const res = await rawRequest(
            sim.url,
            method,
            `/ispw/${SRID}/${segments.join('/')}?level=${level}&taskId=${level}`,
            method === 'POST' ? body : undefined,
          );
          expect(res.status).toBeLessThan(500);
          expect(JSON.parse(res.text)).toBeTypeOf('object');
        },
      ),
      { numRuns: 150 },
    );
  });
});
