/**
 * bench:calls' reference proxy: the configuration it generates is one Kamailio itself accepts
 * (`kamailio -c`: modules load, every function exists, the script parses), so that a bench run
 * never measures a Kamailio that refused to start.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { kamailioProxyConfig } from '../../bench/calls/kamailio-proxy.js';
import { kamailioModulesDir } from '../../bench/sip/kamailio.js';

it('Kamailio accepts the stateful proxy configuration of bench:calls', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-bench-kamailio-'));
  try {
    const cfg = path.join(dir, 'kamailio.cfg');
    fs.writeFileSync(cfg, kamailioProxyConfig(25981, kamailioModulesDir()));
    // kamailio -c exits 255 on a module it cannot load, an unknown function or a syntax error.
    expect(() => execFileSync('kamailio', ['-c', '-f', cfg], { stdio: 'ignore' })).not.toThrow();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
