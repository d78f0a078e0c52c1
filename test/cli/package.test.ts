import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

// What `npm pack` (and so `npm publish`) makes of the repository.
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; types?: string; scripts: Record<string, string> };

function npmPackDryRun(): Promise<Array<{ files: Array<{ path: string }> }>> {
  return new Promise((resolve, reject) => {
    execFile('npm', ['pack', '--dry-run', '--json', '--no-audit', '--no-fund'], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`npm pack failed: ${stderr}`));
      // prepack's own output (the build) comes before the JSON.
      resolve(JSON.parse(stdout.slice(stdout.indexOf('\n[') + 1)) as Array<{ files: Array<{ path: string }> }>);
    });
  });
}

describe('the package', function () {
  this.timeout(180_000);

  it('builds dist/ before it is packed, and ships the CLI, the library and its type declarations, not the build cache', async () => {
    const [packed] = await npmPackDryRun();
    const files = packed!.files.map((f) => f.path);
    expect(files).to.include.members(['dist/cli.js', 'dist/index.js', 'dist/index.d.ts', 'dist/config/schema.d.ts', 'package.json', 'CHANGELOG.md']);
    expect(files.filter((f) => f.endsWith('.tsbuildinfo'))).to.deep.equal([]);
    expect(pkg.types).to.equal('dist/index.d.ts');
    expect(pkg.scripts.prepack).to.equal('npm run build');
  });

  it('npm run demo builds incrementally: a build with nothing changed writes no file', async () => {
    expect(pkg.scripts.demo).to.match(/^npm run build && /);
    const emitted = () => new Promise<string[]>((resolve, reject) => {
      execFile('npx', ['tsc', '-p', 'tsconfig.json', '--listEmittedFiles'], (err, stdout, stderr) => {
        if (err) return reject(new Error(`the build failed: ${stdout}${stderr}`));
        resolve(stdout.split('\n').filter((line) => line.startsWith('TSFILE: ')));
      });
    });
    await emitted(); // whatever an earlier change left to build
    expect(await emitted()).to.deep.equal([]);
  });

  it('CHANGELOG.md has a section for the version package.json gives', () => {
    expect(readFileSync('CHANGELOG.md', 'utf8')).to.match(new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')}$`, 'm'));
  });
});
