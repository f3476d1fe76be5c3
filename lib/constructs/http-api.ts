/**
 * The HTTP API: one route per HTTP function in system/functions.ts, each a
 * Lambda proxy (payload 2.0). Routes whose `auth` is a role carry the JWT
 * authorizer; the handler then checks the role claim. Public routes have none.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { scopeFor } from '../../system/auth.ts';
import type { FunctionName, HttpFunction, Role } from '../../system/functions.ts';

export interface ApiRoute {
  readonly name: FunctionName;
  readonly definition: HttpFunction;
  readonly handler: lambda.IFunction;
}

export interface HttpApiProps {
  readonly apiName: string;
  readonly routes: readonly ApiRoute[];
  readonly jwtIssuer: string;
  readonly jwtAudience: readonly string[];
  /** Empty: no CORS configuration (same-origin or server-to-server callers only). */
  readonly corsOrigins: readonly string[];
  readonly rateLimit: number;
  readonly burstLimit: number;
  /** Per-route throttling of each public route (lower than the stage's, which every authenticated route gets). */
  readonly publicRateLimit: number;
  readonly publicBurstLimit: number;
  readonly logRemovalPolicy: RemovalPolicy;
}

/** Access-log fields available to HTTP APIs, one JSON object per request. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  principal: '$context.authorizer.claims.sub',
} as const;

export class HttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly authorizer: HttpJwtAuthorizer;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);

    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: props.apiName,
      // The stage is created below so it can carry throttling and access logs.
      createDefaultStage: false,
      corsPreflight:
        props.corsOrigins.length === 0
          ? undefined
          : {
              allowOrigins: [...props.corsOrigins],
              allowMethods: [
                apigw.CorsHttpMethod.GET,
                apigw.CorsHttpMethod.POST,
                apigw.CorsHttpMethod.PUT,
                apigw.CorsHttpMethod.PATCH,
                apigw.CorsHttpMethod.DELETE,
                apigw.CorsHttpMethod.OPTIONS,
              ],
              allowHeaders: ['authorization', 'content-type'],
              maxAge: Duration.hours(1),
            },
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    this.authorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, {
      jwtAudience: [...props.jwtAudience],
      identitySource: ['$request.header.Authorization'],
    });

    const publicRouteSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const { name, definition, handler } of props.routes) {
      const isPublic = definition.auth === 'public';
      const route = new apigw.HttpRoute(this, `${name}Route`, {
        httpApi: this.api,
        routeKey: apigw.HttpRouteKey.with(definition.path, apigw.HttpMethod[definition.method]),
        integration: new HttpLambdaIntegration(`${name}Integration`, handler, {
          payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
        }),
        authorizer: isPublic ? undefined : this.authorizer,
        // One scope per role (system/auth.ts): ID tokens carry no scope, so only access tokens get through.
        authorizationScopes: isPublic ? undefined : [scopeFor(definition.auth as Role)],
      });
      if (isPublic) publicRouteSettings[`${definition.method} ${definition.path}`] = { ThrottlingRateLimit: props.publicRateLimit, ThrottlingBurstLimit: props.publicBurstLimit };
      if (isPublic) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${definition.method} ${definition.path} is public by contract (auth: 'public' in system/functions.ts, like the liveness check and product purchase options shown before sign-in); its handler reads no principal and exposes no tenant data.`,
        });
      }
    }

    // The L2 stage sets the default route settings only; per-route limits are the CfnStage's RouteSettings.
    if (Object.keys(publicRouteSettings).length > 0) (this.stage.node.defaultChild as apigw.CfnStage).addPropertyOverride('RouteSettings', publicRouteSettings);
  }

  /** The invoke URL of the default stage (ends with `/`). */
  get url(): string {
    return this.stage.url;
  }
}
