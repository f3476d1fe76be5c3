/** What the system sent, as a person reads it: mails, SMS and domain events, newest first. */
import { useState } from 'preact/hooks';
import { localApi, type OutboxItem } from '../api/local.ts';
import { seoulTime } from '../ui/format.ts';
import { useLoad } from '../ui/hooks.ts';
import { Badge, ErrorNotice, Section } from '../ui/kit.tsx';
import { outboxKindLabel } from '../ui/labels.ts';

const CHANNELS: Record<OutboxItem['channel'], string> = { mail: '메일', sms: 'SMS', event: '이벤트', webhook: '웹훅' };

function body(item: OutboxItem): string {
  if (item.channel !== 'event' && item.channel !== 'webhook') return item.body;
  try {
    return JSON.stringify(JSON.parse(item.body), null, 2);
  } catch {
    return item.body;
  }
}

export function OutboxPanel(props: { round: number }) {
  const [channel, setChannel] = useState<'' | OutboxItem['channel']>('');
  const [to, setTo] = useState('');
  const outbox = useLoad(() => localApi.outbox(), [props.round]);
  const items = (outbox.data?.items ?? []).filter((item) => (!channel || item.channel === channel) && (!to || item.to.includes(to))).reverse();
  return (
    <Section
      title={`보낸 메일 · SMS · 이벤트 · 웹훅 (${outbox.data?.items.length ?? 0})`}
      actions={
        <button type="button" onClick={outbox.reload}>
          새로 고침
        </button>
      }
    >
      <div class="row">
        <label class="field">
          <span class="label">종류</span>
          <select value={channel} onChange={(e) => setChannel(e.currentTarget.value as typeof channel)}>
            <option value="">전체</option>
            {Object.entries(CHANNELS).map(([value, label]) => (
              <option value={value}>{label}</option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="label">받는 곳</span>
          <input value={to} placeholder="minji@example.com" onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
      </div>
      <ErrorNotice error={outbox.error} />
      <div data-testid="outbox">
        {items.map((item) => (
          <article class="outbox-item" data-channel={item.channel} data-kind={item.kind}>
            <div>
              <Badge tone={item.channel === 'mail' ? 'info' : item.channel === 'sms' ? 'ok' : 'muted'}>{CHANNELS[item.channel]}</Badge> <strong>{outboxKindLabel(item.kind)}</strong> <span class="small muted">→ {item.to} · {seoulTime(item.sentAt)}</span>
            </div>
            {item.subject && <div>{item.subject}</div>}
            {item.headers && (
              <div class="small muted">
                {Object.entries(item.headers)
                  .map(([name, value]) => `${name}: ${value}`)
                  .join(' · ')}
                {item.status !== undefined && ` · 응답 ${item.status}`}
              </div>
            )}
            <pre>{body(item)}</pre>
          </article>
        ))}
        {items.length === 0 && <p class="muted">아직 보낸 것이 없어요.</p>}
      </div>
    </Section>
  );
}
