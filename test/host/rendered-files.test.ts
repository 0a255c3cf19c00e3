/*
 * The rendered host files pass the real tools: shellcheck for scripts, `nginx -t` for the nginx
 * site, `systemd-analyze verify` for units and drop-ins.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { allHosts, haveTool, tempDir, writeExecutable } from './host-test-helpers';
import { HostRole } from '../../src/host/host-role';
import { RenderedFile } from '../../src/host/private/artifacts';
import { renderNginxConfig } from '../../src/host/private/nginx';

const hosts = allHosts();
const scripts = hosts.flatMap((h) =>
  h.files
    .filter((f) => f.mode === '000755')
    .map((f) => ({ name: `${h.mode}/${h.role}: ${path.basename(f.path)}`, f })),
);

describe('shell scripts', () => {
  const shellcheck = haveTool('shellcheck', 'shellcheck');

  test.each(scripts.map((s) => [s.name, s.f] as const))('%s passes shellcheck', (_name, file) => {
    if (!shellcheck) return;
    const result = spawnSync('shellcheck', ['--shell=bash', '--severity=style', '-'], {
      input: file.content,
      encoding: 'utf8',
    });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test.each(scripts.map((s) => [s.name, s.f] as const))('%s is strict bash', (_name, file) => {
    expect(file.content.startsWith('#!/bin/bash\n')).toBe(true);
    expect(file.content).toMatch(/^set -euo pipefail$/m);
    expect(file.content).not.toMatch(/\$\{Token\[/);
  });
});

describe('nginx site', () => {
  const nginx = haveTool('nginx', 'nginx-light') && haveTool('openssl', 'openssl');

  test.each([['containers'], ['from-source']] as const)('%s config passes nginx -t', (kind) => {
    if (!nginx) return;
    const dir = tempDir('nginx');
    const crt = path.join(dir, 'test.crt');
    const key = path.join(dir, 'test.key');
    const openssl = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=test',
        '-keyout',
        key,
        '-out',
        crt,
      ],
      { encoding: 'utf8' },
    );
    expect(openssl.status).toBe(0);
    const site = path.join(dir, 'mastodon.conf');
    fs.writeFileSync(
      site,
      renderNginxConfig({ kind, liveDirectory: '/home/mastodon/live', certificatePath: crt, keyPath: key }),
    );
    // The rendered file is an http-context snippet for conf.d/; wrap it like the distribution's nginx.conf.
    const main = path.join(dir, 'nginx.conf');
    const mime = fs.existsSync('/etc/nginx/mime.types') ? 'include /etc/nginx/mime.types;' : '';
    fs.writeFileSync(
      main,
      `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  ${mime}\n  access_log off;\n  client_body_temp_path ${dir}/body;\n  proxy_temp_path ${dir}/proxy;\n  include ${site};\n}\n`,
    );
    const result = spawnSync('nginx', ['-t', '-p', dir, '-c', main, '-g', `error_log ${dir}/error.log;`], {
      encoding: 'utf8',
    });
    expect(result.stderr).toMatch(/test is successful/);
    expect(result.status).toBe(0);
  });
});

/**
 * Runs `systemd-analyze verify` on rendered units in a scratch unit path and returns its complaints.
 * Binaries the units call are replaced by stand-ins (this machine has no docker or Mastodon), and
 * from-source drop-ins are merged with a stand-in of the dist/ unit the AMI provides.
 */
function verifyUnits(files: RenderedFile[]): string[] {
  const dir = tempDir('units');
  const unitDir = path.join(dir, 'system');
  const bin = path.join(dir, 'bin');
  const docker = path.join(bin, 'docker');
  for (const stub of ['docker', 'mastodon-migrate', 'mastodon-watchdog', 'bundle']) {
    writeExecutable(path.join(bin, stub), '#!/bin/sh\nexit 0\n');
  }
  const units: string[] = [];
  for (const f of files.filter((x) => x.path.startsWith('/etc/systemd/system/'))) {
    const content = f.content
      .split('/usr/bin/docker')
      .join(docker)
      .split('/usr/local/sbin/')
      .join(`${bin}/`)
      .split('/home/mastodon/.rbenv/shims/')
      .join(`${bin}/`);
    const target = path.join(unitDir, f.path.slice('/etc/systemd/system/'.length));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
    if (!f.path.includes('.d/')) units.push(target);
  }
  for (const dropInDir of fs.existsSync(unitDir)
    ? fs.readdirSync(unitDir).filter((d) => d.endsWith('.d'))
    : []) {
    const unit = dropInDir.slice(0, -2);
    const base = path.join(unitDir, unit);
    if (!fs.existsSync(base)) {
      fs.writeFileSync(
        base,
        `[Unit]\nDescription=${unit} stand-in\n[Service]\nType=simple\nWorkingDirectory=${dir}\nExecStart=${bin}/bundle exec puma\nRestart=always\n[Install]\nWantedBy=multi-user.target\n`,
      );
      units.push(base);
    }
  }
  fs.writeFileSync(
    path.join(unitDir, 'docker.service'),
    `[Unit]\nDescription=stand-in\n[Service]\nExecStart=${docker}\n`,
  );
  const result = spawnSync('systemd-analyze', ['verify', '--man=no', '--recursive-errors=no', ...units], {
    encoding: 'utf8',
    env: { ...process.env, SYSTEMD_UNIT_PATH: `${unitDir}:` },
  });
  // verify exits 0 on many findings and only prints them, so every line of output counts.
  return (result.stderr + result.stdout)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .concat(result.status === 0 ? [] : [`systemd-analyze exited ${result.status}`]);
}

describe('systemd units', () => {
  const analyze = haveTool('systemd-analyze', 'systemd');

  test.each(hosts.map((h) => [`${h.mode}/${h.role}`, h] as const))(
    '%s units pass systemd-analyze verify',
    (_n, host) => {
      if (!analyze) return;
      expect(verifyUnits(host.files)).toEqual([]);
    },
  );

  test('the verify harness reports a broken unit and a broken drop-in', () => {
    if (!analyze) return;
    const broken = {
      path: '/etc/systemd/system/broken.service',
      content:
        '[Unit]\nDescription=broken\n[Service]\nExecStart=/usr/local/sbin/mastodon-watchdog\nRestart=sometimes\nNoSuchKey=1\n',
      mode: '000644',
    };
    const brokenDropIn = {
      path: '/etc/systemd/system/mastodon-sidekiq.service.d/50-cdk-mastodon.conf',
      content: '[Service]\nDropInBogus=1\n',
      mode: '000644',
    };
    const complaints = verifyUnits([broken, brokenDropIn]);
    expect(complaints.join('\n')).toMatch(/restart specifier/);
    expect(complaints.join('\n')).toMatch(/DropInBogus/);
    expect(complaints.join('\n')).toMatch(/NoSuchKey/);
  });

  test('each sidekiq drop-in replaces ExecStart instead of adding a second one', () => {
    for (const host of hosts.filter((h) => h.mode === 'from-source')) {
      const dropIn = host.files.find((f) => f.path.includes('mastodon-sidekiq.service.d/'))!;
      expect(dropIn.content).toMatch(
        /^ExecStart=$\n^ExecStart=\/home\/mastodon\/.rbenv\/shims\/bundle exec sidekiq -c 15 /m,
      );
    }
  });

  test('web hosts render nginx, the scheduler does not', () => {
    for (const host of hosts) {
      const hasNginx = host.files.some((f) => f.path === '/etc/nginx/conf.d/mastodon.conf');
      expect(hasNginx).toBe(host.role === HostRole.WEB);
    }
  });
});
