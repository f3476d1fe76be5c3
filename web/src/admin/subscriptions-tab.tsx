/**
 * 정기배송 신청 내역 관리 (S20): the shop's subscriptions with the five filters
 * of the API (status, customer, product, next delivery from/to), and one
 * subscription with its cycles.
 */
import { useState } from 'preact/hooks';
import { api, ok, type paths } from '../api/session-api.ts';
import { StatusBadge } from '../storefront/subscription-card.tsx';
import { CyclesTable } from '../storefront/cycles-table.tsx';
import { CancelOnBehalf } from './cancel-on-behalf.tsx';
import { ResolveCycle } from './resolve-cycle.tsx';
import { runDateRows } from '../ui/clock-link.tsx';
import { day, maskedCard, seoulTime, won } from '../ui/format.ts';
import { useLoad } from '../ui/hooks.ts';
import { ErrorNotice, Facts, Field, Loading, Section } from '../ui/kit.tsx';
import { cancelReasonLabel, cycleLabel, paymentMethodLabel, subscriptionStatusLabel, TERMS } from '../ui/labels.ts';

type Query = NonNullable<paths['/admin/subscriptions']['get']['parameters']['query']>;
type Row = paths['/admin/subscriptions']['get']['responses'][200]['content']['application/json']['items'][number];
type Filters = Pick<Query, 'status' | 'customerId' | 'email' | 'phone' | 'productId' | 'nextDeliveryFrom' | 'nextDeliveryTo' | 'cycleStatus'>;

const admin = () => api('admin');
const STATUSES = ['PENDING_PAYMENT', 'ACTIVE', 'CANCELLED'] as const;

function List(props: { open: (id: string) => void }) {
  const [draft, setDraft] = useState<Filters>({});
  const [filters, setFilters] = useState<Filters>({});
  const [pages, setPages] = useState<{ rows: Row[]; cursor: string | undefined }>({ rows: [], cursor: undefined });
  const query = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined && value !== '')) as Filters;
  const list = useLoad(() => ok(admin().GET('/admin/subscriptions', { params: { query: { ...query, limit: 50, ...(pages.cursor ? { cursor: pages.cursor } : {}) } } })), [JSON.stringify(query), pages.cursor]);
  const rows = [...pages.rows, ...(list.data?.items ?? [])];
  const text = (key: keyof Filters) => (event: { currentTarget: { value: string } }) => setDraft({ ...draft, [key]: event.currentTarget.value || undefined });
  return (
    <Section title={TERMS.subscriptionsLookup}>
      <form
        class="filters"
        data-testid="subscription-filters"
        onSubmit={(event) => {
          event.preventDefault();
          setPages({ rows: [], cursor: undefined });
          setFilters(draft);
        }}
      >
        <div class="row">
          <Field label="상태">
            <select name="status" value={draft.status ?? ''} onChange={(e) => setDraft({ ...draft, status: (e.currentTarget.value || undefined) as Filters['status'] })}>
              <option value="">전체</option>
              {STATUSES.map((status) => (
                <option value={status}>{subscriptionStatusLabel(status)}</option>
              ))}
            </select>
          </Field>
          <Field label="구매자 아이디">
            <input name="customerId" value={draft.customerId ?? ''} onInput={text('customerId')} />
          </Field>
          <Field label="구매자 이메일">
            <input name="email" type="email" value={draft.email ?? ''} onInput={text('email')} />
          </Field>
          <Field label="구매자 휴대폰">
            <input name="phone" type="tel" value={draft.phone ?? ''} onInput={text('phone')} />
          </Field>
          <Field label="상품 아이디">
            <input name="productId" value={draft.productId ?? ''} onInput={text('productId')} />
          </Field>
          <Field label="다음 배송일부터">
            <input name="nextDeliveryFrom" type="date" value={draft.nextDeliveryFrom ?? ''} onInput={text('nextDeliveryFrom')} />
          </Field>
          <Field label="다음 배송일까지">
            <input name="nextDeliveryTo" type="date" value={draft.nextDeliveryTo ?? ''} onInput={text('nextDeliveryTo')} />
          </Field>
          <label class="check">
            <input type="checkbox" name="cycleStatus" checked={draft.cycleStatus === 'REVIEW'} onChange={(e) => setDraft({ ...draft, cycleStatus: e.currentTarget.checked ? 'REVIEW' : undefined })} />
            결제 확인 필요 회차만
          </label>
          <button type="submit" class="primary">
            조회
          </button>
        </div>
      </form>
      <ErrorNotice error={list.error} />
      {!list.data && list.loading && <Loading />}
      <div class="table-wrap">
        <table data-testid="subscriptions">
          <thead>
            <tr>
              <th>신청 번호</th>
              <th>구매자</th>
              <th>상품</th>
              <th>{TERMS.cycle}</th>
              <th>다음 배송</th>
              <th>상태</th>
              <th>신청일</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr data-subscription={row.id}>
                <td>
                  <a
                    href={`#subscriptions/${row.id}`}
                    onClick={(event) => {
                      event.preventDefault();
                      props.open(row.id);
                    }}
                  >
                    {row.id}
                  </a>
                </td>
                <td>{row.customerId}</td>
                <td>{row.items.map((item) => `${item.productId} × ${item.quantity}`).join(', ')}</td>
                <td>{cycleLabel(row.cycle)}</td>
                <td>{day(row.nextDeliveryDate)}</td>
                <td>
                  <StatusBadge status={row.status} />
                </td>
                <td>{seoulTime(row.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.data && rows.length === 0 && <p class="muted">조건에 맞는 정기배송 신청이 없어요.</p>}
      {list.data?.nextCursor && (
        <button type="button" onClick={() => setPages({ rows, cursor: list.data!.nextCursor! })}>
          더 보기
        </button>
      )}
    </Section>
  );
}

function Detail(props: { id: string; back: () => void }) {
  const detail = useLoad(() => ok(admin().GET('/admin/subscriptions/{subscriptionId}', { params: { path: { subscriptionId: props.id } } })), [props.id]);
  const s = detail.data;
  return (
    <Section
      title={`정기배송 신청 ${props.id}`}
      actions={
        <button type="button" onClick={props.back}>
          목록
        </button>
      }
    >
      <ErrorNotice error={detail.error} />
      {!s ? (
        !detail.error && <Loading />
      ) : (
        <div data-testid="subscription-detail">
          <Facts
            rows={[
              ['상태', <StatusBadge status={s.status} />],
              ...(s.cancelReason ? ([['해지 사유', cancelReasonLabel(s.cancelReason)]] as const) : []),
              ['구매자', s.customerId],
              ['상품', s.items.map((item) => `${item.productId} × ${item.quantity}${item.status === 'CANCELLED' ? ' (해지)' : ''}`).join(', ')],
              [TERMS.cycle, cycleLabel(s.cycle)],
              [TERMS.startDate, day(s.startDate)],
              ['다음 배송', day(s.nextDeliveryDate)],
              ...runDateRows(s, TERMS.paymentNotice),
              ['결제 수단', `${paymentMethodLabel(s.paymentMethod)} · ${maskedCard(s.card)}`],
              ['연락처', s.contact ? `${s.contact.email} · ${s.contact.phone}` : '-'],
              ['배송지', s.shippingAddress ? `${s.shippingAddress.recipient} · (${s.shippingAddress.postalCode}) ${s.shippingAddress.address1} ${s.shippingAddress.address2 ?? ''}` : '-'],
              ['신청일', seoulTime(s.createdAt)],
            ]}
          />
          <h3>회차</h3>
          <CyclesTable cycles={s.cycles} withItems />
          {s.cycles
            .filter((cycle) => (cycle.status as string) === 'REVIEW')
            .map((cycle) => (
              <ResolveCycle subscriptionId={s.id} deliveryDate={cycle.deliveryDate} amount={cycle.amount} onResolved={detail.reload} />
            ))}
          {s.cycles.length === 0 && <p class="muted">아직 결제 안내된 회차가 없어요. 첫 결제 안내는 {day(s.nextNoticeDate)}에 나가요.</p>}
          {s.priceChanges && (s.priceChanges.pending.length > 0 || s.priceChanges.answers.length > 0) && (
            // Issue 14: the 30-day consent to a price increase — which rises wait for the buyer, and who answered what.
            <div data-testid="price-consents">
              <h3>가격 인상 동의</h3>
              <ul>
                {s.priceChanges.pending.map((change) => {
                  const answer = s.priceChanges!.answers.find((a) => a.changeId === change.changeId);
                  return (
                    <li data-change={change.changeId}>
                      {change.productId}: {won(change.oldPrice)} → {won(change.newPrice)} ({day(change.increaseFrom ?? change.announcedOn)}부터) —{' '}
                      {answer ? `${answer.accept ? '동의' : '거부'} (${answer.by}, ${seoulTime(answer.at)})` : '답변 대기'}
                    </li>
                  );
                })}
                {s.priceChanges.answers
                  .filter((a) => !s.priceChanges!.pending.some((change) => change.changeId === a.changeId))
                  .map((a) => (
                    <li data-change={a.changeId}>
                      {a.changeId}: {a.accept ? '동의' : '거부'} ({a.by}, {seoulTime(a.at)})
                    </li>
                  ))}
              </ul>
            </div>
          )}
          {s.status !== 'CANCELLED' && <CancelOnBehalf subscriptionId={s.id} onDone={detail.reload} />}
        </div>
      )}
    </Section>
  );
}

export function SubscriptionsTab(props: { selected: string | null; open: (id: string | null) => void }) {
  return props.selected ? <Detail id={props.selected} back={() => props.open(null)} /> : <List open={(id) => props.open(id)} />;
}
