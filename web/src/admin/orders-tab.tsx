/**
 * 주문(배송) 관리 (issue 13): the shop's orders — its charged cycles, what the
 * warehouse ships — by the date they were paid, with the CSV the warehouse
 * opens in Excel; and the payments that failed for good, each with a button
 * that charges it once more.
 */
import { useState } from 'preact/hooks';
import { api, ok, type paths } from '../api/session-api.ts';
import { Confirm } from '../ui/confirm.tsx';
import { addDays, day, seoulTime, won } from '../ui/format.ts';
import { useAction, useLoad } from '../ui/hooks.ts';
import { ErrorNotice, Field, Loading, Notice, Section } from '../ui/kit.tsx';

type Status = 'CHARGED' | 'FAILED';
type Order = paths['/admin/orders']['get']['responses'][200]['content']['application/json']['items'][number];

const admin = () => api('admin');
/** The longest range one CSV covers (the API refuses more). */
const MAX_EXPORT_DAYS = 31;

/** Downloads the CSV of a range as a file (the API wants the bearer token, so a plain link cannot). */
async function download(from: string, to: string): Promise<void> {
  const blob = await ok(admin().GET('/admin/orders.csv', { params: { query: { from, to } }, parseAs: 'blob' }));
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob as Blob);
  link.download = `orders-${from}-${to}.csv`;
  link.click();
  URL.revokeObjectURL(link.href);
}

/** After the 202 the charge worker charges within moments: the lists are read a few times a second until they show how it went. */
const POLL_EVERY_MS = 300;
const POLL_FOR_MS = 10_000;

/** What became of a retried cycle: charged, declined again (with the reason), or null when it is not known yet. */
async function retryResult(order: Order): Promise<string | null> {
  const same = (row: Order) => row.subscriptionId === order.subscriptionId && row.deliveryDate === order.deliveryDate;
  for (let waited = 0; waited < POLL_FOR_MS; waited += POLL_EVERY_MS) {
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
    const [charged, failed] = await Promise.all(
      (['CHARGED', 'FAILED'] as const).map((status) => ok(admin().GET('/admin/orders', { params: { query: { status, limit: 50 } } }))),
    );
    if (charged!.items.some(same)) return '결제되었어요';
    const again = failed!.items.find((row) => same(row) && (row.attempts ?? 0) > (order.attempts ?? 0));
    if (again) return `승인 거절: ${again.failure?.message ?? ''}`;
  }
  return null;
}

function Retry(props: { order: Order; onDone: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const retry = useAction(async () => {
    await ok(
      admin().POST('/admin/subscriptions/{subscriptionId}/cycles/{deliveryDate}/retry', { params: { path: { subscriptionId: props.order.subscriptionId, deliveryDate: props.order.deliveryDate } } }),
    );
    setConfirming(false);
    setResult('결제를 요청했어요');
    const settled = await retryResult(props.order).catch(() => null);
    setResult(settled ?? '결제를 요청했어요. 결과는 잠시 후 목록에서 확인해 주세요');
    // Declined again: the list shows the new reason. Charged: the row stays, saying so, until the list is read again.
    if (settled !== '결제되었어요') props.onDone();
  });
  if (result) return <span data-testid="retry-result">{result}</span>;
  return (
    <>
      <button type="button" onClick={() => setConfirming(true)} data-testid="retry">
        다시 결제
      </button>
      {confirming && (
        <Confirm title="이 회차를 다시 결제할까요?" confirmLabel="결제" busy={retry.busy} onCancel={() => setConfirming(false)} onConfirm={() => void retry.run()}>
          <p>
            {day(props.order.deliveryDate)} 배송분 {won(props.order.amount)}을 구매자의 등록 카드로 한 번 더 결제해요. 결제는 곧바로 진행되고, 두 번 눌러도 한 번만 결제돼요.
          </p>
        </Confirm>
      )}
      <ErrorNotice error={retry.error} />
    </>
  );
}

export function OrdersTab() {
  const [status, setStatus] = useState<Status>('CHARGED');
  const [range, setRange] = useState<{ from?: string; to?: string }>({});
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [rows, setRows] = useState<Order[]>([]);
  const list = useLoad(() => ok(admin().GET('/admin/orders', { params: { query: { status, ...range, limit: 50, ...(cursor ? { cursor } : {}) } } })), [status, JSON.stringify(range), cursor]);
  const shown = [...rows, ...(list.data?.items ?? [])];
  const from = list.data?.from;
  const to = list.data?.to;
  // The CSV covers at most 31 days: the list's range, or its last 31 days.
  const exportFrom = from && to && from < addDays(to, -(MAX_EXPORT_DAYS - 1)) ? addDays(to, -(MAX_EXPORT_DAYS - 1)) : from;
  const csv = useAction(async () => download(exportFrom!, to!));
  const reset = (next: () => void) => {
    setRows([]);
    setCursor(undefined);
    next();
  };
  return (
    <Section
      title="주문(배송) 관리"
      actions={
        status === 'CHARGED' && from && to ? (
          <button type="button" disabled={csv.busy} onClick={() => void csv.run()} data-testid="orders-csv">
            엑셀(CSV) 내려받기 {day(exportFrom)} ~ {day(to)}
          </button>
        ) : undefined
      }
    >
      <div class="row filters" data-testid="order-filters">
        <Field label="구분">
          <select name="status" value={status} onChange={(e) => reset(() => setStatus(e.currentTarget.value as Status))}>
            <option value="CHARGED">결제 완료 (배송할 주문)</option>
            <option value="FAILED">결제 실패</option>
          </select>
        </Field>
        <Field label="결제일부터">
          <input name="from" type="date" value={range.from ?? from ?? ''} onChange={(e) => reset(() => setRange({ ...range, from: e.currentTarget.value || undefined }))} />
        </Field>
        <Field label="결제일까지">
          <input name="to" type="date" value={range.to ?? to ?? ''} onChange={(e) => reset(() => setRange({ ...range, to: e.currentTarget.value || undefined }))} />
        </Field>
      </div>
      <ErrorNotice error={list.error ?? csv.error} />
      {!list.data && list.loading && <Loading />}
      {status === 'FAILED' && <Notice>결제에 끝내 실패한 회차예요. 구매자가 카드를 바꾸거나 한도를 확인한 뒤 다시 결제할 수 있어요.</Notice>}
      <div class="table-wrap">
        <table data-testid="orders">
          <thead>
            <tr>
              <th>주문번호</th>
              <th>배송일</th>
              <th>수령인 · 배송지</th>
              <th>상품</th>
              <th>금액</th>
              <th>{status === 'CHARGED' ? '결제일시' : '실패 사유'}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((order) => (
              <tr data-order={order.orderId ?? `${order.subscriptionId}/${order.deliveryDate}`} data-subscription={order.subscriptionId}>
                <td>
                  <a href={`#subscriptions/${encodeURIComponent(order.subscriptionId)}`}>{order.orderId ?? order.subscriptionId}</a>
                </td>
                <td>{day(order.deliveryDate)}</td>
                <td>{order.shippingAddress ? `${order.shippingAddress.recipient} · (${order.shippingAddress.postalCode}) ${order.shippingAddress.address1} ${order.shippingAddress.address2 ?? ''}` : '-'}</td>
                <td>{order.items.map((line) => `${line.name ?? line.productId} × ${line.quantity}`).join(', ')}</td>
                <td>{won(order.amount)}</td>
                <td>
                  {order.status === 'CHARGED' ? (
                    seoulTime(order.paidAt)
                  ) : (
                    <>
                      {order.failure?.message ?? '-'} <Retry order={order} onDone={list.reload} />
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.data && shown.length === 0 && <p class="muted">이 기간에 {status === 'CHARGED' ? '결제된 주문' : '결제에 실패한 회차'}가 없어요.</p>}
      {list.data?.nextCursor && (
        <button
          type="button"
          onClick={() => {
            setRows(shown);
            setCursor(list.data!.nextCursor!);
          }}
        >
          더 보기
        </button>
      )}
    </Section>
  );
}
