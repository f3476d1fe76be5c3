import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { httpFunctions } from '../../system/functions.ts';
import { TEST_CONTEXT, sharedTestApp, logicalId } from './cdk-app.ts';

/** The site's CloudFront domain, imported from the site stack (lib/site-stack.ts). */
const siteOrigin = { 'Fn::Join': ['', ['https://', Match.objectLike({ 'Fn::ImportValue': Match.stringLikeRegexp('-Site:ExportsOutputFnGetAttDistribution.*DomainName') })]] };

describe('HTTP API', () => {
  const { service, serviceTemplate: template } = sharedTestApp();
  const routes = template.findResources('AWS::ApiGatewayV2::Route');
  const routeByKey = new Map(Object.values(routes).map((route) => [route.Properties.RouteKey as string, route.Properties]));
  const authorizerId = logicalId(service.api.node.findChild('Api').node.findChild('JwtAuthorizer'));

  it('has exactly one route per HTTP function in system/functions.ts', () => {
    const expected = httpFunctions().map(([, fn]) => `${fn.method} ${fn.path}`).sort();

    expect([...routeByKey.keys()].sort()).toEqual(expected);
    expect(Object.keys(routes)).toHaveLength(expected.length);
  });

  it('integrates each route with its own function as a payload 2.0 Lambda proxy', () => {
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration');

    for (const [name, fn] of httpFunctions()) {
      const route = routeByKey.get(`${fn.method} ${fn.path}`)!;
      const integrationId = (route.Target['Fn::Join'][1] as unknown[])[1] as { Ref: string };
      const integration = integrations[integrationId.Ref]!.Properties;

      expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
      expect(integration.IntegrationUri).toEqual({ 'Fn::GetAtt': [logicalId(service.functions[name].function), 'Arn'] });
    }
  });

  it('validates JWTs from the configured issuer and audiences', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: TEST_CONTEXT.jwtIssuer, Audience: [...TEST_CONTEXT.jwtAudience] },
    });
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
  });

  it('puts the authorizer on every non-public route and none on public ones', () => {
    const publicRoutes = httpFunctions().filter(([, fn]) => fn.auth === 'public');
    const protectedRoutes = httpFunctions().filter(([, fn]) => fn.auth !== 'public');
    expect(publicRoutes.length).toBeGreaterThan(0);
    expect(protectedRoutes.length).toBeGreaterThan(0);

    for (const [, fn] of protectedRoutes) {
      expect(routeByKey.get(`${fn.method} ${fn.path}`)).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
    }
    for (const [, fn] of publicRoutes) {
      const route = routeByKey.get(`${fn.method} ${fn.path}`)!;
      expect(route.AuthorizationType).toBe('NONE');
      expect(route.AuthorizerId).toBeUndefined();
    }
  });

  it("allows CORS from the configured origins and the pages' site only, with the methods and headers the clients use", () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: [...TEST_CONTEXT.corsOrigins, siteOrigin],
        AllowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        AllowHeaders: ['authorization', 'content-type'],
      },
    });
  });

  it("allows the pages' site alone when no other origin is configured", () => {
    const { serviceTemplate } = sharedTestApp({ corsOrigins: [] });

    serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.objectLike({ AllowOrigins: [siteOrigin] }) });
  });

  it('throttles and access-logs the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: TEST_CONTEXT.apiRateLimit, ThrottlingBurstLimit: TEST_CONTEXT.apiBurstLimit },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logicalId(service.api.accessLogs), 'Arn'] },
        Format: Match.stringLikeRegexp('"routeKey":"\\$context.routeKey"'),
      },
    });
  });

  it('outputs the API URL', () => {
    template.hasOutput('ApiUrl', { Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) });
  });
});
