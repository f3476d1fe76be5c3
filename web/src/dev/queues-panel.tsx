/** Each worker's queue: waiting, in flight, done, dead-lettered, and what sits in its DLQ. */
import { localApi } from '../api/local.ts';
import { useLoad } from '../ui/hooks.ts';
import { ErrorNotice, Section } from '../ui/kit.tsx';

export function QueuesPanel(props: { round: number }) {
  const queues = useLoad(() => localApi.queues(), [props.round]);
  return (
    <Section
      title="큐"
      actions={
        <button type="button" onClick={queues.reload}>
          새로 고침
        </button>
      }
    >
      <ErrorNotice error={queues.error} />
      <div class="table-wrap">
        <table data-testid="queues">
          <thead>
            <tr>
              <th>큐</th>
              <th class="num">대기</th>
              <th class="num">처리 중</th>
              <th class="num">보냄</th>
              <th class="num">완료</th>
              <th class="num">DLQ</th>
            </tr>
          </thead>
          <tbody>
            {(queues.data?.queues ?? []).map((queue) => (
              <tr>
                <td>
                  {queue.name}
                  {queue.consumer && <div class="small muted">{queue.consumer.worker}</div>}
                  {queue.lastError && <div class="small error-text">{queue.lastError}</div>}
                  {queue.deadLetterQueue?.messages.map((message) => (
                    <details>
                      <summary class="small">DLQ {message.messageId} (받은 횟수 {message.receiveCount})</summary>
                      <pre class="small">{message.body}</pre>
                    </details>
                  ))}
                </td>
                <td class="num">{queue.depth}</td>
                <td class="num">{queue.inFlight}</td>
                <td class="num">{queue.sent}</td>
                <td class="num">{queue.deleted}</td>
                <td class="num">{queue.deadLetterQueue?.depth ?? queue.deadLettered}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}
