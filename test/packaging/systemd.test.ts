import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';

// packaging/factorgate.service: systemd's own check, and the environment it gives factorgate.
const UNIT = 'packaging/factorgate.service';

describe('packaging: the systemd unit', function () {
  this.timeout(30_000);

  it('passes systemd-analyze verify without a warning', async () => {
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile('systemd-analyze', ['verify', UNIT], (err, _stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }));
    });
    expect(result).to.deep.equal({ code: 0, stderr: '' });
  });

  it('starts a TOTP-only install: the environment it sets turns no anakam section on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-unit-'));
    try {
      writeFileSync(join(dir, 'secret'), 'unit-secret-0123456789-0123456789-abc\n');
      // Environment= lines as systemd reads them, %d being the credentials directory.
      const env = Object.fromEntries(readFileSync(UNIT, 'utf8').split('\n').filter((l) => l.startsWith('Environment='))
        .map((l) => l.slice('Environment='.length).replace(/%d/g, dir).split('=', 2) as [string, string]));
      const config = loadConfig({ env: { ...env, FACTORGATE_GATEWAY_URL: 'https://gateway.example.test' } });
      expect(config.anakam.configured).to.equal(false);
      expect(config.providers.default).to.equal('totp');
      expect(config.otp.sqlite.path.startsWith('/var/lib/factorgate/')).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the device file\'s directory for the service user, and secrets off the command line', () => {
    const unit = readFileSync(UNIT, 'utf8');
    expect(unit).to.match(/^StateDirectory=factorgate$/m);
    expect(unit).to.match(/^LoadCredential=secret:/m);
    expect(unit).to.match(/^ExecStart=\/usr\/bin\/node \/opt\/factorgate\/dist\/cli\.js --config \S+$/m);
  });
});
