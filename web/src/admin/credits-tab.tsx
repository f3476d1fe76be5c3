/** SMS and bulk-mail credits and their ledger (S12, S24): every top-up and every debit. */
import { useState } from 'preact/hooks';
import { api, ok, type paths } from '../api/session-api.ts';
import { seoulTime } from '../ui/format.ts';
import { useLoad } from '../ui/hooks.ts';
import { ErrorNotice, Facts, Loading, Section } from '../ui/kit.tsx';
import { ledgerReasonLabel, TERMS } from '../ui/labels.ts';

type Entry = paths['/admin/credits/ledger']['get']['responses'][200]['content']['application/json']['items'][number];

const admin = () => api('admin');

export function CreditsTab() {
  const balances = useLoad(() => ok(admin().GET('/admin/credits')), []);
  const [cursor, setCursor] = useState<string | undefined>();
  const [older, setOlder] = useState<Entry[]>([]);
  const ledger = useLoad(() => ok(admin().GET('/admin/credits/ledger', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } })), [cursor]);
  const entries = [...older, ...(ledger.data?.items ?? [])];
  return (
    <>
      <Section title="충전 건수">
        {balances.data ? (
          <Facts
            rows={[
              ['SMS', <strong data-testid="sms-credits">{balances.data.sms.toLocaleString('ko-KR')}건</strong>],
              ['대량 메일', <strong data-testid="mail-credits">{balances.data.bulkMail.toLocaleString('ko-KR')}건</strong>],
              ['발송 중 예약', `SMS ${balances.data.reserved.sms}건 · 메일 ${balances.data.reserved.bulkMail}건`],
            ]}
          />
        ) : (
          <ErrorNotice error={balances.error} />
        )}
        <p class="small muted">
          '{TERMS.paymentNotice}' SMS는 1건당 SMS 1건, '{TERMS.autoCancel}' 메일은 1통당 대량 메일 1건이 차감돼요. 충전은 플랫폼에서 해요.
        </p>
      </Section>
      <Section title="충전·차감 내역">
        {ledger.error !== undefined && <ErrorNotice error={ledger.error} />}
        {!ledger.data && ledger.loading && <Loading />}
        <div class="table-wrap">
          <table data-testid="ledger">
            <thead>
              <tr>
                <th>일시</th>
                <th>종류</th>
                <th>내용</th>
                <th class="num">건수</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr>
                  <td>{seoulTime(entry.at)}</td>
                  <td>{entry.kind === 'sms' ? 'SMS' : '대량 메일'}</td>
                  <td>
                    {ledgerReasonLabel(entry.reason)}
                    {entry.reference && <span class="small muted"> · {entry.reference}</span>}
                    {entry.subscriptionId && <span class="small muted"> · {entry.subscriptionId}</span>}
                  </td>
                  <td class="num">{entry.change > 0 ? `+${entry.change}` : entry.change}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {entries.length === 0 && ledger.data && <p class="muted">내역이 없어요.</p>}
        {ledger.data?.nextCursor && (
          <button
            type="button"
            onClick={() => {
              setOlder(entries);
              setCursor(ledger.data!.nextCursor!);
            }}
          >
            더 보기
          </button>
        )}
      </Section>
    </>
  );
}
