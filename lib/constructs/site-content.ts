/**
 * Publishes the built pages to the site bucket, with the API's URL in
 * config.json. Two deployments of the one build: the content-hashed assets
 * first (cached for a year, never pruned, so a page still open keeps its
 * scripts), then the pages, the widget and config.json (revalidated on every
 * load), which invalidate the distribution. The local-only pages (the dev
 * console, the sandbox PG's window) are never published.
 *
 * The build runs at synth (local bundling: `npm run build:web -- <dir>`,
 * Vite, no Docker); `-c aws:cdk:bundling-stacks=[]` (the CDK tests) skips it.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DockerImage, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { Construct } from 'constructs';
import { HASHED_ASSETS_PREFIX, LOCAL_ONLY_FILES, SITE_CONFIG_FILE, type SiteConfig } from '../../system/site.ts';
import { REPO_ROOT } from './service-function.ts';

export interface SiteContentProps {
  readonly bucket: s3.IBucket;
  readonly distribution: cloudfront.IDistribution;
  /** The API's base URL, written to config.json for the pages and the widget. */
  readonly apiUrl: string;
}

/** The pages' build as an asset: Vite on this machine at synth time. */
function pagesAsset(): s3deploy.ISource {
  return s3deploy.Source.asset(path.join(REPO_ROOT, 'web'), {
    exclude: ['dist', 'node_modules'],
    bundling: {
      // Only used if local bundling failed to run; the local build is what runs.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24'),
      command: ['false'],
      local: {
        tryBundle(outputDir: string): boolean {
          const built = spawnSync('npm', ['run', '--silent', 'build:web', '--', outputDir], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
          if (built.status !== 0) throw new Error(`npm run build:web failed (exit ${built.status ?? built.signal})`);
          return true;
        },
      },
    },
  });
}

export class SiteContent extends Construct {
  constructor(scope: Construct, id: string, props: SiteContentProps) {
    super(scope, id);
    const source = pagesAsset();
    const assets = new s3deploy.BucketDeployment(this, 'Assets', {
      sources: [source],
      destinationBucket: props.bucket,
      exclude: ['*'],
      include: [`${HASHED_ASSETS_PREFIX}*`],
      prune: false,
      cacheControl: [s3deploy.CacheControl.fromString('public, max-age=31536000, immutable')],
      memoryLimit: 512,
    });
    const config: SiteConfig = { apiBase: props.apiUrl.replace(/\/$/, ''), local: false };
    const pages = new s3deploy.BucketDeployment(this, 'Pages', {
      sources: [source, s3deploy.Source.jsonData(SITE_CONFIG_FILE, config)],
      destinationBucket: props.bucket,
      exclude: [`${HASHED_ASSETS_PREFIX}*`, ...LOCAL_ONLY_FILES],
      cacheControl: [s3deploy.CacheControl.fromString('no-cache')],
      distribution: props.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
    pages.node.addDependency(assets);

    acknowledgeDeploymentHandler(this, props.bucket);
  }
}

/**
 * The CDK's own bucket-deployment handler (one singleton per stack, outside
 * this construct) runs only during `cdk deploy`; its findings are the CDK's
 * design, acknowledged on it with what each permission is for.
 */
function acknowledgeDeploymentHandler(scope: Construct, bucket: s3.IBucket): void {
  const stack = Stack.of(scope);
  const handler = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  const role = handler?.node.tryFindChild('ServiceRole');
  const policy = role?.node.tryFindChild('DefaultPolicy');
  if (!handler || !role || !policy) throw new Error('The CDK bucket-deployment handler was not found where expected; review its cdk-nag acknowledgements.');
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions-L1',
    reason: "The CDK's bucket-deployment handler pins its own Python runtime (it bundles the AWS CLI for the S3 sync); it runs only during cdk deploy, never on a request path.",
  });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: "The CDK's bucket-deployment handler writes its logs with the AWS-managed basic execution role; it holds no other managed policy.",
  });
  const siteObjects = flattenCfnReference(stack.resolve(`${bucket.bucketArn}/*`));
  const acknowledged: Array<[string, string]> = [
    ['Action::s3:GetBucket*', 'read the CDK asset bucket and the site bucket the deployment syncs between'],
    ['Action::s3:GetObject*', "read the pages' build from the CDK asset bucket"],
    ['Action::s3:List*', 'list both buckets, as aws s3 sync does to decide what to copy'],
    ['Action::s3:Abort*', 'abort a multipart upload it started in the site bucket'],
    ['Action::s3:DeleteObject*', 'remove pages that are no longer built (prune); the hashed assets are never pruned'],
    ['Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*', "the CDK bootstrap asset bucket's objects, where the build is staged"],
    [`Resource::${siteObjects}`, "the site bucket's objects, which are the pages themselves"],
    ['Resource::*', 'cloudfront:CreateInvalidation and GetInvalidation, which have no resource-level permissions here, to invalidate the pages after an update'],
  ];
  for (const [finding, what] of acknowledged) {
    Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: `The CDK's bucket-deployment handler (cdk deploy only) needs this to ${what}.` });
  }
}
