/**
 * The pages' static site: a private S3 bucket served only through CloudFront
 * with origin access control (OAC), HTTPS only, with the managed CORS +
 * security-headers policy (shops' product pages load the widget and its
 * config.json from here), and access logs for both. The API's CORS allows this
 * site's origin (ServiceStack), and the service stack publishes the built
 * pages with the API's URL in config.json (constructs/site-content.ts): the
 * site must exist before the API that names it, and the content needs the API.
 */
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { isDisposable, type AppConfig } from './app-config.ts';

export interface SiteStackProps extends StackProps {
  readonly config: AppConfig;
}

export class SiteStack extends Stack {
  readonly bucket: s3.Bucket;
  /**
   * The site bucket's physical name as a plain string (account and region
   * make it globally unique). The service stack publishes into it by name, not
   * by an exported token, so its IAM names the bucket literally.
   */
  readonly bucketName: string;
  readonly logs: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<distribution>.cloudfront.net`: the origin the API's CORS allows. */
  readonly origin: string;

  constructor(scope: Construct, id: string, props: SiteStackProps) {
    super(scope, id, props);
    const disposable = isDisposable(props.config);
    const removal = disposable ? { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true } : { removalPolicy: RemovalPolicy.RETAIN };

    this.logs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are delivered with an ACL; the bucket owner still owns every object.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      ...removal,
    });

    this.bucketName = `subscriptions-${props.config.stage}-pages-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
    this.bucket = new s3.Bucket(this, 'Pages', {
      bucketName: this.bucketName,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: !disposable,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 'bucket/',
      ...removal,
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Subscriptions (${props.config.stage}) pages`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        // Shops' product pages fetch config.json across origins (the widget); HSTS, nosniff, frame and referrer headers for all.
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.CORS_ALLOW_ALL_ORIGINS_AND_SECURITY_HEADERS,
        compress: true,
      },
      // S3 answers 403 for a missing key behind OAC: a person gets the start page with a 404 status.
      errorResponses: [{ httpStatus: 403, responseHttpStatus: 404, responsePagePath: '/index.html', ttl: Duration.minutes(1) }],
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: this.logs,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Buyers of a Korean shop also order from abroad (gifts, travel); the pages hold no data of their own, and the API behind them checks every request, so no country is blocked here.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason: 'The site serves static public files only (no forms post to it); the API has its own stage throttling. A WAF web ACL for CloudFront must live in us-east-1 and is left to the deployment that adds a custom domain.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason: "With CloudFront's default *.cloudfront.net certificate the security policy is fixed at TLSv1; a TLS 1.2 minimum needs a custom domain with its own ACM certificate, which a deployment adds with its domain.",
    });

    this.origin = `https://${this.distribution.distributionDomainName}`;
    new CfnOutput(this, 'PagesUrl', { value: `${this.origin}/`, description: 'The pages: storefront order form, my subscriptions, merchant and platform consoles; widget.js for shops' });
  }
}
