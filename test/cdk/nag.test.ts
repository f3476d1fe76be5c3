import { Validations, type App } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from './cdk-app.ts';

interface Finding {
  readonly rule: string;
  readonly path: string;
}

function findings(app: App, honourAcknowledgements: boolean): Finding[] {
  const pack = new AwsSolutionsChecks();
  if (!honourAcknowledgements) {
    // The raw findings, as if nothing were acknowledged (isAcknowledged is private to cdk-nag).
    Object.defineProperty(pack, 'isAcknowledged', { value: () => false });
  }
  return pack.validateScope(app).violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => ({ rule: violation.ruleName, path: resource.constructPath ?? '?' })),
  );
}

/**
 * Every cdk-nag `Validations.of(x).acknowledge(...)` in the app: where, which rule id, and why. (The CDK
 * acknowledges rules of its own validators on its constructs, e.g. aws-s3's CloudFormation-Validate ones
 * on a log bucket; those are not ours to justify.)
 */
function acknowledgements(app: App): Array<{ path: string; rule: string; reason: string }> {
  return app.node.findAll().flatMap((construct: IConstruct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          rule: id.replace(/^annotation::/i, ''),
          reason,
        })),
      )
      .filter((ack) => ack.rule.startsWith('AwsSolutions-')),
  );
}

describe.each(['dev', 'prod'])('cdk-nag AwsSolutions (stage %s)', (stage) => {
  const { app } = buildTestApp({ stage });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  it('synthesizes with the nag plugin and no unacknowledged error or warning', () => {
    expect(() => app.synth()).not.toThrow();
    expect(findings(app, true)).toEqual([]);
  });

  it('acknowledges nothing that is not actually found, each with a specific reason', () => {
    app.synth();
    const raw = findings(app, false);
    const acks = acknowledgements(app);

    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      const matched = raw.filter((finding) => finding.rule === ack.rule && (finding.path === ack.path || finding.path.startsWith(`${ack.path}/`)));
      expect(matched, `${ack.rule} at ${ack.path} matches no finding`).not.toEqual([]);
      expect(ack.reason.length, `${ack.rule} at ${ack.path} needs a real reason`).toBeGreaterThan(60);
    }
    // Acknowledged at the resource (or its L2 wrapper), never at a stack or the app.
    for (const ack of acks) expect(ack.path.split('/').length, ack.path).toBeGreaterThanOrEqual(2);
  });
});

describe('cdk-nag gate', () => {
  it('fails the synth on a finding nobody acknowledged', () => {
    const { app, stateful } = buildTestApp();
    new sqs.Queue(stateful, 'UnreviewedQueue', { enforceSSL: true });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });
});
