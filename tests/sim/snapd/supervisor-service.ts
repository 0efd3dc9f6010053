import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { serviceLogFile, servicePidFile, snapDataDir } from './layout.js';
import { isAlive, removeFile, signal } from './processes.js';
import { appEnvironment, commandArgv, currentRevision, readSnapYaml, restartDelayMs, snapEnvironment } from './snap-meta.js';
import { log } from './supervisor-log.js';
import type { ServiceStatus } from './supervisor-protocol.js';

/** systemd's defaults for a snap service with `restart-condition: always`. */
export interface RestartPolicy {
  /** RestartSec: pause before restarting a process that exited. */
  readonly restartDelayMs: number;
  /** StartLimitBurst starts within StartLimitIntervalSec mark the service failed. */
  readonly startLimitBurst: number;
  readonly startLimitIntervalMs: number;
  /** TimeoutStopSec: SIGTERM, then SIGKILL after this long. */
  readonly stopTimeoutMs: number;
}

export const DEFAULT_POLICY: RestartPolicy = {
  restartDelayMs: 100,
  startLimitBurst: 5,
  startLimitIntervalMs: 10_000,
  stopTimeoutMs: 30_000,
};

/** A running daemon: our child, or one adopted from a supervisor that died. */
interface Running {
  readonly pid: number;
  readonly exited: Promise<string>;
}

/** One snap service (`<snap>.<app>`), kept running like a systemd unit with Restart=always. */
export class Service {
  running: Running | undefined;
  wanted = false;
  failed = false;
  private starts: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  /** RestartSec of the revision last started (snap.yaml's restart-delay). */
  private restartDelayMs: number;

  constructor(
    readonly name: string,
    private readonly root: string,
    private readonly policy: RestartPolicy,
  ) {
    this.restartDelayMs = policy.restartDelayMs;
  }

  get snap(): string {
    return this.name.slice(0, this.name.indexOf('.'));
  }

  get app(): string {
    return this.name.slice(this.name.indexOf('.') + 1);
  }

  status(): ServiceStatus {
    const pid = this.running?.pid ?? null;
    return { active: pid !== null, pid, failed: this.failed, wanted: this.wanted };
  }

  /** Starts the service now (a no-op when it runs); an explicit start clears a failed state. */
  start(): void {
    this.wanted = true;
    this.failed = false;
    this.starts = [];
    if (this.running) return;
    this.clearTimer();
    this.spawnProcess();
  }

  /** Stops the service and resolves once its process is gone. */
  async stop(): Promise<void> {
    this.wanted = false;
    this.failed = false;
    this.clearTimer();
    const running = this.running;
    if (!running) return;
    this.stopping = true;
    try {
      signal(running.pid, 'SIGTERM');
      const killed = await Promise.race([running.exited.then(() => false), sleep(this.policy.stopTimeoutMs, true)]);
      if (killed) {
        log(`${this.name}: stop timed out; sending SIGKILL to ${running.pid}`);
        signal(running.pid, 'SIGKILL');
        await running.exited;
      }
    } finally {
      this.stopping = false;
    }
  }

  /** Takes over a daemon left running by a supervisor that died, so it is still supervised. */
  adopt(pid: number): void {
    this.wanted = true;
    const exited = (async () => {
      while (isAlive(pid)) await sleep(100);
      return 'exited (adopted process, status unknown)';
    })();
    this.track({ pid, exited });
    log(`${this.name}: adopted running process ${pid}`);
  }

  private clearTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private spawnProcess(): void {
    this.starts.push(Date.now());
    const revision = currentRevision(this.root, this.snap);
    if (revision === undefined) {
      this.failed = true;
      this.wanted = false;
      log(`${this.name}: cannot start: snap "${this.snap}" is not installed`);
      return;
    }
    const meta = readSnapYaml(this.root, this.snap, revision);
    const app = meta.apps[this.app];
    if (!app?.daemon) {
      this.failed = true;
      this.wanted = false;
      log(`${this.name}: cannot start: no such service in revision ${revision}`);
      return;
    }
    // A clean environment, as systemd gives: nothing of the hook (no JUJU_*, no ETCD_*) leaks in.
    const env = appEnvironment(
      {
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        LANG: 'C.UTF-8',
        HOME: snapDataDir(this.root, this.snap, revision),
        ...snapEnvironment(this.root, this.snap, revision, meta.version),
      },
      app,
    );
    this.restartDelayMs = restartDelayMs(app) ?? this.policy.restartDelayMs;
    const argv = commandArgv(app.command, env);
    const logFile = serviceLogFile(this.root, this.snap, this.app);
    mkdirSync(path.dirname(logFile), { recursive: true });
    const fd = openSync(logFile, 'a');
    try {
      const child = spawn(argv[0] ?? '', argv.slice(1), { cwd: this.root, env, stdio: ['ignore', fd, fd] });
      const exited = new Promise<string>((resolve) => {
        child.once('error', (err) => resolve(`failed to execute: ${err.message}`));
        child.once('exit', (code, sig) => resolve(sig ? `killed, signal=${sig}` : `exited, status=${code}`));
      });
      if (child.pid === undefined) {
        void exited.then((how) => this.onExit(undefined, how));
        return;
      }
      log(`${this.name}: started revision ${revision} as pid ${child.pid}: ${argv.join(' ')}`);
      writeFileSync(servicePidFile(this.root, this.name), `${child.pid}\n`);
      this.track({ pid: child.pid, exited });
    } finally {
      closeSync(fd);
    }
  }

  private track(running: Running): void {
    this.running = running;
    void running.exited.then((how) => this.onExit(running, how));
  }

  private onExit(running: Running | undefined, how: string): void {
    if (running) {
      if (this.running !== running) return;
      this.running = undefined;
      removeFile(servicePidFile(this.root, this.name));
    }
    log(`${this.name}: main process ${running?.pid ?? '-'} ${how}`);
    if (!this.wanted || this.stopping) return;
    const now = Date.now();
    this.starts = this.starts.filter((t) => now - t < this.policy.startLimitIntervalMs);
    if (this.starts.length >= this.policy.startLimitBurst) {
      this.failed = true;
      this.wanted = false;
      log(`${this.name}: start request repeated too quickly; service failed`);
      return;
    }
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.wanted && !this.running) this.spawnProcess();
    }, this.restartDelayMs);
  }
}
