/*
 * Table tests over both install modes x both roles x every known release line.
 */
import { MODES, hostProps } from './host-test-helpers';
import { HostRole } from '../../src/host/host-role';
import { InstallMode } from '../../src/host/install-mode';
import { RenderedFile, renderHostArtifacts } from '../../src/host/private/artifacts';
import { MastodonVersion } from '../../src/mastodon/mastodon-version';

const VERSIONS = [MastodonVersion.V4_3, MastodonVersion.V4_4, MastodonVersion.V4_5];

/** The Sidekiq invocation of a host: concurrency, queues and the DB_POOL of that process. */
function sidekiqOf(files: RenderedFile[]): { concurrency: number; queues: string[]; dbPool: number } {
  const unit = files.find((f) => /mastodon-sidekiq\.service(\.d\/.*)?$/.test(f.path));
  if (!unit) throw new Error('no sidekiq unit');
  const text = unit.content.replace(/ \\\n\s*/g, ' ');
  const match = /bundle exec sidekiq -c (\d+)((?: -q [a-z_]+,\d+)+)\s*$/m.exec(text);
  if (!match) throw new Error(`no sidekiq command line in ${unit.path}`);
  const pool = /(?:--env |Environment=)DB_POOL=(\d+)/.exec(text);
  return {
    concurrency: Number(match[1]),
    queues: [...match[2].matchAll(/-q ([a-z_]+),\d+/g)].map((m) => m[1]),
    dbPool: Number(pool?.[1]),
  };
}

const TABLE = VERSIONS.flatMap((version) =>
  MODES.map(([mode, installMode]) => [version.version, mode, version, installMode] as const),
);

describe.each(TABLE)('Mastodon %s, %s', (_v, _m, version, installMode) => {
  const web = renderHostArtifacts(hostProps(HostRole.WEB, installMode, version));
  const scheduler = renderHostArtifacts(hostProps(HostRole.SCHEDULER, installMode, version));

  test('web and scheduler hosts together serve every queue of the version', () => {
    const union = new Set([...sidekiqOf(web).queues, ...sidekiqOf(scheduler).queues]);
    expect([...union].sort()).toEqual([...version.sidekiqQueueNames].sort());
  });

  test('scheduler runs only on the scheduler host', () => {
    expect(sidekiqOf(web).queues).not.toContain('scheduler');
    expect(sidekiqOf(scheduler).queues).toContain('scheduler');
  });

  test('weights are passed with every queue', () => {
    const unit = scheduler.find((f) => f.path.includes('mastodon-sidekiq'))!;
    for (const q of version.sidekiqQueues()) {
      expect(unit.content).toContain(`-q ${q.name},${q.weight}`);
    }
  });

  test('migrations run only on the scheduler host', () => {
    const all = (files: RenderedFile[]) => files.map((f) => f.content).join('\n');
    expect(all(web)).not.toMatch(/db:migrate|db:prepare/);
    expect(all(scheduler)).toMatch(/db:prepare/);
    expect(all(scheduler)).toMatch(/SKIP_POST_DEPLOYMENT_MIGRATIONS=true/);
  });

  test('DB_POOL of every Sidekiq process covers its concurrency', () => {
    for (const files of [web, scheduler]) {
      const s = sidekiqOf(files);
      expect(s.concurrency).toBe(15);
      expect(s.dbPool).toBeGreaterThanOrEqual(s.concurrency);
    }
  });
});

describe('containers', () => {
  const web = renderHostArtifacts(hostProps(HostRole.WEB, InstallMode.containers()));
  const unit = (name: string) => web.find((f) => f.path === `/etc/systemd/system/${name}`)!.content;

  test('web and streaming publish on 127.0.0.1 only, with the official images of the version', () => {
    expect(unit('mastodon-web.service')).toContain('--publish 127.0.0.1:3000:3000');
    expect(unit('mastodon-web.service')).toContain('ghcr.io/mastodon/mastodon:v4.5.11 bundle exec puma');
    expect(unit('mastodon-streaming.service')).toContain('--publish 127.0.0.1:4000:4000');
    expect(unit('mastodon-streaming.service')).toContain('ghcr.io/mastodon/mastodon-streaming:v4.5.11');
    expect(unit('mastodon-sidekiq.service')).not.toContain('--publish');
    for (const f of web.filter((x) => x.path.endsWith('.service'))) {
      expect(f.content).not.toMatch(/--publish (?!127\.0\.0\.1:)/);
    }
  });

  test('every container reads the one env file and logs to CloudWatch Logs', () => {
    for (const name of ['mastodon-web.service', 'mastodon-streaming.service', 'mastodon-sidekiq.service']) {
      expect(unit(name)).toContain('--env-file /etc/mastodon/env.production');
      expect(unit(name)).toContain('--log-driver awslogs');
      expect(unit(name)).toMatch(/^Restart=always$/m);
    }
  });

  test('Puma serves the static files nginx cannot see; DB_POOL covers its threads', () => {
    expect(unit('mastodon-web.service')).toContain('--env RAILS_SERVE_STATIC_FILES=true');
    expect(unit('mastodon-web.service')).toContain('--env MAX_THREADS=5');
    expect(unit('mastodon-web.service')).toContain('--env DB_POOL=5');
    expect(unit('mastodon-streaming.service')).toContain('--env DB_POOL=10');
  });

  test('nginx proxies everything to Puma', () => {
    const nginx = web.find((f) => f.path === '/etc/nginx/conf.d/mastodon.conf')!.content;
    expect(nginx).not.toMatch(/^\s*root /m);
    expect(nginx).not.toContain('try_files');
  });
});

describe('from source', () => {
  const web = renderHostArtifacts(
    hostProps(HostRole.WEB, InstallMode.fromSource({ liveDirectory: '/srv/mastodon/live' })),
  );

  test('writes drop-ins for the AMI units, not units of its own', () => {
    const units = web.filter(
      (f) => f.path.startsWith('/etc/systemd/system/mastodon-') && !f.path.includes('watchdog'),
    );
    expect(units.map((f) => f.path).sort()).toEqual([
      '/etc/systemd/system/mastodon-sidekiq.service.d/50-cdk-mastodon.conf',
      '/etc/systemd/system/mastodon-streaming.service.d/50-cdk-mastodon.conf',
      '/etc/systemd/system/mastodon-web.service.d/50-cdk-mastodon.conf',
    ]);
    for (const f of units) expect(f.content).toContain('EnvironmentFile=/etc/mastodon/env.production');
  });

  test('nginx serves public/ but asks Puma for /robots.txt and /health', () => {
    const nginx = web.find((f) => f.path === '/etc/nginx/conf.d/mastodon.conf')!.content;
    expect(nginx).toContain('root /srv/mastodon/live/public;');
    expect(nginx).toMatch(/location = \/robots\.txt \{[^}]*proxy_pass http:\/\/mastodon_puma;/);
    expect(nginx).toMatch(/location = \/health \{[^}]*proxy_pass http:\/\/mastodon_puma;/);
  });
});

describe('nginx', () => {
  const nginx = renderHostArtifacts(hostProps(HostRole.WEB, InstallMode.containers())).find((f) =>
    f.path.endsWith('mastodon.conf'),
  )!.content;

  test('keeps the load balancer X-Forwarded-Proto and never sends $scheme', () => {
    expect(nginx).not.toMatch(/X-Forwarded-Proto \$scheme/);
    expect(nginx).toMatch(
      /map \$http_x_forwarded_proto \$mastodon_forwarded_proto \{\s*default \$http_x_forwarded_proto;/,
    );
    expect(nginx).toContain('proxy_set_header X-Forwarded-Proto $mastodon_forwarded_proto;');
  });

  test('routes /api/v1/streaming, bare and below, to streaming with WebSocket upgrade', () => {
    const block = /location \^~ \/api\/v1\/streaming \{([^}]*)\}/.exec(nginx)![1];
    expect(block).toContain('proxy_pass http://mastodon_streaming;');
    expect(block).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(block).toContain('proxy_set_header Connection $mastodon_connection_upgrade;');
    expect(block).toContain('proxy_read_timeout 1h;');
  });

  test('listens on 443 with TLS and HTTP/2, accepts ~100 MB uploads', () => {
    expect(nginx).toContain('listen 443 ssl http2 default_server;');
    expect(nginx).toContain('client_max_body_size 110m;');
  });
});

describe('validation', () => {
  const v = MastodonVersion.V4_5;
  test.each([
    [
      'a web host with the scheduler queue',
      { role: HostRole.WEB, sidekiqQueues: v.sidekiqQueues() },
      /exactly one Sidekiq process/,
    ],
    [
      'a scheduler host without it',
      { role: HostRole.SCHEDULER, sidekiqQueues: v.sidekiqQueuesWithoutScheduler() },
      /lacks 'scheduler'/,
    ],
    ['an unknown queue', { sidekiqQueues: [{ name: 'defualt', weight: 1 }] }, /does not have/],
    [
      'fasp on 4.3',
      { mastodonVersion: MastodonVersion.V4_3, sidekiqQueues: [{ name: 'fasp', weight: 1 }] },
      /4\.3\.1 does not have/,
    ],
    [
      'a queue twice',
      {
        sidekiqQueues: [
          { name: 'default', weight: 8 },
          { name: 'default', weight: 8 },
        ],
      },
      /twice/,
    ],
    ['zero concurrency', { sidekiqConcurrency: 0 }, /sidekiqConcurrency/],
    ['a web host without web settings', { web: undefined }, /web settings/],
  ])('refuses %s', (_what, override, message) => {
    const props = { ...hostProps(HostRole.WEB, InstallMode.containers()), ...override };
    expect(() => renderHostArtifacts(props)).toThrow(message);
  });
});

describe('InstallMode', () => {
  test('from source defaults to the layout of the installing-from-source guide', () => {
    const mode = InstallMode.fromSource();
    expect(mode.kind).toBe('from-source');
    expect(mode.liveDirectory).toBe('/home/mastodon/live');
    expect(mode.user).toBe('mastodon');
    expect(mode.rubyShimsDirectory).toBe('/home/mastodon/.rbenv/shims');
    expect(InstallMode.containers().kind).toBe('containers');
    expect(InstallMode.containers().liveDirectory).toBeUndefined();
  });

  test.each([
    [{ liveDirectory: 'relative/live' }, /liveDirectory/],
    [{ liveDirectory: '/home/mastodon/my live' }, /liveDirectory/],
    [{ rubyShimsDirectory: '/x/../y' }, /rubyShimsDirectory/],
    [{ user: 'Mastodon User' }, /user/],
  ])('refuses %j', (options, message) => {
    expect(() => InstallMode.fromSource(options)).toThrow(message);
  });
});

describe('database TLS per process', () => {
  const version = MastodonVersion.latest();
  test.each([InstallMode.containers(), InstallMode.fromSource()])(
    '%s: Rails and Sidekiq require TLS; streaming encrypts without verifying (node-postgres lacks the RDS CA)',
    (mode) => {
      const files = renderHostArtifacts({
        role: HostRole.WEB,
        installMode: mode,
        mastodonVersion: version,
        sidekiqQueues: version.sidekiqQueuesWithoutScheduler(),
        sidekiqConcurrency: 10,
        web: { webConcurrency: 2, maxThreads: 5, streamingDbPool: 10 },
        webDomain: 'social.example.com',
      });
      const unit = (name: string) =>
        files
          .filter((f) => f.path.includes(name))
          .map((f) => f.content)
          .join('\n');
      expect(unit('mastodon-web')).toMatch(/DB_SSLMODE=require/);
      expect(unit('mastodon-sidekiq')).toMatch(/DB_SSLMODE=require/);
      expect(unit('mastodon-streaming')).toMatch(/DB_SSLMODE=no-verify/);
      expect(unit('mastodon-streaming')).not.toMatch(/DB_SSLMODE=require/);
      // /robots.txt is proxied to Puma, which answers it only when it serves static files.
      expect(unit('mastodon-web')).toMatch(/RAILS_SERVE_STATIC_FILES=true/);
      expect(unit('mastodon.conf')).toContain('proxy_set_header Host social.example.com;');
    },
  );
});
