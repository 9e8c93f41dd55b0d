/**
 * The real server in its own child process (`yibao serve`, production mode, on the harness's database),
 * which the harness can SIGKILL and start again on the same port. Start waits for `/health` with a
 * deadline and, when the child does not come up, fails with the end of its stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/yibao.mjs', import.meta.url));
const START_TIMEOUT_MS = 60_000;

export interface ServerOptions {
  databaseUrl: string;
  port: number;
  secretKeyHex: string;
  poolSize: number;
}

export class ServerProcess {
  readonly base: string;
  private child: ChildProcess | null = null;
  private starting: Promise<void> | null = null;
  private stderr = '';
  /** Milliseconds each start took until `/health` answered. */
  readonly startMs: number[] = [];
  /** Exits the harness did not cause, each with the end of the server's stderr. */
  readonly crashes: string[] = [];

  constructor(private readonly o: ServerOptions) {
    this.base = `http://127.0.0.1:${o.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get up(): boolean {
    return this.child !== null && this.starting === null;
  }

  start(): Promise<void> {
    return (this.starting ??= this.spawnAndWait().finally(() => (this.starting = null)));
  }

  private async spawnAndWait(): Promise<void> {
    const t0 = performance.now();
    this.stderr = '';
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: {
        ...process.env,
        DATABASE_URL: this.o.databaseUrl,
        PORT: String(this.o.port),
        HOST: '127.0.0.1',
        YIBAO_MODE: 'production',
        YIBAO_ADMIN_PASSWORD: 'torture-admin-password',
        YIBAO_SECRET_KEY: this.o.secretKeyHex,
        YIBAO_LOG_LEVEL: 'error',
        YIBAO_DB_POOL_SIZE: String(this.o.poolSize),
        // Every settlement through group commit, even at the harness's few clients: the batches are what the
        // kills and terminated backends must not break (by default it engages only under heavier load).
        YIBAO_GROUP_COMMIT_SIBLINGS: '0',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => (this.stderr = (this.stderr + s).slice(-4000)));
    let exited: string | null = null;
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? code}`;
      if (this.child !== child) return;
      // Not a kill of ours: the server died by itself. Recorded (an anomaly), then started again.
      this.child = null;
      this.crashes.push(`${exited}: ${this.stderr.slice(-1000)}`);
      this.start().catch(() => undefined);
    });
    const deadline = t0 + START_TIMEOUT_MS;
    while (performance.now() < deadline) {
      if (exited) break;
      try {
        const res = await fetch(`${this.base}/health`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) {
          this.child = child;
          this.startMs.push(performance.now() - t0);
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    throw new Error(
      `the server did not start (${exited ?? `no answer from /health in ${START_TIMEOUT_MS / 1000} s`}); its stderr:\n${this.stderr}`,
    );
  }

  /** SIGKILL, as a crash: nothing is flushed, in-flight requests get no answer. */
  async kill(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const child = this.child;
    if (!child) return;
    this.child = null;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }

  /**
   * Resolves true once the server is up, false when it is not by `deadline()` (performance.now() ms, read
   * again while waiting: a restart can move it later).
   */
  async whenUp(deadline: () => number): Promise<boolean> {
    while (!this.up) {
      if (performance.now() >= deadline()) return false;
      // Wait for the start in progress, or poll (never race a plain value: that would spin without yielding).
      const tick = new Promise((r) => setTimeout(r, 50));
      await (this.starting ? Promise.race([this.starting.catch(() => undefined), tick]) : tick);
    }
    return true;
  }

  /** SIGTERM (graceful: in-flight requests finish), SIGKILL after a few seconds. */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const child = this.child;
    if (!child) return;
    this.child = null;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  }

  stderrTail(): string {
    return this.stderr;
  }
}
