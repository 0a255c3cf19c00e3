import { awscdk, javascript } from 'projen';

// Version pins, and why:
// - @aws-cdk/integ-runner 2.197.x (the newest) reads cloud-assembly schema up to 53. aws-cdk-lib
//   up to 2.257.x writes 53; 2.258+ writes 54/55, which integ-runner rejects.
// - cdk-nag v3 needs aws-cdk-lib >= 2.257.0.
// So 2.257.0 is both the floor we declare to consumers (peer dependency) and the dev version
// every test and snapshot runs against.
const CDK_VERSION = '2.257.0';
const CONSTRUCTS_VERSION = '10.5.1';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-mastodon',
  description:
    'AWS CDK constructs for a resilient, secure Mastodon server: Aurora Serverless v2, non-clustered ElastiCache Redis, S3 media, a single Sidekiq scheduler host, an auto-scaling web fleet and an ALB.',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'mastodon', 'fediverse', 'activitypub', 'sidekiq'],
  author: 'cdk-mastodon contributors',
  authorAddress: 'maintainers@cdk-mastodon.dev',
  repositoryUrl: 'https://github.com/cdk-mastodon/cdk-mastodon.git',
  homepage: 'https://github.com/cdk-mastodon/cdk-mastodon',
  license: 'Apache-2.0',
  stability: 'experimental',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  cdkVersion: CDK_VERSION,
  constructsVersion: CONSTRUCTS_VERSION,
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',
  minNodeVersion: '20.0.0',

  // Keep the dev/test tsconfig at the top level, next to package.json.
  tsconfigDevFile: 'tsconfig.dev.json',

  publishToPypi: {
    distName: 'cdk-mastodon',
    module: 'cdk_mastodon',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-mastodon/cdk-mastodon-go',
  },

  prettier: true,
  prettierOptions: {
    settings: { singleQuote: true, printWidth: 110, trailingComma: javascript.TrailingComma.ALL },
  },

  jestOptions: {
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
    },
  },

  gitignore: ['cdk.out/', '.venv/', '*.snapshot.tmp/'],
});

// Benchmarking and cost estimation (bench/): developer tools, not part of the package or the test
// task. See bench/README.md.
project.npmignore?.exclude('/bench/');
project.eslint?.addLintPattern('bench');
project.eslint?.allowDevDeps('bench/**');
project.addTask('bench', {
  description:
    'Synthesis benchmark: floor vs hand-written baseline vs MastodonSocial (writes bench/RESULTS.md)',
  steps: [
    {
      exec: 'ts-node --project tsconfig.dev.json --transpile-only bench/harness/run.ts',
      receiveArgs: true,
    },
  ],
});

project.addTask('cost', {
  description: 'Itemized monthly cost estimate of synthesized templates (default, small, seed)',
  steps: [
    {
      exec: 'ts-node --project tsconfig.dev.json --transpile-only bench/cost/cli.ts',
      receiveArgs: true,
    },
  ],
});

project.synth();
