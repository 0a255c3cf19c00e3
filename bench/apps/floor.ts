/**
 * App 1, the floor: load aws-cdk-lib and synthesize one empty stack. Whatever any CDK app costs
 * before it creates a single resource.
 */
import { App, Stack } from 'aws-cdk-lib';

const app = new App();
new Stack(app, 'Empty');
app.synth();
