/**
 * The dev console (`npm start` only, never deployed): demo logins, the test
 * clock with "run the next notice/charge run", the outbox (mail, SMS,
 * events) as a readable list, and the queues.
 */
import { useState } from 'preact/hooks';
import { siteConfig } from '../config.ts';
import { ClockPanel } from '../dev/clock-panel.tsx';
import { LoginsPanel } from '../dev/logins-panel.tsx';
import { OutboxPanel } from '../dev/outbox-panel.tsx';
import { QueuesPanel } from '../dev/queues-panel.tsx';
import { Notice, Page } from '../ui/kit.tsx';
import { boot } from './boot.tsx';

function DevConsole() {
  const [round, setRound] = useState(0);
  if (!siteConfig().local) return <Notice kind="warn">개발 콘솔은 로컬 실행(npm start)에서만 쓸 수 있어요.</Notice>;
  return (
    <div class="grid-2">
      <div>
        <LoginsPanel />
        <ClockPanel onMoved={() => setRound((n) => n + 1)} />
        <QueuesPanel round={round} />
      </div>
      <div>
        <OutboxPanel round={round} />
      </div>
    </div>
  );
}

void boot(() => (
  <Page title="개발 콘솔" wide>
    <DevConsole />
  </Page>
));
