/**
 * Schema-valid sample credentials for every available gateway: what the demo
 * seed, the README walkthrough, the tests and the benchmark register locally,
 * where the sandbox PG serves every gateway (no real PG is called). Never real keys.
 */
import type { ContractGateway } from '../functions/domain/pg-credentials.ts';

const storefront = 'https://shop.example';

export const SAMPLE_CONTRACTS: Readonly<Record<ContractGateway, Readonly<Record<string, string>>>> = {
  tosspayments: { clientKey: 'test_ck_sandboxClientKey0001', secretKey: 'test_sk_sandboxSecretKey0001' },
  nicepay: { clientKey: 'S1_sandbox0client0key0001', secretKey: 'sandbox0secret0key00000000000001', returnUrl: `${storefront}/pay/nice/return` },
  kakaopay: { cid: 'TCSUBSCRIP', secretKey: 'DEVSANDBOXSECRETKEY0001', approvalUrl: `${storefront}/pay/kakao/approve`, cancelUrl: `${storefront}/pay/kakao/cancel`, failUrl: `${storefront}/pay/kakao/fail` },
  inicis: { storeId: 'store-00000000-0000-4000-8000-000000000001', apiSecret: 'sandbox-portone-api-secret-0001', channelKey: 'channel-key-00000000-0000-4000-8000-00000000000a' },
  kcp: { storeId: 'store-00000000-0000-4000-8000-000000000001', apiSecret: 'sandbox-portone-api-secret-0001', channelKey: 'channel-key-00000000-0000-4000-8000-00000000000b' },
  ksnet: { storeId: 'store-00000000-0000-4000-8000-000000000001', apiSecret: 'sandbox-portone-api-secret-0001', channelKey: 'channel-key-00000000-0000-4000-8000-00000000000c' },
};
