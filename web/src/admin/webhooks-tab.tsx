/**
 * 웹훅 (issue 13): the shop's endpoints for the subscription events, signed per
 * Standard Webhooks. The signing secret is shown once, when the endpoint is
 * registered; each endpoint's deliveries show every attempt.
 */
import { useState } from 'preact/hooks';
import { EVENT_TYPES, type EventType } from '../../../system/events.ts';
import { api, ok } from '../api/session-api.ts';
import { siteConfig } from '../config.ts';
import { Confirm } from '../ui/confirm.tsx';
import { seoulTime } from '../ui/format.ts';
import { useAction, useLoad } from '../ui/hooks.ts';
import { Badge, ErrorNotice, Field, Loading, Notice, Section } from '../ui/kit.tsx';

const EVENT_NAMES: Record<EventType, string> = {
  'subscription.created': '정기배송 신청',
  'subscription.activated': '결제 수단 등록 (이용 시작)',
  'subscription.cycle.noticed': '정기배송 결제 안내',
  'subscription.cycle.charged': '결제 완료',
  'subscription.cycle.failed': '결제 실패',
  'subscription.cycle.skipped': '회차 건너뜀',
  'subscription.paused': '일시 정지',
  'subscription.resumed': '다시 시작',
  'subscription.changed': '변경',
  'subscription.cancelled': '해지',
  'subscription.completed': '배송 완료 (정기배송 종료)',
};

const admin = () => api('admin');

function Deliveries(props: { webhookId: string }) {
  const deliveries = useLoad(() => ok(admin().GET('/admin/webhooks/{webhookId}/deliveries', { params: { path: { webhookId: props.webhookId }, query: { limit: 20 } } })), [props.webhookId]);
  if (deliveries.error !== undefined) return <ErrorNotice error={deliveries.error} />;
  if (!deliveries.data) return <Loading />;
  if (deliveries.data.items.length === 0) return <p class="small muted">아직 보낸 이벤트가 없어요.</p>;
  return (
    <div class="table-wrap">
      <table>
        <tbody>
          {deliveries.data.items.map((delivery) => (
            <tr>
              <td>
                {EVENT_NAMES[delivery.eventType]} <span class="small muted">{delivery.eventId}</span>
              </td>
              <td>
                <Badge tone={delivery.status === 'DELIVERED' ? 'ok' : delivery.status === 'FAILED' ? 'bad' : 'warn'}>{delivery.status === 'DELIVERED' ? '전송됨' : delivery.status === 'FAILED' ? '실패' : '재시도 대기'}</Badge>
              </td>
              <td class="small">
                {delivery.attempts.map((attempt) => `${attempt.attempt}회 ${seoulTime(attempt.at)} ${attempt.statusCode ?? attempt.error ?? ''}`).join(' · ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Register(props: { onCreated: () => void }) {
  // Locally the API allows http://localhost only (not 127.0.0.1): the dev sink on this port.
  const [url, setUrl] = useState(siteConfig().local ? `http://localhost:${location.port}/_local/webhook-sink/my-shop` : 'https://');
  const [events, setEvents] = useState<EventType[]>([...EVENT_TYPES]);
  const [secret, setSecret] = useState<string | null>(null);
  const create = useAction(async () => {
    const created = await ok(admin().POST('/admin/webhooks', { body: { url, events } }));
    setSecret(created.secret);
    props.onCreated();
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void create.run();
      }}
    >
      <Field label="받을 주소 (URL)" hint={siteConfig().local ? '로컬에서는 /_local/webhook-sink/{이름} 이 받아 개발 콘솔의 보낸 목록에 보여요.' : 'https:// 공개 주소'}>
        <input name="url" required value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
      </Field>
      <fieldset class="cycles">
        <legend class="small">보낼 이벤트</legend>
        {EVENT_TYPES.map((type) => (
          <label class="check">
            <input type="checkbox" checked={events.includes(type)} onChange={(e) => setEvents(e.currentTarget.checked ? EVENT_TYPES.filter((t) => t === type || events.includes(t)) : events.filter((t) => t !== type))} />
            {EVENT_NAMES[type]}
          </label>
        ))}
      </fieldset>
      <ErrorNotice error={create.error} />
      {secret && (
        <Notice kind="warn" testId="webhook-secret">
          서명 비밀 키예요. 지금 한 번만 보여요: <code>{secret}</code>
        </Notice>
      )}
      <button type="submit" class="primary" disabled={create.busy || events.length === 0}>
        웹훅 등록
      </button>
    </form>
  );
}

export function WebhooksTab() {
  const endpoints = useLoad(() => ok(admin().GET('/admin/webhooks')), []);
  const [open, setOpen] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const remove = useAction(async (webhookId: string) => {
    await ok(admin().DELETE('/admin/webhooks/{webhookId}', { params: { path: { webhookId } } }));
    setDeleting(null);
    endpoints.reload();
  });
  return (
    <>
      <Section title="웹훅">
        <p class="small muted">정기배송 이벤트를 쇼핑몰 시스템으로 보내요. Standard Webhooks 방식(webhook-id, webhook-timestamp, webhook-signature)으로 서명하고, 2xx 응답을 받을 때까지 재시도해요.</p>
        <ErrorNotice error={endpoints.error} />
        {endpoints.data?.items.map((endpoint) => (
          <div class="outbox-item">
            <div>
              <strong>{endpoint.url}</strong> <span class="small muted">{seoulTime(endpoint.createdAt)}</span>
            </div>
            <div class="small">{endpoint.events.map((type) => EVENT_NAMES[type]).join(', ')}</div>
            <div class="actions">
              <button type="button" class="link" onClick={() => setOpen(open === endpoint.id ? null : endpoint.id)}>
                전송 내역
              </button>
              <button type="button" class="link" onClick={() => setDeleting(endpoint.id)}>
                삭제
              </button>
            </div>
            {open === endpoint.id && <Deliveries webhookId={endpoint.id} />}
            {deleting === endpoint.id && (
              <Confirm title="이 웹훅을 삭제할까요?" confirmLabel="삭제" danger busy={remove.busy} onCancel={() => setDeleting(null)} onConfirm={() => void remove.run(endpoint.id)}>
                <p>이 주소로는 더 보내지 않아요. 재시도 중인 전송도 멈춰요.</p>
              </Confirm>
            )}
          </div>
        ))}
        {endpoints.data?.items.length === 0 && <p class="muted">등록된 웹훅이 없어요.</p>}
        <ErrorNotice error={remove.error} />
      </Section>
      <Section title="웹훅 등록">
        <Register onCreated={endpoints.reload} />
      </Section>
    </>
  );
}
