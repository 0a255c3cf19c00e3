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

  // Lambda handlers (`*.lambda.ts`) are bundled by projen with esbuild; the AWS SDK v3 comes
  // with the Node.js runtime and stays external.
  lambdaAutoDiscover: true,
  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_22_X,
    bundlingOptions: { externals: ['@aws-sdk/*'] },
  },
  // Integration tests live in integ/ and run through integ-runner, not projen's older
  // `*.integ.ts` discovery.
  integrationTestAutoDiscover: false,

  devDeps: [
    '@aws-sdk/client-secrets-manager',
    '@types/aws-lambda',
    // Go: jsii-pacmak writes every module of the npm dependency closure into the generated go.mod
    // (as `// indirect`) at the version installed in node_modules. aws-cdk-lib accepts
    // @aws-cdk/cloud-assembly-schema ^53.25.0 and npm would pick the newest, but the Go module
    // proxy does not serve every version of its Go twin (cloud-assembly-schema-go v53.26.0 and
    // v53.28.0 are refused), and then `go mod tidy` in package:go, and any Go consumer, fail.
    // Pin it to a version whose Go module exists. (An npm `overrides` entry does not work here:
    // npm then files the module as bundled inside aws-cdk-lib and does not install it at all.)
    '@aws-cdk/cloud-assembly-schema@53.27.0',
  ],

  gitignore: ['cdk.out/', '.venv/', '*.snapshot.tmp/'],
});

// The README's main job: synthesize the example app (no AWS account needed) and summarize it.
project.addTask('example', {
  description: 'Synthesize the example MastodonSocial app into cdk.out/ and print a summary',
  steps: [{ spawn: 'bundle' }, { exec: 'ts-node --transpile-only --project tsconfig.dev.json example/main.ts' }],
});
project.npmignore?.exclude('/example/', '/cdk.out/', '/.ci/');

// Python: trove classifiers beyond the ones jsii-pacmak derives (language, typing, stability).
project.package.file.addOverride('jsii.targets.python.classifiers', [
  'Framework :: AWS CDK',
  'Framework :: AWS CDK :: 2',
  'Topic :: Communications',
  'Topic :: System :: Systems Administration',
]);

project.eslint?.addLintPattern('example');

// Consumer apps: the TypeScript, Python and Go apps in test/consumers install the packages that
// `package-all` builds into dist/ as their users would, synthesize the same deployment, and must
// produce the same template (see test/consumers/run.sh). The TypeScript consumer imports
// 'cdk-mastodon' from npm and has its own strict tsconfig, so the repository's lint and dev
// tsconfig leave it alone.
project.eslint?.addIgnorePattern('test/consumers/');
project.tsconfigDev.addExclude('test/consumers');
project.addTask('test:consumers', {
  description:
    'Install the packages in dist/ (run package-all first) into TypeScript, Python and Go apps, synthesize them and compare the templates',
  steps: [{ exec: 'bash test/consumers/run.sh' }],
});

project.synth();
