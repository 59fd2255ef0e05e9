// The simulated Code Pipeline estate: lifecycle levels, assignments, releases, tasks, sets and
// deployment requests, plus id generation in CES formats (docs/ces-api.md §3.3: task ids 12 hex chars,
// set ids `S` + 9 digits, assignment ids prefix + 6 digits, release ids up to 10 chars).
// Progress of running sets is applied lazily by `settle()` (see set-engine.ts).
import type { EventCallback } from './callbacks.js';
import type { Clock } from './clock.js';
import { DueQueue } from './due-queue.js';
import type { RepositoryMember } from './source.js';
import { settleEstate } from './set-engine.js';

/** One level of the lifecycle, e.g. DEV1 → QA. */
export interface LevelDef {
  name: string;
  /** Level a promote moves tasks to; undefined at the top (PRD). */
  next?: string;
  /** Deploy environment of this level (deployment request `environment`). */
  environment: string;
  /** Promotes into this level and deploys at this level wait for approval. */
  approval: boolean;
}

export interface ApplicationDef {
  stream: string;
  application: string;
  subAppls: string[];
}

export interface Task {
  taskId: string;
  moduleName: string;
  moduleType: string;
  application: string;
  subAppl: string;
  stream: string;
  level: string;
  /** Levels the task came from, newest last; regress goes back to the last one. */
  history: string[];
  userId: string;
  status: string;
  /** Last operation code (docs/ces-api.md §3.3: G generate, P promote, X regress, I implement, ...). */
  operation: string;
  version: number;
  /** Owning assignment. */
  container: string;
  /** Release id or '' when in no release. */
  release: string;
  /** Last set that processed the task. */
  set: string;
  dateTime: number;
  startingLevel: string;
  program: boolean;
  /** Demo fault flags: the next generate / deploy of this task fails. */
  failGenerate?: boolean;
  failDeploy?: boolean;
  /** Set by a failed generate so the await endpoints can report it. */
  lastGenerateFailed?: boolean;
  /** Generate parameters, CATEGORY.NAME → value; defaults until generate-with-parameters changes them. */
  genParms?: Record<string, string>;
}

export type ContainerStatus = 'Open' | 'Closed' | 'Cancelled';

export interface Assignment {
  assignmentId: string;
  stream: string;
  application: string;
  subAppl: string;
  defaultPath: string;
  description: string;
  owner: string;
  refNumber: string;
  releaseId: string;
  userTag: string;
  assignmentPrefix: string;
  status: ContainerStatus;
}

export interface Release {
  releaseId: string;
  stream: string;
  application: string;
  subAppl: string;
  description: string;
  owner: string;
  referenceNumber: string;
  userTag: string;
  releasePrefix: string;
  status: ContainerStatus;
}

export type SetKind = 'generate' | 'generateWithParms' | 'build' | 'promote' | 'deploy' | 'regress' | 'fallback' | 'addTask';

/** Set options from the request body (docs/ces-api.md §2.7), aliases already folded. */
export interface SetOptions {
  runtimeConfiguration?: string;
  changeType: string;
  executionStatus: string;
  autoDeploy: boolean;
  override: boolean;
  dpenvlst?: string;
  system?: string;
  deployImplementationDate?: string;
  deployImplementationTime?: string;
  deployActiveDate?: string;
  deployActiveTime?: string;
  /** Webhook callbacks asked for (docs/ces-api.md §4.4, callbacks.ts). */
  events?: EventCallback[];
}

/** What an add-task set creates when it completes (docs/ces-api.md §2.1 AddTask). */
export interface PendingTask {
  moduleName: string;
  moduleType: string;
  level: string;
  checkout: boolean;
  owner: string;
  releaseId: string;
  subAppl: string;
}

export interface CesSet {
  setId: string;
  kind: SetKind;
  containerId: string;
  containerType: 'A' | 'R';
  level: string;
  /** Target level of a promote/regress. */
  targetLevel?: string;
  taskIds: string[];
  owner: string;
  description: string;
  stream: string;
  application: string;
  subAppl: string;
  options: SetOptions;
  createdAt: number;
  /** Current state (docs/ces-api.md §4.2) and when it was entered; running states advance lazily. */
  state: string;
  since: number;
  needsApproval: boolean;
  approved: boolean;
  approver?: string;
  /** Requests created by this set (deploy sets). */
  deploymentIds: number[];
  pendingTask?: PendingTask;
  /** Set whose deployments a set fallback reverses. */
  fallbackOf?: string;
  message?: string;
  /** The set has been through its Waiting-Lock step (SetRealism.waitForLock). */
  lockWaited?: boolean;
  /** This set's own step length (SetRealism.setDurationMs); absent: the estate's `stepMs`. */
  stepMs?: number;
}

export interface Deployment {
  requestId: number;
  setId: string;
  environment: string;
  level: string;
  status: string;
  since: number;
  createdAt: number;
  description: string;
  taskIds: string[];
  /** A deployment that will end Failed instead of Completed. */
  failing: boolean;
  /** Only deployments created by a running simulation progress; seeded ones keep their status. */
  progressing: boolean;
}

export interface EstateConfig {
  clock: Clock;
  stepMs: number;
  realism?: Partial<SetRealism>;
}

/**
 * Behaviours of real CES that a client must not be fooled by (docs/ces-api.md errata E1, E2), off by
 * default so that the demo estate stays simple; tests switch each on.
 */
export interface SetRealism {
  /** A set action takes effect this long after CES accepted it; until then the set shows its old state. */
  actionLagMs: number;
  /** Sets close even when tasks fail to generate or deploy: the failures show only in the set's tasks and deployments. */
  closeWithFailures: boolean;
  /** Lifecycle sets wait for a lock (`Waiting-Lock`) for one step before they execute. */
  waitForLock: boolean;
  /** How long each deployment request status lasts (default: the set step). */
  deploymentStepMs: number;
  /**
   * [min, max]: each new set runs for a random duration in this range (uniform), from creation to
   * Closed/Failed, instead of two `stepMs` steps. For load tests of waits (bench/waits.ts) that need
   * sets of realistic, varied length; the set's end time is then known exactly (its `since`).
   */
  setDurationMs?: readonly [number, number];
  /** Random source for `setDurationMs` (default Math.random). */
  random?: () => number;
}

/** A set action accepted but not yet visible (SetRealism.actionLagMs). */
export interface PendingEffect {
  due: number;
  apply(at: number): void;
}

/** Set states that no longer move by themselves (docs/ces-api.md §4.2). */
export const STABLE_SET_STATES = new Set(['Closed', 'Complete', 'Failed', 'Terminated', 'Held', 'Waiting-Approval', 'Locked']);
export const FINISHED_SET_STATES = new Set(['Closed', 'Complete', 'Failed', 'Terminated']);
/** States that end by themselves after `stepMs`. */
export const RUNNING_SET_STATES = new Set(['Dispatched', 'Waiting-Lock', 'Executing', 'Released']);

export class Estate {
  readonly levels = new Map<string, LevelDef>();
  readonly applications: ApplicationDef[] = [];
  readonly tasks = new Map<string, Task>();
  readonly assignments = new Map<string, Assignment>();
  readonly releases = new Map<string, Release>();
  readonly sets = new Map<string, CesSet>();
  readonly deployments = new Map<number, Deployment>();
  /** Repository members that belong to no task (source.ts): served by the download endpoints. */
  readonly repositoryMembers: RepositoryMember[] = [];
  /** Ids of sets not finished yet (running, held, waiting); their tasks are locked. */
  readonly activeSets = new Set<string>();
  /** When running sets and progressing deployments next change (see settle()). */
  readonly dueSets = new DueQueue<string>();
  readonly dueDeployments = new DueQueue<number>();
  /** Set ids handed out by GET generateWithParms, usable by the following POST (§2.4). */
  readonly reservedSetIds = new Set<string>();
  /** Sets whose request asked for callbacks that have not been made yet (callbacks.ts), and their events. */
  readonly watchedSets = new Set<string>();
  readonly callbacksOf = new Map<string, EventCallback[]>();
  /** Set actions accepted but not yet visible, oldest first (all have the same lag). */
  readonly pendingEffects: PendingEffect[] = [];
  readonly clock: Clock;
  readonly stepMs: number;
  readonly realism: SetRealism;

  private nextTask = 1;
  private nextSet = 241_001;
  private nextRequest = 46_201;
  private readonly containerCounters = new Map<string, number>();

  constructor(config: EstateConfig) {
    this.clock = config.clock;
    this.stepMs = Math.max(0, config.stepMs);
    this.realism = {
      actionLagMs: 0,
      closeWithFailures: false,
      waitForLock: false,
      deploymentStepMs: this.stepMs,
      ...config.realism,
    };
  }

  now(): number {
    return this.clock();
  }

  /** Brings every running set and deployment up to `now()`. Called before each request. */
  settle(): void {
    settleEstate(this);
  }

  /** Records a set's new state: active or not, and when it next moves by itself. */
  track(set: CesSet): void {
    if (FINISHED_SET_STATES.has(set.state)) this.activeSets.delete(set.setId);
    else this.activeSets.add(set.setId);
    if (RUNNING_SET_STATES.has(set.state)) this.dueSets.push(set.since + this.stepOf(set), set.setId);
  }

  /** How long each running state of this set lasts. */
  stepOf(set: CesSet): number {
    return set.stepMs ?? this.stepMs;
  }

  /**
   * The step length a new set gets: with SetRealism.setDurationMs, its random duration split over
   * the running steps it will go through (Dispatched, [Waiting-Lock,] Executing).
   */
  newSetStepMs(): number | undefined {
    const range = this.realism.setDurationMs;
    if (!range) return undefined;
    const [min, max] = range;
    const duration = min + (this.realism.random ?? Math.random)() * Math.max(0, max - min);
    return Math.round(duration / (this.realism.waitForLock ? 3 : 2));
  }

  trackDeployment(deployment: Deployment): void {
    if (deployment.progressing) this.dueDeployments.push(deployment.since + this.realism.deploymentStepMs, deployment.requestId);
  }

  // --- ids -------------------------------------------------------------------------------

  newTaskId(): string {
    for (;;) {
      const id = (0x7e3a5d04d0c2 + this.nextTask++ * 0x1f3).toString(16).toUpperCase().padStart(12, '0');
      if (!this.tasks.has(id)) return id;
    }
  }

  newSetId(): string {
    for (;;) {
      const id = `S${String(this.nextSet++).padStart(9, '0')}`;
      if (!this.sets.has(id) && !this.reservedSetIds.has(id)) return id;
    }
  }

  newRequestId(): number {
    while (this.deployments.has(this.nextRequest)) this.nextRequest++;
    return this.nextRequest++;
  }

  /** Next free id `prefix` + digits, 10 characters in all (assignments: 4 + 6), after the highest used. */
  newContainerId(prefix: string, used: Iterable<string>): string {
    const digits = 10 - prefix.length;
    const taken = new Set(used);
    let n = this.containerCounters.get(prefix);
    if (n === undefined) {
      n = 1;
      for (const id of taken) {
        const tail = id.startsWith(prefix) ? id.slice(prefix.length) : '';
        if (/^\d+$/.test(tail)) n = Math.max(n, Number(tail) + 1);
      }
    }
    let id = '';
    do {
      id = `${prefix}${String(n++).padStart(digits, '0')}`;
    } while (taken.has(id));
    this.containerCounters.set(prefix, n);
    return id;
  }

  // --- queries -----------------------------------------------------------------------------

  level(name: string): LevelDef | undefined {
    return this.levels.get(name.toUpperCase());
  }

  /** Level a regress from `level` goes back to when the task has no history. */
  previousLevel(level: string): string | undefined {
    for (const def of this.levels.values()) if (def.next === level) return def.name;
    return undefined;
  }

  tasksOfAssignment(assignmentId: string): Task[] {
    return [...this.tasks.values()].filter((t) => t.container === assignmentId);
  }

  tasksOfRelease(releaseId: string): Task[] {
    return [...this.tasks.values()].filter((t) => t.release === releaseId);
  }

  tasksOf(containerType: 'A' | 'R', containerId: string): Task[] {
    return containerType === 'A' ? this.tasksOfAssignment(containerId) : this.tasksOfRelease(containerId);
  }

  /** The running set (if any) that holds the task, which locks it against transfer/remove. */
  lockingSet(taskId: string): CesSet | undefined {
    for (const id of this.activeSets) {
      const set = this.sets.get(id);
      if (set && set.taskIds.includes(taskId)) return set;
    }
    return undefined;
  }

  isKnownApplication(stream: string, application: string): boolean {
    return this.applications.some((a) => a.stream === stream.toUpperCase() && a.application === application.toUpperCase());
  }
}
