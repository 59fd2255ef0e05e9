// Every catalogue operation through the real client against the CES simulator, checking that the
// request the simulator received is the one the catalogue describes and that the reply parses.
// Also faults (retry, breaker, quirks), a rejected token, and HTTPS with mutual TLS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CesClient, createCesClient } from '../../src/ces/client.js';
import type { CallInput } from '../../src/ces/api.js';
import { CesError } from '../../src/ces/errors.js';
import { type OperationName, ops } from '../../src/ces/operations.js';
import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { createTestPki } from '../support/certs.js';

const TOKEN = '3837ae52-de34-4068-9c2a-3e2ddc7e9fed';
const SRID = DEMO.srid;
const A = DEMO.assignmentId;
const T = DEMO.taskIds.TPROG01;
const R = DEMO.releaseId;

let sim: RunningSimulator;
let client: CesClient;

beforeAll(async () => {
  sim = await startSimulator({ tokens: [TOKEN], stepMs: 0 });
  client = createCesClient({
    name: 'sim',
    url: `${sim.url}/compuware`,
    token: () => TOKEN,
    timeoutMs: 5_000,
    retries: 2,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
  });
});

afterAll(async () => {
  await client?.close();
  await sim?.close();
});

interface Case {
  /** The call's input, or a function computing it from the simulator's state when the call runs. */
  input: CallInput | (() => CallInput);
  /** Checks on the parsed reply. */
  check?: (reply: Record<string, unknown>) => void;
}

const setCreated = (reply: Record<string, unknown>): void => {
  expect(reply.setId).toMatch(/^S\d{9}$/);
};

// In an order that keeps preconditions true: reads first, then work on separate containers,
// cancel/close last. Every catalogue operation must appear (checked below).
const cases: [OperationName, Case][] = [
  ['getAssignment', { input: { path: { assignmentId: A }, query: { rtConfig: DEMO.runtimeConfig } }, check: (r) => expect(r.assignmentId).toBe(A) }],
  [
    'listAssignmentTasks',
    { input: { path: { assignmentId: A }, query: { level: DEMO.assignmentLevel } }, check: (r) => expect((r.tasks as unknown[]).length).toBeGreaterThan(0) },
  ],
  ['getAssignmentTask', { input: { path: { assignmentId: A, taskId: T } }, check: (r) => expect(r.taskId).toBe(T) }],
  ['getRelease', { input: { path: { releaseId: R } }, check: (r) => expect(r.releaseId).toBe(R) }],
  ['listReleaseTasks', { input: { path: { releaseId: R } }, check: (r) => expect(Array.isArray(r.tasks)).toBe(true) }],
  ['getReleaseTask', { input: { path: { releaseId: R, taskId: T } }, check: (r) => expect(r.taskId).toBe(T) }],
  ['getSet', { input: { path: { setId: DEMO.sets.closedGenerate }, query: { level: 'DEV1' } }, check: (r) => expect(r.setid).toBe(DEMO.sets.closedGenerate) }],
  ['listSetTasks', { input: { path: { setId: DEMO.sets.closedGenerate } }, check: (r) => expect(Array.isArray(r.tasks)).toBe(true) }],
  ['getSetDeployment', { input: { path: { setId: DEMO.sets.closedDeploy } } }],
  [
    'listContainers',
    {
      input: { query: { containerType: 'A', application: 'PLAY', includeClosedContainers: false } },
      check: (r) => expect((r.containers as unknown[]).length).toBeGreaterThan(0),
    },
  ],
  ['getWorkList', { input: { query: { application: 'PLAY', inProgress: true } } }],
  ['listDeployments', { input: { query: { priorWeek: true } } }],
  ['getGenerateParms', { input: { path: { taskId: T }, query: { containerId: A, containerType: 'A' } } }],
  ['generateWithParms', { input: { path: { taskId: T }, body: { containerId: A, containerType: 'A', updateDetails: [] } } }],
  [
    'generateAssignment',
    { input: { path: { assignmentId: A }, query: { level: 'DEV1' }, body: { runtimeConfiguration: DEMO.runtimeConfig } }, check: setCreated },
  ],
  ['generateTasks', { input: { path: { assignmentId: A }, query: { taskId: [T, DEMO.taskIds.TPROG02], level: 'DEV1' }, body: {} }, check: setCreated }],
  [
    'generateTasksAwait',
    { input: { path: { assignmentId: A }, query: { taskId: [T], level: 'DEV1' }, body: {} }, check: (r) => expect(r.awaitStatus ?? r.message).toBeDefined() },
  ],
  ['buildAssignment', { input: { path: { assignmentId: A }, query: { level: 'DEV1' }, body: {} } }],
  ['buildTasks', { input: { query: { taskId: [T] }, body: {} } }],
  ['buildAwait', { input: { query: { assignmentId: A, level: 'DEV1' }, body: {} } }],
  ['getReleaseTaskListing', { input: { path: { releaseId: R, taskId: T } } }],
  ['promoteAssignment', { input: { path: { assignmentId: A }, query: { level: 'DEV1' }, body: {} }, check: setCreated }],
  ['deployAssignment', { input: { path: { assignmentId: DEMO.qaAssignmentId }, query: { level: 'QA' }, body: {} }, check: setCreated }],
  [
    'deployTasks',
    {
      input: () => ({
        path: { assignmentId: DEMO.qaAssignmentId },
        query: { taskId: [...sim.estate.tasks.values()].filter((t) => t.container === DEMO.qaAssignmentId).map((t) => t.taskId), level: 'QA' },
        body: {},
      }),
    },
  ],
  ['regressAssignment', { input: { path: { assignmentId: DEMO.qaAssignmentId }, query: { level: 'QA' }, body: {} } }],
  ['fallbackAssignment', { input: { path: { assignmentId: DEMO.qaAssignmentId }, query: { level: 'QA' }, body: {} } }],
  ['generateRelease', { input: { path: { releaseId: R }, query: { level: 'DEV1' }, body: {} } }],
  ['promoteRelease', { input: { path: { releaseId: R }, query: { level: 'QA' }, body: {} } }],
  ['deployRelease', { input: { path: { releaseId: R }, query: { level: 'STG' }, body: {} } }],
  ['regressRelease', { input: { path: { releaseId: R }, query: { level: 'STG' }, body: {} } }],
  ['fallbackRelease', { input: { path: { releaseId: R }, query: { level: 'STG' }, body: {} } }],
  ['buildRelease', { input: { path: { releaseId: R }, query: { level: 'DEV1', assignmentId: A }, body: {} } }],
  ['releaseDeploymentAction', { input: { path: { releaseId: R, action: 'restart' }, body: {} } }],
  ['setAction', { input: { path: { setId: DEMO.sets.waitingApproval, action: 'approve' }, query: { approver: 'USER02' }, body: {} } }],
  ['fallbackSet', { input: { path: { setId: DEMO.sets.closedDeploy }, body: {} } }],
  ['cancelDeployment', { input: { path: { requestId: String(DEMO.deployments.pending) }, body: {} } }],
  [
    'createAssignment',
    {
      input: { body: { stream: 'PLAY', application: 'PLAY', defaultPath: 'DEV1', description: 'client test', assignmentPrefix: 'PLAY', owner: 'USER01' } },
      check: (r) => expect(r.assignmentId).toMatch(/^PLAY\d{6}$/),
    },
  ],
  [
    'createRelease',
    {
      input: { body: { stream: 'PLAY', application: 'PLAY', description: 'client test', releaseId: 'RELCT1' } },
      check: (r) => expect(r.releaseId).toBe('RELCT1'),
    },
  ],
  [
    'loadTask',
    {
      input: {
        path: { assignmentId: DEMO.dev2AssignmentId },
        body: { stream: 'PLAY', application: 'PLAY', moduleName: 'TNEW01', moduleType: 'COB', currentLevel: 'DEV2', startingLevel: 'DEV2', userId: 'USER01' },
      },
    },
  ],
  [
    'addTask',
    {
      input: {
        path: { assignmentId: DEMO.dev2AssignmentId },
        query: { checkout: false },
        body: { taskName: 'TNEW02', type: 'COB', stream: 'PLAY', application: 'PLAY', path: 'DEV2', checkoutFromLevel: 'PRD', owner: 'USER01' },
      },
    },
  ],
  [
    'transferTasks',
    {
      input: {
        path: { assignmentId: DEMO.dev2AssignmentId },
        query: { mname: 'TNEW01', mtype: 'COB', level: 'DEV2' },
        body: { containerId: A, containerType: 'A' },
      },
    },
  ],
  ['removeFromRelease', { input: { path: { releaseId: R }, query: { taskId: [T] }, body: {} } }],
  ['cancelAssignment', { input: { path: { assignmentId: DEMO.payrollAssignmentId }, body: {} } }],
  ['closeAssignment', { input: { path: { assignmentId: DEMO.failingDeployAssignmentId }, body: {} } }],
  ['cancelRelease', { input: { path: { releaseId: 'RELCT1' }, body: {} } }],
  ['closeRelease', { input: { path: { releaseId: DEMO.payrollReleaseId }, body: {} } }],
  [
    'downloadContainer',
    {
      input: { path: { containerType: 'Assignment', containerId: DEMO.approvalAssignmentId }, body: {} },
      check: (r) => expect((r.zip as Uint8Array | undefined)?.length).toBeGreaterThan(0),
    },
  ],
  [
    'downloadRepository',
    { input: { path: { stream: 'PLAY', application: 'PLAY', level: 'QA' }, body: {} }, check: (r) => expect(r.fileName).toBe('PLAY_QA.zip') },
  ],
  [
    'downloadRepositorySubAppl',
    {
      input: { path: { stream: 'PLAY', application: 'PAYR', subAppl: 'PAYB', level: 'DEV1' }, body: {} },
      check: (r) => expect(r.message).toContain('No members'),
    },
  ],
];

describe('every catalogue operation against the simulator', () => {
  it('covers the whole catalogue', () => {
    expect(cases.map(([name]) => name).sort()).toEqual(Object.keys(ops).sort());
  });

  it.each(cases)('%s', async (name, { input: given, check }) => {
    const operation = ops[name];
    const input = typeof given === 'function' ? given() : given;
    sim.clearRequests();
    let reply: unknown;
    try {
      reply = await client.call(SRID, operation, input, { requestId: `sim-${name}` });
    } catch (error) {
      // A CES-style refusal would still prove the wire contract, but each case is chosen to succeed.
      throw new Error(`${name}: ${error instanceof CesError ? `${error.code} ${error.message}` : String(error)}`);
    }
    check?.(reply as Record<string, unknown>);

    expect(sim.requests).toHaveLength(1);
    const request = sim.requests[0]!;
    expect(request.method).toBe(operation.method);
    const expectedPath = `/ispw/${SRID}${operation.path.replace(/\{([A-Za-z]+)\}/g, (_m, p: string) => input.path?.[p] ?? '')}`;
    expect(request.path).toBe(expectedPath);
    expect(request.headers.authorization).toBe(TOKEN);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-request-id']).toBe(`sim-${name}`);
    for (const [key, value] of Object.entries(input.query ?? {})) {
      const list = (Array.isArray(value) ? value : [value]).filter((v) => v !== undefined && v !== '').map(String);
      if (list.length === 0) expect(request.query[key]).toBeUndefined();
      else expect([request.query[key]].flat()).toEqual(list);
    }
    if (operation.method === 'GET') expect(request.body).toBeUndefined();
    else expect(request.body).toEqual(input.body ?? {});
  });
});

describe('simulator faults', () => {
  const get = () => client.call(SRID, ops.getAssignment, { path: { assignmentId: A } });

  it('retries a GET through a 503 and a dropped connection', async () => {
    sim.setFaults([
      { kind: 'error', status: 503, count: 1, path: '/assignments/' },
      { kind: 'drop', count: 1, path: '/assignments/' },
    ]);
    sim.clearRequests();
    expect((await get()).assignmentId).toBe(A);
    expect(sim.requests.length).toBe(3);
    sim.setFaults([]);
  });

  it('does not retry a POST through a 500, and retries it through a 429', async () => {
    const promote = () => client.call(SRID, ops.generateAssignment, { path: { assignmentId: A }, query: { level: 'DEV1' }, body: {} });
    sim.setFaults([{ kind: 'error', status: 500, count: 1, method: 'POST', message: 'simulated failure' }]);
    sim.clearRequests();
    const error = await promote().catch((e: unknown) => e as CesError);
    expect(error).toBeInstanceOf(CesError);
    expect((error as CesError).code).toBe('ces_server');
    expect((error as CesError).details.cesMessage).toBe('simulated failure');
    expect(sim.requests).toHaveLength(1);

    sim.setFaults([{ kind: 'rateLimit', retryAfterSeconds: 0, count: 1, method: 'POST' }]);
    sim.clearRequests();
    expect(await promote()).toBeDefined();
    expect(sim.requests).toHaveLength(2);
    expect(sim.requests[1]?.body).toEqual(sim.requests[0]?.body);
    sim.setFaults([]);
  });

  it('parses one-element lists sent as objects and reports malformed JSON', async () => {
    sim.setFaults([{ kind: 'singletonList' }]);
    const reply = await client.call(SRID, ops.getAssignmentTask, { path: { assignmentId: A, taskId: T } });
    expect(reply.taskId).toBe(T);
    const tasks = await client.call(SRID, ops.listAssignmentTasks, { path: { assignmentId: A }, query: { level: 'DEV1' } });
    expect(Array.isArray(tasks.tasks)).toBe(true);
    sim.setFaults([{ kind: 'malformed', count: 1 }]);
    const error = await get().catch((e: unknown) => e as CesError);
    expect((error as CesError).code).toBe('ces_bad_reply');
    sim.setFaults([]);
  });

  it('answers not found and a rejected token with the right codes', async () => {
    const missing = await client.call(SRID, ops.getSet, { path: { setId: 'S999999999' } }).catch((e: unknown) => e as CesError);
    expect((missing as CesError).code).toBe('ces_not_found');
    expect((missing as CesError).details.cesMessage).toMatch(/not found/i);
    const intruder = createCesClient({ name: 'sim', url: sim.url, token: () => 'not-a-valid-token', retries: 0 });
    const denied = await intruder.call(SRID, ops.getSet, { path: { setId: 'S1' } }).catch((e: unknown) => e as CesError);
    await intruder.close();
    expect((denied as CesError).code).toBe('ces_auth');
    expect((denied as CesError).message).not.toContain('not-a-valid-token');
  });
});

describe('simulator over HTTPS with mutual TLS', () => {
  it('works with the CA and a client certificate, and refuses without one', async () => {
    const pki = await createTestPki();
    const secure = await startSimulator({
      tokens: [TOKEN],
      stepMs: 0,
      tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert, requireClientCert: true },
    });
    const url = secure.url.replace('127.0.0.1', 'localhost');
    const withCert = createCesClient({
      name: 'mtls',
      url,
      token: () => TOKEN,
      retries: 0,
      tls: { caPem: pki.ca.cert, clientCertPem: pki.client.cert, clientKeyPem: pki.client.key },
    });
    const withoutCert = createCesClient({ name: 'mtls', url, token: () => TOKEN, retries: 0, tls: { caPem: pki.ca.cert } });
    try {
      expect((await withCert.call(SRID, ops.getAssignment, { path: { assignmentId: A } })).assignmentId).toBe(A);
      const error = await withoutCert.call(SRID, ops.getAssignment, { path: { assignmentId: A } }).catch((e: unknown) => e as CesError);
      expect((error as CesError).code).toBe('ces_unavailable');
    } finally {
      await withCert.close();
      await withoutCert.close();
      await secure.close();
    }
  });
});
