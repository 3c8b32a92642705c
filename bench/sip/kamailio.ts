/**
 * Kamailio as the reference peer of the benchmarks, on loopback with 2 UDP children: the registrar
 * of bench:sip (registrar + in-memory usrloc) and the stateful proxy of bench:calls.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface KamailioProcess {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The generated configuration: nothing but REGISTER (save to usrloc) and OPTIONS. */
export function kamailioConfig(port: number, modulesDir: string): string {
  return `#!KAMAILIO
# bench:sip reference registrar (generated): usrloc in memory only (db_mode 0), stateless replies.
debug=0
log_stderror=yes
children=2
auto_aliases=no
listen=udp:127.0.0.1:${port}
mpath="${modulesDir}"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
modparam("usrloc", "db_mode", 0)
modparam("registrar", "min_expires", 60)
modparam("registrar", "max_expires", 3600)
request_route {
  if (is_method("REGISTER")) { save("location"); exit; }
  if (is_method("OPTIONS")) { sl_send_reply("200", "OK"); exit; }
  sl_send_reply("501", "Not Implemented");
}
`;
}

const MODULE_DIRS = [
  '/usr/lib/x86_64-linux-gnu/kamailio/modules',
  '/usr/lib/aarch64-linux-gnu/kamailio/modules',
  '/usr/lib/kamailio/modules',
];

/** Where Debian's kamailio package put its modules. */
export function kamailioModulesDir(): string {
  const modules = MODULE_DIRS.find((d) => fs.existsSync(path.join(d, 'registrar.so')));
  if (modules === undefined)
    throw new Error('Kamailio modules not found: install the Debian package kamailio');
  return modules;
}

/** Starts Kamailio with the configuration `config` makes of its port and modules directory (kamailioConfig by default). */
export function startKamailio(
  dir: string,
  port: number,
  config: (port: number, modulesDir: string) => string = kamailioConfig,
  /** Shared memory: the registrar's 50,000 contacts fit in 512 MB; the proxy's transactions need more. */
  sharedMemoryMb = 512,
): KamailioProcess {
  const modules = kamailioModulesDir();
  const cfg = path.join(dir, 'kamailio.cfg');
  fs.writeFileSync(cfg, config(port, modules));
  // -DD: stay in the foreground, -E: log to stderr, -m: shared memory (MB), -M: per-process memory (MB).
  const child = spawn('kamailio', ['-f', cfg, '-DD', '-E', '-m', String(sharedMemoryMb), '-M', '16'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      if (child.exitCode !== 0 && child.signalCode !== 'SIGTERM' && log) process.stderr.write(log);
      // What it logged last (warnings and errors: a refused transaction says why) stays with the run.
      fs.writeFileSync(path.join(dir, `kamailio-${child.pid}.stderr`), log);
    },
  };
}
