import * as fs from 'fs';
import * as path from 'path';
import { buildExampleApp } from './app';
import { summarizeTemplate } from './summary';

const outdir = path.join(__dirname, '..', 'cdk.out');
const started = Date.now();
const { app, stack } = buildExampleApp(outdir);
const assembly = app.synth();
const artifact = assembly.getStackByName(stack.stackName);
const template = JSON.parse(fs.readFileSync(artifact.templateFullPath, 'utf-8'));
process.stdout.write(
  summarizeTemplate(stack.stackName, path.relative(process.cwd(), artifact.templateFullPath), template),
);
process.stdout.write(`\nsynthesized in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
