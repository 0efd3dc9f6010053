import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { unitLayout, type UnitLayout } from './layout.js';
import { isAlive, livePidFromFile, removeFile } from './processes.js';
import { log } from './supervisor-log.js';
import { RequestSchema, type ServiceStatus, type SupervisorRequest, type SupervisorResponse } from './supervisor-protocol.js';
import { DEFAULT_POLICY, Service, type RestartPolicy } from './supervisor-service.js';

/** The per-unit service manager: holds the services, answers the socket, watches its root. */
class Supervisor {
  private readonly services = new Map<string, Service>();
  private server: Server | undefined;
  private closing = false;

  constructor(
    private readonly layout: UnitLayout,
    private readonly policy: RestartPolicy,
    private readonly exitWithPid: number | undefined,
  ) {}

  service(name: string): Service {
    let svc = this.services.get(name);
    if (!svc) {
      svc = new Service(name, this.layout.root, this.policy);
      this.services.set(name, svc);
    }
    return svc;
  }

  statuses(): Record<string, ServiceStatus> {
    return Object.fromEntries([...this.services].map(([name, svc]) => [name, svc.status()]));
  }

  /** Adopts daemons whose pid files outlived an earlier supervisor. */
  adoptOrphans(): void {
    for (const file of readdirSync(this.layout.runDir)) {
      if (!file.endsWith('.pid') || file === path.basename(this.layout.supervisorPidFile)) continue;
      const name = file.slice(0, -'.pid'.length);
      const pid = livePidFromFile(path.join(this.layout.runDir, file), this.layout.root);
      if (pid === undefined) removeFile(path.join(this.layout.runDir, file));
      else this.service(name).adopt(pid);
    }
  }

  async handle(request: SupervisorRequest): Promise<SupervisorResponse> {
    switch (request.op) {
      case 'ping':
      case 'status':
        break;
      case 'start':
        for (const name of request.services) this.service(name).start();
        break;
      case 'stop':
        await Promise.all(request.services.map((name) => this.service(name).stop()));
        break;
      case 'restart':
        await Promise.all(request.services.map((name) => this.service(name).stop()));
        for (const name of request.services) this.service(name).start();
        break;
      case 'shutdown':
        setImmediate(() => void this.shutdown('asked to'));
        break;
    }
    return { ok: true, pid: process.pid, services: this.statuses() };
  }

  async listen(): Promise<void> {
    const { socketPath } = this.layout;
    if (!socketPath.startsWith('\0')) removeFile(socketPath);
    const server = createServer((socket) => this.serve(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
  }

  private serve(socket: Socket): void {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      const line = buffer.slice(0, newline);
      buffer = '';
      void (async () => {
        let response: SupervisorResponse;
        try {
          response = await this.handle(RequestSchema.parse(JSON.parse(line)));
        } catch (err) {
          response = { ok: false, error: (err as Error).message };
        }
        socket.end(`${JSON.stringify(response)}\n`);
      })();
    });
  }

  /** Stops every service, closes the socket, removes the pid file and exits. */
  async shutdown(reason: string): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    log(`supervisor ${process.pid}: shutting down (${reason})`);
    await Promise.all([...this.services.values()].map((svc) => svc.stop()));
    this.server?.close();
    if (!this.layout.socketPath.startsWith('\0')) removeFile(this.layout.socketPath);
    removeFile(this.layout.supervisorPidFile);
    process.exit(0);
  }

  /** Exits when the unit's root is gone, or the process it was told to live with. */
  watch(): void {
    const timer = setInterval(() => {
      if (!existsSync(this.layout.root)) void this.shutdown('root directory removed');
      else if (this.exitWithPid !== undefined && !isAlive(this.exitWithPid))
        void this.shutdown(`process ${this.exitWithPid} is gone`);
    }, 500);
    timer.unref();
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => void this.shutdown(sig));
  }
}

/** Claims the supervisor pid file; false when another live supervisor of this root holds it. */
function claimPidFile(layout: UnitLayout): boolean {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(layout.supervisorPidFile, 'wx');
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (livePidFromFile(layout.supervisorPidFile, layout.root) !== undefined) return false;
      rmSync(layout.supervisorPidFile, { force: true });
    }
  }
  return false;
}

/**
 * Runs the supervisor of the unit at `root` until it is asked to stop, its root disappears,
 * or `exitWithPid` (if given) dies. Returns at once when another supervisor already runs there.
 */
export async function runSupervisor(root: string, policy: RestartPolicy = DEFAULT_POLICY, exitWithPid?: number): Promise<void> {
  const layout = unitLayout(root);
  mkdirSync(layout.runDir, { recursive: true });
  if (!claimPidFile(layout)) return;
  const supervisor = new Supervisor(layout, policy, exitWithPid);
  supervisor.watch();
  supervisor.adoptOrphans();
  await supervisor.listen();
  log(`supervisor ${process.pid}: listening for ${layout.root}`);
}
