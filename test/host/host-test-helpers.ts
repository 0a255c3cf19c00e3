import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HostRole } from '../../src/host/host-role';
import { InstallMode } from '../../src/host/install-mode';
import { HostArtifactsProps, RenderedFile, renderHostArtifacts } from '../../src/host/private/artifacts';
import { MastodonVersion } from '../../src/mastodon/mastodon-version';

/**
 * Whether an external tool is installed. In CI (`CI` set) a missing tool fails the test run;
 * elsewhere the caller skips with a message saying what to install.
 */
export function haveTool(tool: string, aptPackage: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status === 0;
  if (!found) {
    const message = `${tool} is not installed (apt-get install -y ${aptPackage})`;
    if (process.env.CI) {
      throw new Error(`${message}: CI must run this test`);
    }
    // eslint-disable-next-line no-console
    console.warn(`skipping: ${message}`);
  }
  return found;
}

export const MODES: ReadonlyArray<[string, InstallMode]> = [
  ['containers', InstallMode.containers()],
  ['from-source', InstallMode.fromSource()],
];
export const ROLES: ReadonlyArray<HostRole> = [HostRole.WEB, HostRole.SCHEDULER];

export function hostProps(
  role: HostRole,
  installMode: InstallMode,
  version = MastodonVersion.V4_5,
): HostArtifactsProps {
  return {
    role,
    installMode,
    mastodonVersion: version,
    sidekiqQueues: role === HostRole.WEB ? version.sidekiqQueuesWithoutScheduler() : version.sidekiqQueues(),
    sidekiqConcurrency: 15,
    web: role === HostRole.WEB ? { webConcurrency: 2, maxThreads: 5, streamingDbPool: 10 } : undefined,
  };
}

/** Every (mode, role) combination with its rendered files. */
export function allHosts(): Array<{ mode: string; role: HostRole; files: RenderedFile[] }> {
  const hosts = [];
  for (const [mode, installMode] of MODES) {
    for (const role of ROLES) {
      hosts.push({ mode, role, files: renderHostArtifacts(hostProps(role, installMode)) });
    }
  }
  return hosts;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cdk-mastodon-${prefix}-`));
}

/** Writes an executable stub. */
export function writeExecutable(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, { mode: 0o755 });
}

export function fileNamed(files: RenderedFile[], suffix: string): RenderedFile {
  const f = files.find((x) => x.path.endsWith(suffix));
  if (!f) throw new Error(`no rendered file ends with ${suffix}: ${files.map((x) => x.path).join(', ')}`);
  return f;
}
