import { expect } from 'chai';
import { readFileSync } from 'node:fs';

// No container engine runs here: the Dockerfile is held to its rules by reading it.
type Instruction = { keyword: string; args: string };

/** The instructions, continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  return text.replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'))
    .map((line) => { const [keyword, ...rest] = line.split(/\s+/); return { keyword: keyword!.toUpperCase(), args: rest.join(' ') }; });
}

const all = instructions(readFileSync('packaging/Dockerfile', 'utf8'));
const args = new Map(all.filter((i) => i.keyword === 'ARG' && i.args.includes('=')).map((i) => i.args.split('=', 2) as [string, string]));
const expand = (text: string) => text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => args.get(a ?? b) ?? '');
const fromLines = all.filter((i) => i.keyword === 'FROM');
/** The runtime image: everything from the last FROM on. */
const runtime = all.slice(all.lastIndexOf(fromLines.at(-1)!));
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

describe('packaging: the container image (packaging/Dockerfile, read)', () => {
  it('pins every base image by digest', () => {
    expect(fromLines).to.have.length.at.least(2);
    for (const from of fromLines) expect(expand(from.args.split(/\s+/)[0]!)).to.match(/^[a-z0-9./-]+:[\w.-]+@sha256:[0-9a-f]{64}$/);
  });

  it('builds and runs on Node.js 24 LTS, a supported Debian underneath', () => {
    const images = fromLines.map((from) => expand(from.args.split(/\s+/)[0]!));
    expect(images[0]).to.match(/^node:24-trixie-slim@/);
    expect(images.at(-1)).to.match(/^debian:trixie-slim@/);
    expect(runtime.some((i) => i.keyword === 'COPY' && /--from=build \/usr\/local\/bin\/node /.test(i.args))).to.equal(true);
  });

  it('can build the native SQLite addon in the build stage, and carries it built into the runtime image', () => {
    const build = all.slice(0, all.lastIndexOf(fromLines.at(-1)!));
    const installs = build.findIndex((i) => i.keyword === 'RUN' && /apt-get install\b.*\bpython3\b/.test(i.args) && /\bmake\b/.test(i.args) && /\bg\+\+/.test(i.args));
    const npmCi = build.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
    expect(installs, 'python3, make and g++ installed before npm ci').to.be.within(0, npmCi - 1);
    expect(runtime.some((i) => i.keyword === 'RUN' && /apt-get|\bmake\b|g\+\+/.test(i.args))).to.equal(false);
  });

  it('holds no npm, npx or corepack in the runtime image', () => {
    for (const i of runtime) expect(`${i.keyword} ${i.args}`).not.to.match(/\bnpm\b|\bnpx\b|corepack|node_modules\/\.bin|\/usr\/local\/lib\/node_modules/);
    expect(runtime.filter((i) => i.keyword === 'COPY').map((i) => i.args)).to.include('--from=build /app/node_modules ./node_modules');
  });

  it('runs as a user other than root, who owns /var/lib/factorgate, a VOLUME', () => {
    const user = runtime.filter((i) => i.keyword === 'USER').at(-1)!.args;
    expect(user).to.match(/^[1-9]\d*:[1-9]\d*$/);
    const setup = runtime.filter((i) => i.keyword === 'RUN').map((i) => i.args).join(' ');
    const uid = /useradd [^&]*--uid (\d+)[^&]* factorgate/.exec(setup)?.[1];
    expect(`${uid}:${/groupadd [^&]*--gid (\d+) factorgate/.exec(setup)?.[1]}`).to.equal(user);
    expect(setup).to.match(/install -d -o factorgate -g factorgate -m 0700 \/var\/lib\/factorgate/);
    expect(runtime.find((i) => i.keyword === 'VOLUME')?.args).to.equal('/var/lib/factorgate');
    // The directory exists before the VOLUME line: a later change to it would be thrown away.
    expect(runtime.findIndex((i) => i.keyword === 'RUN' && i.args.includes('/var/lib/factorgate'))).to.be.lessThan(runtime.findIndex((i) => i.keyword === 'VOLUME'));
  });

  it('carries the OCI labels, its version that of package.json', () => {
    const labels = runtime.filter((i) => i.keyword === 'LABEL').map((i) => i.args).join(' ');
    for (const key of ['title', 'description', 'version', 'licenses', 'base.name']) expect(labels).to.include(`org.opencontainers.image.${key}=`);
    expect(args.get('VERSION')).to.equal(pkg.version);
  });

  it('keeps /metrics on a port of its own and checks its health', () => {
    expect(runtime.find((i) => i.keyword === 'EXPOSE')?.args).to.equal('8080 9464');
    expect(runtime.some((i) => i.keyword === 'HEALTHCHECK' && i.args.includes('/healthz'))).to.equal(true);
  });

  it('has a .dockerignore that lets in only what the build copies', () => {
    const ignore = readFileSync('.dockerignore', 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).to.equal('*');
    const allowed = ignore.slice(1).map((l) => l.replace(/^!/, '').replace(/\/$/, ''));
    const copied = all.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect([...new Set(copied)].sort()).to.deep.equal([...allowed].sort());
  });
});
