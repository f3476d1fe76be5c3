/**
 * 서비스 신청 (S1–S9, S21–S24): apply on the shop's PG contract, the documents
 * that PG wants for its review (S3), the usage status once active (S6), the
 * PG change or unlink that stops the service (S21), KakaoPay beside the card
 * PG (S9), and the stop itself with its progress (S22–S24).
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ok, type paths } from '../api/session-api.ts';
import { seoulTime } from '../ui/format.ts';
import { useAction, useLoad } from '../ui/hooks.ts';
import { Badge, ErrorNotice, Facts, Loading, Notice, Section } from '../ui/kit.tsx';
import { Confirm } from '../ui/confirm.tsx';
import { CARD_PG_IDS, documentLabel, gatewayLabel, serviceStatusLabel, stopPhaseLabel, stopReasonLabel, TERMS } from '../ui/labels.ts';

type Service = paths['/admin/service']['get']['responses'][200]['content']['application/json'];
type CardPg = NonNullable<Service['cardPg']>;

const admin = () => api('admin');

function tone(status: string) {
  return status === 'ACTIVE' ? 'ok' : status === 'REVIEWING' || status === 'STOPPING' ? 'warn' : status === 'REJECTED' || status === 'STOPPED' ? 'bad' : 'muted';
}

function StopProgress(props: { title: string; stop: NonNullable<Service['stop']> }) {
  const progress = props.stop.progress;
  return (
    <div data-testid="stop-progress" data-phase={progress?.phase ?? ''}>
      <h3>{props.title}</h3>
      <Facts
        rows={[
          ['사유', stopReasonLabel(props.stop.reason)],
          ['시작', seoulTime(props.stop.at)],
          ['진행', progress ? stopPhaseLabel(progress.phase) : '준비 중'],
          ['자동 해지된 정기배송', `${progress?.cancelled ?? 0}건`],
          ['삭제된 정기결제 카드 정보', `${progress?.keysDeleted ?? 0}건`],
          [`${TERMS.autoCancel} 메일`, `${progress?.mailsSent ?? 0}건 발송${progress?.mailsNotSent ? ` · ${progress.mailsNotSent}건 미발송(대량 메일 건수 부족 또는 설정 꺼짐)` : ''}`],
        ]}
      />
    </div>
  );
}

/** S1: no form. The shop applies with the PG contracts the platform registered; the PG then reviews it (S2). */
function Apply(props: { service: Service; onDone: (service: Service) => void }) {
  const gateways = useLoad(() => ok(api().GET('/payment-gateways')), []);
  const contracts = props.service.pgContracts ?? [];
  const kindOf = (id: string) => gateways.data?.items.find((gateway) => gateway.id === id);
  const apply = useAction(async () => props.onDone(await ok(admin().POST('/admin/service/application', { body: {} }))));
  return (
    <div data-testid="apply">
      <p class="small">신청서 작성 없이 쇼핑몰의 기존 통합결제(PG) 계약 정보로 신청해요 (S1). 심사에 필요한 서류는 PG사에 제출해요 (S2).</p>
      {contracts.length === 0 ? (
        <Notice kind="warn">등록된 PG 계약이 없어요. 플랫폼에 PG 계약 정보 등록을 요청해 주세요.</Notice>
      ) : (
        <ul data-testid="contracts">
          {contracts.map((contract) => {
            const gateway = kindOf(contract.gateway);
            return (
              <li>
                {gateway?.kind === 'easyPay' ? '간편결제' : '카드 결제'} · <strong>{gatewayLabel(contract.gateway)}</strong>
                <span class="small muted"> (등록 {seoulTime(contract.registeredAt)})</span>
                {gateway && gateway.kind === 'card' && (
                  <div class="small">심사 서류 (S3): {gateway.requiredDocuments.length ? gateway.requiredDocuments.map(documentLabel).join(', ') : '별도의 서류 없음'}</div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <ErrorNotice error={apply.error} />
      <button type="button" class="primary" disabled={apply.busy} onClick={() => void apply.run()} data-testid="apply-service">
        신청하기
      </button>
    </div>
  );
}

export function ServiceTab() {
  const service = useLoad(() => ok(admin().GET('/admin/service')), []);
  const [shown, setShown] = useState<Service | undefined>();
  const [confirming, setConfirming] = useState<'stop' | 'unlink' | 'change' | null>(null);
  const [newPg, setNewPg] = useState<CardPg>('inicis');
  const current = shown ?? service.data;
  useEffect(() => setShown(undefined), [service.data]);
  // A stop runs in the background: follow its progress until it is done (S22).
  const stopping = current?.status === 'STOPPING' || (current?.easyPayStop !== undefined && current.easyPayStop.progress?.phase !== 'DONE');
  useEffect(() => {
    if (!stopping) return;
    const timer = setInterval(() => service.reload(), 1000);
    return () => clearInterval(timer);
  }, [stopping]);
  const act = useAction(async (action: 'stop' | 'unlink' | 'change' | 'kakaopay-on' | 'kakaopay-off') => {
    const client = admin();
    const next =
      action === 'stop'
        ? await ok(client.POST('/admin/service/stop'))
        : action === 'unlink'
          ? await ok(client.DELETE('/admin/service/pg'))
          : action === 'change'
            ? await ok(client.PUT('/admin/service/pg', { body: { cardPg: newPg } }))
            : await ok(client.PUT('/admin/service/easy-pay', { body: { kakaopay: action === 'kakaopay-on' } }));
    setConfirming(null);
    setShown(next);
    service.reload();
  });

  if (service.error !== undefined && !current) return <ErrorNotice error={service.error} />;
  if (!current) return <Loading />;
  const active = current.status === 'ACTIVE';
  const canApply = current.status === 'NOT_APPLIED' || current.status === 'REJECTED' || current.status === 'STOPPED';
  const count = current.stats.activeSubscriptions;

  return (
    <>
      <Section title={TERMS.serviceApplication}>
        <p>
          상태{' '}
          <span data-testid="service-status" data-status={current.status}>
            <Badge tone={tone(current.status)}>{serviceStatusLabel(current.status)}</Badge>
          </span>
        </p>
        <Facts
          rows={[
            ['카드 결제 PG사', gatewayLabel(current.cardPg)],
            ['간편결제', current.easyPay.includes('kakaopay') ? '카카오페이' : '사용 안 함'],
            ...(current.appliedAt ? ([['신청일', seoulTime(current.appliedAt)]] as const) : []),
            ...(current.reviewedAt ? ([['심사 완료', seoulTime(current.reviewedAt)]] as const) : []),
            ...(current.rejectionReason ? ([['반려 사유', current.rejectionReason]] as const) : []),
          ]}
        />
        {current.cardPg && !canApply && (
          <>
            <h3>PG사 심사 서류 (S3)</h3>
            {current.requiredDocuments.length ? (
              <ul data-testid="required-documents">
                {current.requiredDocuments.map((document) => (
                  <li>{documentLabel(document)}</li>
                ))}
              </ul>
            ) : (
              <p data-testid="required-documents">별도의 서류가 없어요.</p>
            )}
            <p class="small muted">서류는 PG사에 제출해요. PG사에 요청하여 받을 수도 있어요.</p>
          </>
        )}
        {current.status === 'REVIEWING' && (
          <Notice>
            PG사가 심사 중이에요. 쇼핑몰의 <a href="/product.html">상품 상세</a>와 <a href="/order.html">주문서 작성</a> 페이지에 정기배송 디자인이 적용되어 있어야 심사할 수 있어요 (S4). 모바일은 원터치 주문서를 써요 (S5).
          </Notice>
        )}
        {canApply && <Apply service={current} onDone={(next) => setShown(next)} />}
      </Section>

      {(active || current.status === 'STOPPING' || current.status === 'STOPPED') && (
        <Section title={TERMS.usageStatus}>
          <Facts rows={[['이용 중인 정기배송', <strong data-testid="active-count">{count}건</strong>]]} />
          {current.stop && <StopProgress title="서비스 중단" stop={current.stop} />}
          {current.easyPayStop && <StopProgress title="카카오페이 사용 중지" stop={current.easyPayStop} />}
        </Section>
      )}

      {active && (
        <Section title="PG사 변경 · 연동 해제 · 서비스 중단">
          <Notice kind="warn">PG사를 변경하거나 연동을 해제하면 이용 중인 정기배송(결제) 서비스가 중단돼요 (S21). 새 PG사로 다시 신청하려면 플랫폼에 그 PG사의 계약 등록을 요청해 주세요.</Notice>
          <div class="row">
            <label class="field">
              <span class="label">새 카드 결제 PG사</span>
              <select value={newPg} onChange={(e) => setNewPg(e.currentTarget.value as CardPg)}>
                {CARD_PG_IDS.filter((id) => id !== current.cardPg).map((id) => (
                  <option value={id}>{gatewayLabel(id)}</option>
                ))}
              </select>
            </label>
            <button type="button" onClick={() => setConfirming('change')}>
              PG사 변경
            </button>
            <button type="button" onClick={() => setConfirming('unlink')}>
              연동 해제
            </button>
          </div>
          <div class="actions">
            <button type="button" onClick={() => void act.run(current.easyPay.includes('kakaopay') ? 'kakaopay-off' : 'kakaopay-on')}>
              카카오페이 {current.easyPay.includes('kakaopay') ? '사용 중지' : '사용'}
            </button>
            <button type="button" class="danger" onClick={() => setConfirming('stop')} data-testid="stop-service">
              서비스 중단
            </button>
          </div>
          {confirming && (
            <Confirm
              title={confirming === 'stop' ? '정기배송 서비스를 중단할까요?' : confirming === 'unlink' ? 'PG 연동을 해제할까요?' : `${gatewayLabel(newPg)}로 PG사를 변경할까요?`}
              confirmLabel={confirming === 'stop' ? '서비스 중단' : confirming === 'unlink' ? '연동 해제' : 'PG사 변경'}
              danger
              busy={act.busy}
              testId="stop-confirm"
              onCancel={() => setConfirming(null)}
              onConfirm={() => void act.run(confirming)}
            >
              <ul>
                {confirming !== 'stop' && <li>정기배송(결제) 서비스가 중단돼요 (S21).</li>}
                <li>고객의 정기배송 신청 {count}건이 모두 시스템에서 자동 해지돼요. 결제 안내가 나간 회차도 결제되지 않아요 (S22).</li>
                <li>고객의 정기결제 카드 정보가 PG사와 시스템에서 일괄 삭제돼요 (S22).</li>
                <li>'{TERMS.autoCancel}' 메일 설정에 따라 고객과 운영자에게 자동 메일이 발송되고, 발송한 수만큼 대량 메일 건수가 차감돼요 (S23, S24).</li>
                <li>되돌릴 수 없어요. 다시 이용하려면 서비스를 새로 신청해야 해요.</li>
              </ul>
            </Confirm>
          )}
          <ErrorNotice error={act.error} />
        </Section>
      )}
    </>
  );
}
