/**
 * A shop's PG contracts (S1, S2, S7, S9, S21), registered by the platform:
 * one card PG at a time and KakaoPay beside it (or alone). Credentials are
 * write-only: the list shows the gateway, when and a fingerprint, never a key.
 * Registering a different card PG, or unlinking the one in use, stops an
 * active service (S21): the confirmation says so.
 */
import { useState } from 'preact/hooks';
import { localApi } from '../api/local.ts';
import { api, ok, type paths } from '../api/session-api.ts';
import { siteConfig } from '../config.ts';
import { seoulTime } from '../ui/format.ts';
import { useAction, useLoad } from '../ui/hooks.ts';
import { Confirm } from '../ui/confirm.tsx';
import { Badge, ErrorNotice, Field, Loading, Notice, Section } from '../ui/kit.tsx';
import { documentLabel, gatewayLabel } from '../ui/labels.ts';
import { rememberShop } from './recent-shops.ts';

type Gateway = paths['/payment-gateways']['get']['responses'][200]['content']['application/json']['items'][number];
type GatewayId = Gateway['id'];

const platform = () => api('platform');
const secret = (field: string) => /secret/i.test(field);

function ContractForm(props: { shopId: string; gateways: Gateway[]; onSaved: () => void }) {
  const available = props.gateways.filter((gateway) => gateway.available);
  const [gatewayId, setGatewayId] = useState<GatewayId>(available[0]?.id ?? 'tosspayments');
  const [values, setValues] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const gateway = props.gateways.find((candidate) => candidate.id === gatewayId);
  const save = useAction(async () => {
    await ok(platform().PUT('/platform/shops/{shopId}/pg-contracts/{gateway}', { params: { path: { shopId: props.shopId, gateway: gatewayId } }, body: values }));
    rememberShop(props.shopId);
    setValues({});
    setDone(`${gatewayLabel(gatewayId)} 계약을 등록했어요.`);
    props.onSaved();
  });
  const fillSample = useAction(async () => setValues({ ...((await localApi.sampleContracts())[gatewayId] ?? {}) }));
  return (
    <form
      data-testid="pg-contract-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save.run();
      }}
    >
      <Field label="PG사">
        <select
          name="gateway"
          value={gatewayId}
          onChange={(e) => {
            setGatewayId(e.currentTarget.value as GatewayId);
            setValues({});
            setDone(null);
          }}
        >
          {props.gateways.map((candidate) => (
            <option value={candidate.id} disabled={!candidate.available}>
              {gatewayLabel(candidate.id)} · {candidate.kind === 'card' ? '카드 결제' : '간편결제'}
              {candidate.via === 'portone' ? ' (PortOne)' : ''}
              {candidate.available ? '' : ' — 준비 중'}
            </option>
          ))}
        </select>
      </Field>
      {gateway && !gateway.available && <Notice kind="warn">{gateway.unavailableReason}</Notice>}
      {gateway?.requiredDocuments.length ? <p class="small">심사 서류 (S3): {gateway.requiredDocuments.map(documentLabel).join(', ')}</p> : <p class="small muted">심사 서류: 별도의 서류 없음 (S3)</p>}
      {gateway?.credentialFields.map((field) => (
        <Field label={field}>
          {secret(field) ? (
            <input name={field} type="password" autocomplete="off" required value={values[field] ?? ''} onInput={(e) => setValues({ ...values, [field]: e.currentTarget.value })} />
          ) : (
            <input name={field} autocomplete="off" required value={values[field] ?? ''} onInput={(e) => setValues({ ...values, [field]: e.currentTarget.value })} />
          )}
        </Field>
      ))}
      <p class="small muted">계약 정보는 암호화해 저장하고, 어떤 응답·로그에도 보이지 않아요. 같은 PG사를 다시 등록하면 키만 바뀌고 서비스는 그대로예요. 다른 카드 PG사를 등록하면 이용 중인 서비스가 중단돼요 (S21).</p>
      <ErrorNotice error={save.error ?? fillSample.error} />
      {done && <Notice kind="success">{done}</Notice>}
      <div class="actions">
        {siteConfig().local && (
          <button type="button" onClick={() => void fillSample.run()} data-testid="fill-sample">
            샌드박스 예시 값
          </button>
        )}
        <button type="submit" class="primary" disabled={save.busy || !gateway?.available} data-testid="register-contract">
          계약 등록
        </button>
      </div>
    </form>
  );
}

export function PgContracts(props: { shopId: string }) {
  const gateways = useLoad(() => ok(api().GET('/payment-gateways')), []);
  const contracts = useLoad(() => (props.shopId ? ok(platform().GET('/platform/shops/{shopId}/pg-contracts', { params: { path: { shopId: props.shopId } } })) : Promise.resolve({ items: [] })), [props.shopId]);
  const [unlinking, setUnlinking] = useState<GatewayId | null>(null);
  const unlink = useAction(async (gateway: GatewayId) => {
    await ok(platform().DELETE('/platform/shops/{shopId}/pg-contracts/{gateway}', { params: { path: { shopId: props.shopId, gateway } } }));
    setUnlinking(null);
    contracts.reload();
  });
  return (
    <Section title={`PG 계약 · ${props.shopId || '쇼핑몰을 고르세요'}`}>
      {contracts.error !== undefined && <ErrorNotice error={contracts.error} />}
      {contracts.data && (
        <div class="table-wrap">
          <table data-testid="pg-contracts">
            <tbody>
              {contracts.data.items.map((contract) => (
                <tr data-gateway={contract.gateway}>
                  <td>
                    {gatewayLabel(contract.gateway)} <Badge tone="ok">등록됨</Badge>
                  </td>
                  <td class="small muted">
                    {seoulTime(contract.registeredAt)} · 지문 {contract.fingerprint}
                  </td>
                  <td>
                    <button type="button" class="link" onClick={() => setUnlinking(contract.gateway)}>
                      연동 해제
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {contracts.data.items.length === 0 && <p class="muted">등록된 PG 계약이 없어요. 계약이 있어야 쇼핑몰이 서비스를 신청할 수 있어요 (S1).</p>}
        </div>
      )}
      {unlinking && (
        <Confirm title={`${gatewayLabel(unlinking)} 연동을 해제할까요?`} confirmLabel="연동 해제" danger busy={unlink.busy} onCancel={() => setUnlinking(null)} onConfirm={() => void unlink.run(unlinking)}>
          <p>이 PG사로 정기배송 서비스를 이용 중이면 서비스가 중단되고, 고객의 정기배송이 모두 자동 해지되며 정기결제 카드 정보가 일괄 삭제돼요 (S21, S22). 카카오페이라면 카카오페이 정기배송만 해지돼요.</p>
        </Confirm>
      )}
      <ErrorNotice error={unlink.error} />
      {gateways.data ? props.shopId && <ContractForm shopId={props.shopId} gateways={gateways.data.items} onSaved={contracts.reload} /> : <Loading />}
    </Section>
  );
}
