// A real Kubernetes control plane for the chart tests: etcd, kube-apiserver and
// kube-controller-manager (built from scripts/tools/kubernetes by install-tools.sh --kube), all on
// 127.0.0.1 with free ports, a throw-away data directory, a CA and serving certificate made for the
// run, a service-account key pair, and a static token for the test's admin user. No kubelet,
// scheduler or CNI runs: pods are created and checked by admission, never scheduled.
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createTestPki } from '../../support/certs.js';
import { tool } from './tools.js';

export interface ControlPlane {
  /** kubeconfig of the admin user (token auth, verified TLS). */
  readonly kubeconfig: string;
  readonly server: string;
  readonly dir: string;
  /** Seconds from the first process start until each component was ready. */
  readonly timings: { etcd: number; apiserver: number; controllerManager: number };
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a component with its output in <dir>/<name>.log; a process that dies early fails the wait. */
function daemon(dir: string, name: string, binary: string, args: string[]): ChildProcess {
  const log = openSync(join(dir, `${name}.log`), 'a');
  const child = spawn(binary, args, { stdio: ['ignore', log, log] });
  closeSync(log);
  // scripts/chart/test.sh stops what is still running from this list if the test run is killed.
  appendFileSync(join(dir, 'pids'), `${child.pid}\n`);
  return child;
}

async function waitFor(what: string, child: ChildProcess, logFile: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail(logFile)}`);
    }
    if (await probe().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what} was not ready within ${timeoutMs / 1000} s:\n${tail(logFile)}`);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

/** GET over verified TLS with the admin token; resolves with the status and body. */
function get(url: string, ca: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { authorization: `Bearer ${token}` }, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function startControlPlane(): Promise<ControlPlane> {
  // Inside the run directory of scripts/chart/test.sh, which stops what is left if the run is killed.
  const dir = mkdtempSync(join(process.env.ISPW_MCP_CHART_RUN_DIR ?? tmpdir(), 'ispw-mcp-chart-cp-'));
  const pkiDir = join(dir, 'pki');
  mkdirSync(pkiDir);
  const [etcdClient, etcdPeer, apiPort, kcmPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const pki = await createTestPki({ serverNames: ['127.0.0.1', 'localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'] });
  const file = (name: string, text: string) => {
    writeFileSync(join(pkiDir, name), text, { mode: 0o600 });
    return join(pkiDir, name);
  };
  const caFile = file('ca.crt', pki.ca.cert);
  const certFile = file('apiserver.crt', pki.server.cert);
  const keyFile = file('apiserver.key', pki.server.key);
  const sa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const saKey = file('sa.key', sa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const saPub = file('sa.pub', sa.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  const token = randomBytes(24).toString('hex');
  const tokens = file('tokens.csv', `${token},chart-test-admin,chart-test-admin,system:masters\n`);
  const server = `https://127.0.0.1:${apiPort}`;
  const kubeconfig = file(
    'kubeconfig',
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '  - name: chart-test',
      `    cluster: { server: "${server}", certificate-authority: "${caFile}" }`,
      'users:',
      '  - name: admin',
      `    user: { token: "${token}" }`,
      'contexts:',
      '  - name: chart-test',
      '    context: { cluster: chart-test, user: admin }',
      'current-context: chart-test',
      '',
    ].join('\n'),
  );

  const started = Date.now();
  const children: ChildProcess[] = [];
  const stop = async () => {
    // The controller manager first, then the API server, then etcd (so the API server can drain).
    for (const child of [...children].reverse()) await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const etcd = daemon(dir, 'etcd', tool('etcd'), [
      '--name',
      'chart-test',
      '--data-dir',
      join(dir, 'etcd-data'),
      '--listen-client-urls',
      `http://127.0.0.1:${etcdClient}`,
      '--advertise-client-urls',
      `http://127.0.0.1:${etcdClient}`,
      '--listen-peer-urls',
      `http://127.0.0.1:${etcdPeer}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${etcdPeer}`,
      '--initial-cluster',
      `chart-test=http://127.0.0.1:${etcdPeer}`,
      '--log-level',
      'warn',
    ]);
    children.push(etcd);
    await waitFor('etcd', etcd, join(dir, 'etcd.log'), async () => (await fetch(`http://127.0.0.1:${etcdClient}/health`)).ok, 30_000);
    const etcdReady = (Date.now() - started) / 1000;

    const apiserver = daemon(dir, 'apiserver', tool('kube-apiserver'), [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--tls-cert-file=${certFile}`,
      `--tls-private-key-file=${keyFile}`,
      `--client-ca-file=${caFile}`,
      `--token-auth-file=${tokens}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      '--service-cluster-ip-range=10.96.0.0/24',
      '--endpoint-reconciler-type=none',
      '--enable-priority-and-fairness=false',
      `--cert-dir=${join(dir, 'apiserver-certs')}`,
      // PodSecurity is on by default; named here because these tests are about it.
      '--enable-admission-plugins=NamespaceLifecycle,ServiceAccount,PodSecurity,LimitRanger,ResourceQuota',
    ]);
    children.push(apiserver);
    await waitFor(
      'kube-apiserver',
      apiserver,
      join(dir, 'apiserver.log'),
      async () => {
        const { status, body } = await get(`${server}/readyz`, pki.ca.cert, token);
        return status === 200 && body === 'ok';
      },
      180_000,
    );
    const apiserverReady = (Date.now() - started) / 1000;

    const kcm = daemon(dir, 'controller-manager', tool('kube-controller-manager'), [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${kcmPort}`,
      `--service-account-private-key-file=${saKey}`,
      `--root-ca-file=${caFile}`,
      '--use-service-account-credentials=false',
      '--leader-elect=false',
      // No nodes exist: the node controllers would only log errors.
      '--controllers=*,-node-ipam-controller,-node-lifecycle-controller',
    ]);
    children.push(kcm);
    // Ready when its service-account controller has created the default namespace's account.
    await waitFor(
      'kube-controller-manager',
      kcm,
      join(dir, 'controller-manager.log'),
      async () => {
        const { status } = await get(`${server}/api/v1/namespaces/default/serviceaccounts/default`, pki.ca.cert, token);
        return status === 200;
      },
      120_000,
    );
    const controllerManagerReady = (Date.now() - started) / 1000;
    return {
      kubeconfig,
      server,
      dir,
      timings: { etcd: etcdReady, apiserver: apiserverReady, controllerManager: controllerManagerReady },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
