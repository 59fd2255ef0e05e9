// The demo estate: stream PLAY with applications PLAY and PAYR, lifecycle DEV1/DEV2 → QA → STG → PRD,
// assignments, releases, tasks, past sets and deployment requests, all dated relative to the clock
// so list tools show recent data. Ids follow CES formats (docs/ces-api.md §3.3). See README.md.
import { DAY_MS, HOUR_MS } from './clock.js';
import type { CesSet, Deployment, Estate, SetKind, Task } from './estate.js';
import { repositoryOnlyMembers } from './source.js';

/** Ids of seeded demo objects, for tests and docs. */
export const DEMO = {
  srid: 'CW09-47623',
  stream: 'PLAY',
  applications: ['PLAY', 'PAYR'],
  levels: ['DEV1', 'DEV2', 'QA', 'STG', 'PRD'],
  runtimeConfig: 'TPZP',
  /** The happy path: COBOL programs + copybook at DEV1 → generate, promote to QA, deploy at QA. */
  assignmentId: 'PLAY000313',
  assignmentLevel: 'DEV1',
  taskIds: { TPROG01: '7E3A5D04D0C2', TPROG02: '7E3A5D04D3A3', TCPYIBAN: '7E3A5D04D4F1' },
  /** Release holding PLAY000313 (DEV1) and PLAY000298 (QA). */
  releaseId: 'REL2026Q4',
  /** Assignment at DEV2 with COB, LINK and JCL tasks, no release. */
  dev2AssignmentId: 'PLAY000314',
  /** Assignment at QA, already generated, promoted and deployed at QA. */
  qaAssignmentId: 'PLAY000298',
  /** Assignment at STG: promoting it to PRD waits for approval. */
  approvalAssignmentId: 'PLAY000287',
  approvalReleaseId: 'REL2026Q3',
  /** Generate fails for TPROG25 (TPROG21 succeeds): a partial failure. */
  failingAssignmentId: 'PLAY000322',
  failingTaskId: '7E3A5D04E6A5',
  /** Deploy at QA fails (PAYBONUS). */
  failingDeployAssignmentId: 'PAYR000102',
  /** PAYR assignment at DEV2 in release PAY2026Q4. */
  payrollAssignmentId: 'PAYR000101',
  payrollReleaseId: 'PAY2026Q4',
  /** Closed assignment and release (only listed with includeClosedContainers=true). */
  closedAssignmentId: 'PLAY000250',
  closedReleaseId: 'REL2026Q2',
  sets: {
    closedGenerate: 'S000238580',
    closedPromote: 'S000238581',
    closedDeploy: 'S000238582',
    failedGenerate: 'S000238583',
    waitingApproval: 'S000238584',
    held: 'S000238585',
    closedProdDeploy: 'S000238586',
    failedDeploy: 'S000238587',
  },
  deployments: { completed: 46150, completedProd: 46140, failed: 46155, implemented: 46157, pending: 46158, old: 46120 },
} as const;

/** Lifecycle and applications only (seed 'empty'): creating containers still works. */
export function seedLifecycle(estate: Estate): void {
  const levels = [
    { name: 'DEV1', next: 'QA', environment: 'DEVT1', approval: false },
    { name: 'DEV2', next: 'QA', environment: 'DEVT2', approval: false },
    { name: 'QA', next: 'STG', environment: 'QAT', approval: false },
    { name: 'STG', next: 'PRD', environment: 'STAGE', approval: false },
    { name: 'PRD', environment: 'PROD', approval: true },
  ];
  for (const level of levels) estate.levels.set(level.name, level);
  estate.applications.push({ stream: 'PLAY', application: 'PLAY', subAppls: ['PLAY'] }, { stream: 'PLAY', application: 'PAYR', subAppls: ['PAYR', 'PAYB'] });
}

export function seedDemo(estate: Estate): void {
  seedLifecycle(estate);
  estate.repositoryMembers.push(...repositoryOnlyMembers());
  const now = estate.now();
  const ago = (ms: number): number => now - ms;

  const assignment = (
    assignmentId: string,
    application: string,
    subAppl: string,
    defaultPath: string,
    description: string,
    owner: string,
    extra: { refNumber?: string; releaseId?: string; userTag?: string; closed?: boolean } = {},
  ): void => {
    estate.assignments.set(assignmentId, {
      assignmentId,
      stream: 'PLAY',
      application,
      subAppl,
      defaultPath,
      description,
      owner,
      refNumber: extra.refNumber ?? '',
      releaseId: extra.releaseId ?? '',
      userTag: extra.userTag ?? '',
      assignmentPrefix: assignmentId.slice(0, 4),
      status: extra.closed ? 'Closed' : 'Open',
    });
  };

  const task = (
    taskId: string,
    assignmentId: string,
    moduleName: string,
    moduleType: string,
    level: string,
    operation: string,
    extra: Partial<Task> = {},
  ): void => {
    const a = estate.assignments.get(assignmentId)!;
    estate.tasks.set(taskId, {
      taskId,
      moduleName,
      moduleType,
      application: a.application,
      subAppl: a.subAppl,
      stream: a.stream,
      level,
      history: [],
      userId: a.owner,
      status: 'Active',
      operation,
      version: 1,
      container: assignmentId,
      release: a.releaseId,
      set: '',
      dateTime: ago(5 * DAY_MS),
      startingLevel: a.defaultPath,
      program: moduleType === 'COB',
      ...extra,
    });
  };

  const release = (
    releaseId: string,
    application: string,
    description: string,
    owner: string,
    extra: { referenceNumber?: string; userTag?: string; closed?: boolean } = {},
  ): void => {
    estate.releases.set(releaseId, {
      releaseId,
      stream: 'PLAY',
      application,
      subAppl: application,
      description,
      owner,
      referenceNumber: extra.referenceNumber ?? '',
      userTag: extra.userTag ?? '',
      releasePrefix: releaseId.slice(0, 3),
      status: extra.closed ? 'Closed' : 'Open',
    });
  };

  release('REL2026Q4', 'PLAY', 'Q4 2026 customer release', 'USER01', { referenceNumber: 'CHG0042', userTag: 'Q4' });
  release('REL2026Q3', 'PLAY', 'Q3 2026 maintenance release', 'USER03', { referenceNumber: 'CHG0031' });
  release('REL2026Q2', 'PLAY', 'Q2 2026 regulatory release', 'USER01', { closed: true });
  release('PAY2026Q4', 'PAYR', 'Payroll Q4 2026', 'USER04', { referenceNumber: 'CHG0045' });
  release('PAY2026Q3', 'PAYR', 'Payroll Q3 2026', 'USER05');

  assignment('PLAY000313', 'PLAY', 'PLAY', 'DEV1', 'Customer statement: add IBAN field', 'USER01', {
    refNumber: 'JIRA-1234',
    releaseId: 'REL2026Q4',
    userTag: 'IBAN',
  });
  task('7E3A5D04D0C2', 'PLAY000313', 'TPROG01', 'COB', 'DEV1', 'C', { version: 3 });
  task('7E3A5D04D3A3', 'PLAY000313', 'TPROG02', 'COB', 'DEV1', 'C', { version: 2 });
  task('7E3A5D04D4F1', 'PLAY000313', 'TCPYIBAN', 'COPY', 'DEV1', 'C');

  assignment('PLAY000314', 'PLAY', 'PLAY', 'DEV2', 'Nightly batch: restart logic', 'USER02', { refNumber: 'JIRA-1301' });
  task('7E3A5D04D5B0', 'PLAY000314', 'TPROG03', 'COB', 'DEV2', 'G', { version: 4 });
  task('7E3A5D04D6C7', 'PLAY000314', 'TLNK03', 'LINK', 'DEV2', 'G');
  task('7E3A5D04D7E2', 'PLAY000314', 'TJOB03', 'JCL', 'DEV2', 'C');

  assignment('PLAY000298', 'PLAY', 'PLAY', 'DEV1', 'Interest calculation rounding fix', 'USER01', {
    refNumber: 'JIRA-1188',
    releaseId: 'REL2026Q4',
  });
  task('7E3A5D04D8A1', 'PLAY000298', 'TPROG10', 'COB', 'QA', 'I', { history: ['DEV1'], version: 7, set: 'S000238582' });
  task('7E3A5D04D9B4', 'PLAY000298', 'TPROG11', 'COB', 'QA', 'P', { history: ['DEV1'], version: 2, set: 'S000238581' });

  assignment('PLAY000287', 'PLAY', 'PLAY', 'DEV2', 'Branch codes table refresh', 'USER03', { releaseId: 'REL2026Q3' });
  task('7E3A5D04DA10', 'PLAY000287', 'TPROG20', 'COB', 'STG', 'P', { history: ['DEV2', 'QA'], set: 'S000238588' });
  task('7E3A5D04DB27', 'PLAY000287', 'TCPY20', 'COPY', 'STG', 'P', { history: ['DEV2', 'QA'], set: 'S000238588' });

  assignment('PLAY000322', 'PLAY', 'PLAY', 'DEV1', 'Statement layout rework (WIP)', 'USER02');
  task('7E3A5D04E58E', 'PLAY000322', 'TPROG21', 'COB', 'DEV1', 'C');
  task('7E3A5D04E6A5', 'PLAY000322', 'TPROG25', 'COB', 'DEV1', 'C', { failGenerate: true, set: 'S000238583' });

  assignment('PLAY000250', 'PLAY', 'PLAY', 'DEV1', 'Q2 regulatory report', 'USER01', {
    releaseId: 'REL2026Q2',
    closed: true,
  });
  task('7E3A5D04C1F0', 'PLAY000250', 'TPROG05', 'COB', 'PRD', 'I', { history: ['DEV1', 'QA', 'STG'], version: 12 });
  task('7E3A5D04C2D3', 'PLAY000250', 'TJOB05', 'JCL', 'PRD', 'I', { history: ['DEV1', 'QA', 'STG'], version: 5 });

  assignment('PAYR000101', 'PAYR', 'PAYR', 'DEV2', 'Payroll tax tables 2027', 'USER04', {
    refNumber: 'PAY-88',
    releaseId: 'PAY2026Q4',
  });
  task('7E3A5D04F110', 'PAYR000101', 'PAYCALC', 'COB', 'DEV2', 'C', { version: 9 });
  task('7E3A5D04F2A9', 'PAYR000101', 'PAYTAXCP', 'COPY', 'DEV2', 'C');
  task('7E3A5D04F3C4', 'PAYR000101', 'PAYJOB01', 'JCL', 'DEV2', 'C');

  assignment('PAYR000102', 'PAYR', 'PAYB', 'DEV1', 'Bonus report', 'USER04');
  task('7E3A5D04F4D8', 'PAYR000102', 'PAYBONUS', 'COB', 'QA', 'P', { history: ['DEV1'], failDeploy: true });

  assignment('PAYR000090', 'PAYR', 'PAYR', 'DEV1', 'Payslip PDF output', 'USER05', { releaseId: 'PAY2026Q3' });
  task('7E3A5D04F5E3', 'PAYR000090', 'PAYSLIP', 'COB', 'PRD', 'P', { history: ['DEV1', 'QA', 'STG'], version: 6 });

  const set = (
    setId: string,
    kind: SetKind,
    containerId: string,
    level: string,
    taskIds: string[],
    state: string,
    at: number,
    extra: Partial<CesSet> = {},
  ): void => {
    const first = estate.tasks.get(taskIds[0]!)!;
    const verb = kind.charAt(0).toUpperCase() + kind.slice(1);
    estate.sets.set(setId, {
      setId,
      kind,
      containerId,
      containerType: 'A',
      level,
      taskIds,
      owner: first.userId,
      description: `${verb} ${containerId} ${level}${extra.targetLevel ? ` to ${extra.targetLevel}` : ''}`,
      stream: first.stream,
      application: first.application,
      subAppl: first.subAppl,
      options: { changeType: 'S', executionStatus: 'I', autoDeploy: false, override: false, runtimeConfiguration: 'TPZP' },
      createdAt: at,
      state,
      since: at + 2 * estate.stepMs,
      needsApproval: false,
      approved: false,
      deploymentIds: [],
      message: state === 'Failed' ? `${verb} failed` : state === 'Closed' ? `${verb} completed` : undefined,
      ...extra,
    });
    estate.track(estate.sets.get(setId)!);
  };

  const deployment = (requestId: number, setId: string, status: string, at: number, extra: Partial<Deployment> = {}): void => {
    const s = estate.sets.get(setId)!;
    const level = estate.level(s.level)!;
    estate.deployments.set(requestId, {
      requestId,
      setId,
      environment: level.environment,
      level: level.name,
      status,
      since: at,
      createdAt: at,
      description: `Deploy ${s.containerId} ${s.level}`,
      taskIds: [...s.taskIds],
      failing: status === 'Failed',
      progressing: false,
      ...extra,
    });
    s.deploymentIds.push(requestId);
  };

  const [tprog10, tprog11] = ['7E3A5D04D8A1', '7E3A5D04D9B4'];
  set('S000238570', 'deploy', 'PLAY000250', 'QA', ['7E3A5D04C1F0'], 'Closed', ago(20 * DAY_MS));
  deployment(46120, 'S000238570', 'Completed', ago(20 * DAY_MS));
  set('S000238580', 'generate', 'PLAY000298', 'DEV1', [tprog10, tprog11], 'Closed', ago(4 * DAY_MS));
  set('S000238581', 'promote', 'PLAY000298', 'DEV1', [tprog10, tprog11], 'Closed', ago(3 * DAY_MS), { targetLevel: 'QA' });
  set('S000238582', 'deploy', 'PLAY000298', 'QA', [tprog10], 'Closed', ago(2 * DAY_MS));
  deployment(46150, 'S000238582', 'Completed', ago(2 * DAY_MS));
  set('S000238583', 'generate', 'PLAY000322', 'DEV1', ['7E3A5D04E6A5'], 'Failed', ago(DAY_MS));
  set('S000238584', 'deploy', 'PAYR000090', 'PRD', ['7E3A5D04F5E3'], 'Waiting-Approval', ago(3 * HOUR_MS), {
    needsApproval: true,
    options: { changeType: 'S', executionStatus: 'I', autoDeploy: false, override: false, runtimeConfiguration: 'TPZP' },
  });
  set('S000238585', 'generate', 'PAYR000101', 'DEV2', ['7E3A5D04F110', '7E3A5D04F2A9'], 'Held', ago(2 * HOUR_MS));
  set('S000238586', 'deploy', 'PLAY000250', 'PRD', ['7E3A5D04C1F0', '7E3A5D04C2D3'], 'Closed', ago(6 * DAY_MS), {
    needsApproval: true,
    approved: true,
    approver: 'MGR01',
  });
  deployment(46140, 'S000238586', 'Completed', ago(6 * DAY_MS));
  set('S000238587', 'deploy', 'PAYR000102', 'QA', ['7E3A5D04F4D8'], 'Failed', ago(20 * HOUR_MS));
  deployment(46155, 'S000238587', 'Failed', ago(20 * HOUR_MS));
  set('S000238588', 'promote', 'PLAY000287', 'QA', ['7E3A5D04DA10', '7E3A5D04DB27'], 'Closed', ago(DAY_MS), {
    targetLevel: 'STG',
  });
  set('S000238589', 'deploy', 'PLAY000287', 'STG', ['7E3A5D04DA10'], 'Closed', ago(10 * HOUR_MS));
  deployment(46157, 'S000238589', 'Implemented', ago(10 * HOUR_MS));
  set('S000238590', 'deploy', 'PLAY000314', 'DEV2', ['7E3A5D04D5B0'], 'Closed', ago(HOUR_MS), {
    options: {
      changeType: 'S',
      executionStatus: 'I',
      autoDeploy: false,
      override: false,
      runtimeConfiguration: 'TPZP',
      deployImplementationDate: '2099-01-01',
      deployImplementationTime: '02:00:00',
    },
  });
  deployment(46158, 'S000238590', 'Pending', ago(HOUR_MS));
}
