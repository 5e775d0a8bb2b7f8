// Two app instances (server.ts, as `npm start` runs it, on one build) on one PostgreSQL database,
// behind a real nginx (Debian's) balancing round-robin, as docs/deploy.md sets it up: for the
// reliability suite's scale-out checks and `npm run bench -- --scale`. nginx runs as a child
// process with a config file and prefix of its own in a temporary folder, never the system's.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SERVER_START_MS, SERVER_TS } from "../e2e/support/servers";
import { waitUntil } from "./wait";

/** The address nginx connects to the instances from: not the clients' 127.0.0.1, so TRUST_PROXY can name it alone. */
export const NGINX_ADDRESS = "127.0.0.2";

async function status(url: string): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

export type Exit = { code: number | null; signal: NodeJS.Signals | null; ms: number };

export class Instance {
  readonly url: string;
  private child?: ChildProcess;
  private exited?: Promise<Exit>;

  constructor(
    readonly name: string,
    readonly port: number,
    public env: NodeJS.ProcessEnv,
    private readonly log: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts server.ts and resolves once /readyz says ready (the database answers, migrations current). */
  async start(env: NodeJS.ProcessEnv = this.env): Promise<void> {
    if (this.child) throw new Error(`instance ${this.name} runs already`);
    if ((await status(`${this.url}/healthz`)) !== 0) throw new Error(`port ${this.port} is taken`);
    this.env = env;
    const [program, ...args] = SERVER_TS;
    const out = fs.openSync(this.log, "a");
    // Its own process group, as systemd gives a unit: a signal reaches the server and its children.
    const child = spawn(program, [...args, "--hostname", "127.0.0.1", "--port", String(this.port)], {
      env,
      stdio: ["ignore", out, out],
      detached: true,
    });
    fs.closeSync(out);
    this.child = child;
    let stopAsked = 0;
    this.exited = new Promise<Exit>((resolve) =>
      child.once("exit", (code, signal) => {
        this.child = undefined;
        resolve({ code, signal, ms: stopAsked ? performance.now() - stopAsked : 0 });
      }),
    );
    this.markStop = () => (stopAsked = performance.now());
    try {
      await waitUntil(
        `instance ${this.name} to be ready (see ${this.log})`,
        async () => {
          if (!this.child) throw new Error(`instance ${this.name} exited while starting: see ${this.log}`);
          return (await status(`${this.url}/readyz`)) === 200;
        },
        SERVER_START_MS,
      );
    } catch (error) {
      await this.kill();
      throw error;
    }
  }

  private markStop: () => void = () => undefined;

  /** Sends `signal` to the instance's process group and waits for it to exit. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<Exit> {
    const child = this.child;
    if (!child || !this.exited) return { code: null, signal: null, ms: 0 };
    this.markStop();
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // gone already
    }
    return this.exited;
  }

  /** kill -9 of the whole process group: a crash, mid-request. */
  kill(): Promise<Exit> {
    return this.stop("SIGKILL");
  }
}

export function nginxBinary(): string | null {
  for (const candidate of ["/usr/sbin/nginx", "/usr/bin/nginx"]) if (fs.existsSync(candidate)) return candidate;
  try {
    return execFileSync("sh", ["-c", "command -v nginx"], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

/** nginx's configuration for the instances on `ports`: what docs/deploy.md gives, plus the test's own needs. */
export function nginxConfig(prefix: string, listen: number, ports: number[]): string {
  return `# Written by tests/support/cluster.ts; docs/deploy.md explains each line.
daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
  log_format upstream '$remote_addr "$request" $status $upstream_addr $upstream_status $request_time $http_x_request_id $request_id';
  access_log ${prefix}/access.log upstream;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  client_max_body_size 1m;

  upstream marginalia {
${ports.map((port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=2s;`).join("\n")}
    keepalive 32;
    keepalive_timeout 4s;
  }

  server {
    listen 127.0.0.1:${listen};
    location / {
      proxy_pass http://marginalia;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # With the port: the test's Origin has one (docs/deploy.md uses $host behind 443).
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Request-ID $request_id;
      proxy_connect_timeout 2s;
      # A stopped or crashed instance: the request goes to the next one, a POST too (a comment
      # form's token makes a second delivery store nothing new).
      proxy_next_upstream error timeout non_idempotent;
      proxy_next_upstream_timeout 30s;
      # Test only: the clients are on 127.0.0.1 as nginx is, so nginx connects from an address of its own.
      proxy_bind ${NGINX_ADDRESS};
      # Test only: which instance answered.
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`;
}

export class Nginx {
  readonly url: string;
  readonly prefix: string;
  private child?: ChildProcess;

  constructor(
    private readonly binary: string,
    readonly port: number,
    private ports: number[],
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.prefix = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-nginx-"));
    // A master running as root hands requests to workers running as nobody: they read the prefix.
    fs.chmodSync(this.prefix, 0o755);
  }

  get accessLog(): string {
    return path.join(this.prefix, "access.log");
  }

  private write(): string {
    const file = path.join(this.prefix, "nginx.conf");
    fs.writeFileSync(file, nginxConfig(this.prefix, this.port, this.ports));
    return file;
  }

  async start(): Promise<void> {
    if ((await status(`${this.url}/`)) !== 0) throw new Error(`port ${this.port} is taken`);
    const config = this.write();
    execFileSync(this.binary, ["-t", "-q", "-p", this.prefix, "-c", config], { stdio: ["ignore", "ignore", "pipe"] });
    this.child = spawn(this.binary, ["-p", this.prefix, "-c", config], { stdio: ["ignore", "ignore", "inherit"] });
    this.child.once("exit", () => (this.child = undefined));
    await waitUntil(
      `nginx to answer (see ${this.prefix}/error.log)`,
      async () => (await status(`${this.url}/healthz`)) !== 0,
      30_000,
      50,
    );
  }

  /** Another set of instances, by a graceful reload (SIGHUP), as an operator would. */
  async balance(ports: number[]): Promise<void> {
    this.ports = ports;
    this.write();
    this.child?.kill("SIGHUP");
    // Reloaded once two rounds of answers come from exactly these instances (the old workers
    // finish their requests on the old list meanwhile).
    const expected = new Set(ports.map((port) => `127.0.0.1:${port}`));
    await waitUntil(
      `nginx to balance ${[...expected].join(" and ")}`,
      async () => {
        const seen = new Set<string>();
        for (let i = 0; i < 2 * ports.length; i++) seen.add(await this.upstream());
        return seen.size === expected.size && [...seen].every((address) => expected.has(address));
      },
      30_000,
    );
  }

  /**
   * Waits until nginx hands a request to the instance on `port` again: after a refused connection
   * it passes that instance by for fail_timeout, then tries it with one request.
   */
  async reaches(port: number): Promise<void> {
    await waitUntil(
      `nginx to pass a request to 127.0.0.1:${port}`,
      async () => (await this.upstream()) === `127.0.0.1:${port}`,
      30_000,
      50,
    );
  }

  /** Which instance answered a request (nginx adds X-Upstream; "A, B" when A refused it). */
  private async upstream(): Promise<string> {
    const response = await fetch(`${this.url}/healthz`);
    await response.arrayBuffer();
    return response.headers.get("x-upstream") ?? "";
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGQUIT");
      // A graceful quit, else (past 5 s: cleaning up, nothing is judged here) a kill.
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      child.kill("SIGKILL");
    }
    fs.rmSync(this.prefix, { recursive: true, force: true });
  }
}

export type Cluster = { instances: [Instance, Instance]; nginx: Nginx; stop: () => Promise<void> };

/**
 * Instances on `port` and `port + 1`, nginx on `port + 2`, all on `env` (its DATABASE_URL shared),
 * with each instance's own settings from `instanceEnv` (a CONTENT_DIR each, as on machines of their
 * own). TRUST_PROXY names nginx's address only, unless `trustProxy` says otherwise: what a client
 * writes in X-Forwarded-For is not believed.
 */
export async function startCluster(
  port: number,
  env: NodeJS.ProcessEnv,
  logPrefix: string,
  {
    trustProxy = NGINX_ADDRESS,
    instanceEnv = [{}, {}],
  }: { trustProxy?: string; instanceEnv?: [Record<string, string>, Record<string, string>] } = {},
): Promise<Cluster> {
  const binary = nginxBinary();
  if (!binary) throw new Error("nginx is not installed (apt-get install nginx)");
  const clusterEnv = { ...env, TRUST_PROXY: trustProxy };
  const instances: [Instance, Instance] = [
    new Instance("A", port, { ...clusterEnv, ...instanceEnv[0] }, `${logPrefix}-a.log`),
    new Instance("B", port + 1, { ...clusterEnv, ...instanceEnv[1] }, `${logPrefix}-b.log`),
  ];
  const nginx = new Nginx(binary, port + 2, [port, port + 1]);
  const stop = async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await nginx.stop();
  };
  try {
    await Promise.all(instances.map((instance) => instance.start()));
    await nginx.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return { instances, nginx, stop };
}
