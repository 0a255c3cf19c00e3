import { awscdk, github, javascript } from 'projen';

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

  // Keep the dev/test tsconfig at the top level, next to package.json. projen now defaults to
  // test/tsconfig.json so that editors and eslint's "project service" find it as the nearest
  // tsconfig.json; with the top-level file eslint is pointed at it explicitly instead.
  tsconfigDevFile: 'tsconfig.dev.json',
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'example', 'integ', 'bench', 'projenrc'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },

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
    // Integration tests (integ/): the newest alpha, whose peer range (^2.245.0) admits 2.257.0.
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    '@aws-cdk/integ-runner@~2.197.10',
    // cdk-nag v3 (the aws-cdk-lib Validations API) in test/validators.
    'cdk-nag@^3.0.2',
    // Go: jsii-pacmak writes every module of the npm dependency closure into the generated go.mod
    // (as `// indirect`) at the version installed in node_modules. aws-cdk-lib accepts
    // @aws-cdk/cloud-assembly-schema ^53.25.0 and npm would pick the newest, but the Go module
    // proxy does not serve every version of its Go twin (cloud-assembly-schema-go v53.26.0 and
    // v53.28.0 are refused), and then `go mod tidy` in package:go, and any Go consumer, fail.
    // Pin it to a version whose Go module exists. (An npm `overrides` entry does not work here:
    // npm then files the module as bundled inside aws-cdk-lib and does not install it at all.)
    '@aws-cdk/cloud-assembly-schema@53.27.0',
  ],

  gitignore: ['cdk.out/', '.venv/', '*.snapshot.tmp/', 'integ/cdk-integ.out.*/'],
});

project.tsconfigDev.addInclude('.projenrc.ts');

// The README's main job: synthesize the example app (no AWS account needed) and summarize it.
project.addTask('example', {
  description: 'Synthesize the example MastodonSocial app into cdk.out/ and print a summary',
  steps: [
    { spawn: 'bundle' },
    { exec: 'ts-node --transpile-only --project tsconfig.dev.json example/main.ts' },
  ],
});
project.addTask('example:hosts', {
  description:
    'Print every file each host role runs (add -- --full for contents, -- --from-source for that mode)',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json example/hosts.ts',
  receiveArgs: true,
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

// ---------------------------------------------------------------------------------------------
// Integration tests (integ/, run by integ-runner; settings in integ.config.json) and the template
// validators (test/validators/, run by jest). See docs/integration-tests.md.
project.npmignore?.exclude('/integ/', '/integ.config.json', '/docs/', '/.venv/');
project.eslint?.addLintPattern('integ');
project.eslint?.allowDevDeps('integ/**');

const integ = project.addTask('integ', {
  description:
    'Verify every integration snapshot against a fresh synth (no AWS account needed; never deploys)',
  steps: [{ spawn: 'bundle' }, { exec: 'integ-runner' }],
});
project.addTask('integ:update', {
  description: 'Rewrite the integration snapshots from the current code without deploying; commit the result',
  steps: [{ spawn: 'bundle' }, { exec: 'integ-runner --update-on-failed --dry-run' }],
});
project.addTask('integ:deploy', {
  description:
    'Deploy every scenario for real, run its assertions and destroy it (needs AWS credentials; pass e.g. -- --parallel-regions eu-west-1)',
  steps: [{ spawn: 'bundle' }, { exec: 'integ-runner --update-on-failed --force', receiveArgs: true }],
});
project.addTask('validators:setup', {
  description: 'Install the pinned template scanners (cfn-lint, checkov) into .venv',
  steps: [
    { exec: 'python3 -m venv .venv' },
    { exec: '.venv/bin/pip install --quiet --disable-pip-version-check -r test/validators/requirements.txt' },
  ],
});
// The scanners the validator tests run, installed on first use so that `npx projen build` works on
// a clean clone (pip reaches PyPI); `validators:setup` reinstalls them.
const ensureValidators = project.addTask('validators:ensure', {
  description: 'Install the pinned template scanners into .venv unless they are there',
  condition: '! test -x .venv/bin/checkov || ! test -x .venv/bin/cfn-lint',
  steps: [{ spawn: 'validators:setup' }],
});
// Snapshots first: the validators then scan templates that equal a fresh synth.
project.testTask.prependSpawn(integ);
project.testTask.prependSpawn(ensureValidators);

// The real deploy: manual or weekly, with OIDC credentials. Skipped unless the repository has the
// INTEG_ROLE_ARN variable (and the other INTEG_* variables described in docs/integration-tests.md).
const integWorkflow = project.github?.addWorkflow('integ');
integWorkflow?.on({ workflowDispatch: {}, schedule: [{ cron: '0 5 * * 1' }] });
integWorkflow?.addJobs({
  deploy: {
    name: 'Deploy the integration scenarios',
    runsOn: ['ubuntu-latest'],
    if: "${{ vars.INTEG_ROLE_ARN != '' }}",
    permissions: {
      contents: github.workflows.JobPermission.READ,
      idToken: github.workflows.JobPermission.WRITE,
    },
    concurrency: { group: 'integ-deploy' },
    timeoutMinutes: 240,
    env: {
      CDK_MASTODON_INTEG_HOSTED_ZONE_ID: '${{ vars.INTEG_HOSTED_ZONE_ID }}',
      CDK_MASTODON_INTEG_ZONE_NAME: '${{ vars.INTEG_ZONE_NAME }}',
      CDK_MASTODON_INTEG_CERTIFICATE_ARN: '${{ vars.INTEG_CERTIFICATE_ARN }}',
    },
    steps: [
      { name: 'Checkout', uses: 'actions/checkout@v5' },
      { name: 'Setup Node.js', uses: 'actions/setup-node@v5', with: { 'node-version': '20.x' } },
      { name: 'Install dependencies', run: 'npm ci' },
      {
        name: 'AWS credentials (OIDC)',
        uses: 'aws-actions/configure-aws-credentials@v5',
        with: { 'role-to-assume': '${{ vars.INTEG_ROLE_ARN }}', 'aws-region': '${{ vars.INTEG_REGION }}' },
      },
      {
        name: 'Deploy, assert, destroy',
        run: 'npx projen integ:deploy -- --parallel-regions "${{ vars.INTEG_REGION }}"',
      },
    ],
  },
});

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
