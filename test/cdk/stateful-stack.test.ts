import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { TABLE_INDEXES, TABLE_KEYS } from '../../system/table.ts';
import { sharedTestApp } from './cdk-app.ts';

describe('StatefulStack', () => {
  const dev = sharedTestApp({ stage: 'dev' });
  const prod = sharedTestApp({ stage: 'prod' });

  describe('table', () => {
    it('takes its keys and indexes from system/table.ts, all string attributes', () => {
      // Prepare
      const expectedAttributes = [
        TABLE_KEYS.partitionKey,
        TABLE_KEYS.sortKey,
        ...TABLE_INDEXES.flatMap((index) => [index.partitionKey, index.sortKey]),
      ];

      // Act
      const tables = dev.statefulTemplate.findResources('AWS::DynamoDB::GlobalTable');

      // Assess
      expect(Object.keys(tables)).toHaveLength(1);
      const table = Object.values(tables)[0]!.Properties;
      expect(table.KeySchema).toEqual([
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ]);
      expect(table.AttributeDefinitions).toEqual(
        expect.arrayContaining(expectedAttributes.map((name) => ({ AttributeName: name, AttributeType: 'S' }))),
      );
      expect(table.AttributeDefinitions).toHaveLength(new Set(expectedAttributes).size);
      expect(table.GlobalSecondaryIndexes).toEqual(
        TABLE_INDEXES.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: index.projection },
        })),
      );
    });

    it('is on-demand, with PITR, TTL on the shared attribute and AWS-managed encryption', () => {
      dev.statefulTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        TableName: 'subscriptions-dev',
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      });
      // AWS-managed key: no customer key is referenced.
      const table = Object.values(dev.statefulTemplate.findResources('AWS::DynamoDB::GlobalTable'))[0]!;
      expect(JSON.stringify(table.Properties.Replicas)).not.toContain('KMSMasterKeyId');
    });

    it('is protected and retained outside dev', () => {
      prod.statefulTemplate.hasResource('AWS::DynamoDB::GlobalTable', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          TableName: 'subscriptions-prod',
          Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
        }),
      });
    });

    it('is disposable in dev', () => {
      dev.statefulTemplate.hasResource('AWS::DynamoDB::GlobalTable', {
        DeletionPolicy: 'Delete',
        Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })] }),
      });
    });
  });

  describe('schedule group and dead-letter queue', () => {
    it('names the schedule group after the stage', () => {
      prod.statefulTemplate.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'subscriptions-prod' });
    });

    it('encrypts the DLQ, keeps messages 14 days and retains it outside dev', () => {
      prod.statefulTemplate.hasResource('AWS::SQS::Queue', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 }),
      });
    });

    it('denies non-TLS access and lets only the scheduler role send', () => {
      dev.statefulTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({
              Effect: 'Allow',
              Action: 'sqs:SendMessage',
              Condition: {
                ArnEquals: {
                  'aws:PrincipalArn': {
                    'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':role/Subscriptions-dev-scheduler$')])],
                  },
                },
              },
            }),
          ]),
        },
      });
    });
  });
});
