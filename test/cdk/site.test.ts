/**
 * The pages' static site (lib/site-stack.ts) and their publishing
 * (lib/constructs/site-content.ts): a private bucket that only CloudFront may
 * read, through origin access control; HTTPS only; logs; the API's CORS for
 * the site's origin (http-api.test.ts); and the published pages without the
 * local-only ones, with the API's URL in config.json.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { HASHED_ASSETS_PREFIX, LOCAL_ONLY_FILES, SITE_CONFIG_FILE } from '../../system/site.ts';
import { logicalId, sharedTestApp } from './cdk-app.ts';

const dev = sharedTestApp();
const site = dev.siteTemplate;
const service = dev.serviceTemplate;
const bucketId = logicalId(dev.site.bucket);
const distributionId = logicalId(dev.site.distribution);

describe('the static site', () => {
  it('keeps the pages in a private, encrypted bucket that refuses plain HTTP and logs its access', () => {
    site.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', ['subscriptions-dev-pages-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(dev.site.logs) }, LogFilePrefix: 'bucket/' },
    });
    site.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('lets only this distribution read it, through origin access control (no public read, no legacy OAI)', () => {
    site.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    site.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    const statements = Object.values(site.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucketId } } })).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const readers = statements.filter((statement) => statement.Effect === 'Allow' && JSON.stringify(statement.Action).includes('s3:GetObject'));
    expect(readers).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: { StringEquals: { 'AWS:SourceArn': expect.objectContaining({ 'Fn::Join': expect.arrayContaining([expect.arrayContaining([{ Ref: distributionId }])]) }) } },
      }),
    ]);
    // Nobody else is allowed in (the dev stage's only other Allow is the CDK's empty-on-delete role, which cannot read).
    expect(statements.filter((statement) => statement.Effect === 'Allow' && JSON.stringify(statement.Principal).includes('"*"'))).toEqual([]);
  });

  it('serves HTTPS only, with index.html at the root, CORS and security headers, and access logs', () => {
    site.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          Compress: true,
          // The managed CORS-with-preflight-and-security-headers policy: shops' pages read config.json across origins.
          ResponseHeadersPolicyId: 'e61eb60c-9c35-4d20-a928-2b84e02af89c',
        }),
        Origins: [Match.objectLike({ OriginAccessControlId: { 'Fn::GetAtt': [Match.stringLikeRegexp('OriginAccessControl'), 'Id'] } })],
        Logging: { Bucket: { 'Fn::GetAtt': [logicalId(dev.site.logs), 'RegionalDomainName'] }, Prefix: 'cloudfront/' },
      }),
    });
    site.hasOutput('PagesUrl', { Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/']] } });
  });

  it('keeps a production site and its logs when the stack goes, and empties a dev one', () => {
    const prod = sharedTestApp({ stage: 'prod' }).siteTemplate;
    prod.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ VersioningConfiguration: { Status: 'Enabled' } }) });
    prod.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    site.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
  });
});

describe("the pages' publishing (service stack)", () => {
  const deployments = Object.entries(service.findResources('Custom::CDKBucketDeployment'));
  const [pagesId, pages] = deployments.find(([, resource]) => resource.Properties.DistributionId !== undefined)!;
  const [assetsId, assets] = deployments.find(([, resource]) => resource.Properties.DistributionId === undefined)!;
  const siteBucket = { 'Fn::Join': ['', ['subscriptions-dev-pages-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]] };

  it('publishes the hashed assets first, never pruned (a page still open keeps its scripts), cached for a year', () => {
    expect(deployments).toHaveLength(2);
    expect(assets.Properties).toMatchObject({ DestinationBucketName: siteBucket, Prune: false, Exclude: ['*'], Include: [`${HASHED_ASSETS_PREFIX}*`], SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' } });
    expect(pages.DependsOn).toEqual(expect.arrayContaining([assetsId]));
  });

  it('then the pages, the widget and config.json with this API’s URL (revalidated), never the local-only pages, and invalidates the distribution', () => {
    expect(pages.Properties).toMatchObject({
      DestinationBucketName: siteBucket,
      Prune: true,
      Exclude: [`${HASHED_ASSETS_PREFIX}*`, ...LOCAL_ONLY_FILES],
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionId: { 'Fn::ImportValue': expect.stringMatching(/-Site:ExportsOutputRefDistribution/) },
      DistributionPaths: ['/*'],
    });
    // Two sources: the build, and config.json, whose markers are this stack's API.
    expect(pages.Properties.SourceObjectKeys).toHaveLength(2);
    expect(Object.values(pages.Properties.SourceMarkers[1])).toContainEqual({ Ref: logicalId(dev.service.api.api) });
    expect(SITE_CONFIG_FILE).toBe('config.json');
    expect(pagesId).toMatch(/^Pages/);
  });
});
