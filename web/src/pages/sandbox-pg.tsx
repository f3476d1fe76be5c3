/**
 * The sandbox PG's registration window (`npm start` only, served at
 * /_local/sandbox-pg/window, never deployed): what a real PG's card window
 * does, with the README's test cards. It asks the sandbox for an authKey and
 * goes back to the shop's success URL with it — or to the fail URL with a code
 * and message, as Toss Payments does (USER_CANCEL when the buyer closes it).
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../api/errors.ts';
import { localApi } from '../api/local.ts';
import { won } from '../ui/format.ts';
import { useAction } from '../ui/hooks.ts';
import { ErrorNotice, Field, Notice } from '../ui/kit.tsx';
import { boot } from './boot.tsx';

/** The README's test cards (local/sandbox-pg.ts). */
const TEST_CARDS = [
  ['9410-0000-0000-0001', '국내 카드 · 매번 결제 성공'],
  ['9410-0000-0000-0002', '국내 카드 · 매번 결제 거절(잔액 부족)'],
  ['9410-0000-0000-0003', '국내 카드 · 첫 결제 응답 시간 초과(돈은 빠져나감)'],
  ['9410-0000-0000-0004', '국내 카드 · 매번 결제 성공 · 다음 달 말 유효기간 만료'],
  ['4242-4242-4242-4242', '해외 카드 · 등록 거절(S16)'],
] as const;

/** Codes a card window sends to the fail URL; any other refusal stays in the window (a typo can be fixed). */
const TO_FAIL_URL = new Set(['REJECT_CARD_COMPANY', 'INVALID_TID', 'NO_READY']);

/** Only back to this origin: the window never sends anyone elsewhere. */
function sameOrigin(url: string | null): URL | null {
  if (!url) return null;
  try {
    const parsed = new URL(url, location.origin);
    return parsed.origin === location.origin ? parsed : null;
  } catch {
    return null;
  }
}

function go(url: URL, params: Record<string, string>): void {
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  location.assign(url.toString());
}

function SandboxWindow() {
  const params = new URLSearchParams(location.search);
  const subscriptionId = params.get('subscriptionId') ?? '';
  const method = params.get('method') === 'kakaopay' ? 'kakaopay' : 'card';
  const successUrl = sameOrigin(params.get('successUrl'));
  const failUrl = sameOrigin(params.get('failUrl'));
  const tid = params.get('tid');
  const amount = Number(params.get('amount') ?? 0);
  const [cardNumber, setCardNumber] = useState('');
  const [kakaoPayMethod, setKakaoPayMethod] = useState<'card' | 'money'>('card');

  const register = useAction(async () => {
    try {
      const { authKey } =
        method === 'card' ? await localApi.authorize({ subscriptionId, cardNumber }) : await localApi.authorize({ subscriptionId, kakaoPayMethod, ...(tid ? { tid } : {}) } as never);
      // Toss hands back authKey (and customerKey); KakaoPay's approval URL gets pg_token.
      go(successUrl!, method === 'card' ? { authKey } : { pg_token: authKey });
    } catch (error) {
      if (error instanceof ApiError && TO_FAIL_URL.has(error.code)) return go(failUrl!, { code: error.code, message: error.apiMessage });
      throw error;
    }
  });

  if (!subscriptionId || !successUrl || !failUrl) {
    return <Notice kind="error">이 창은 주문서에서 열려야 해요. (subscriptionId, 같은 출처의 successUrl·failUrl이 필요해요.)</Notice>;
  }
  return (
    <div class="pg-window">
      <header class="pg-head">
        <strong>{method === 'card' ? '카드 등록' : '카카오페이'}</strong>
        <span class="badge warn">샌드박스 PG · 테스트</span>
      </header>
      <p class="small muted">
        {params.get('orderName')} · 정기결제 {amount ? `${won(amount)}/회` : ''}
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void register.run();
        }}
      >
        {method === 'card' ? (
          <>
            <Field label="카드 번호">
              <input name="cardNumber" inputMode="numeric" autocomplete="cc-number" required placeholder="9410-0000-0000-0001" value={cardNumber} onInput={(e) => setCardNumber(e.currentTarget.value)} />
            </Field>
            <p class="small">테스트 카드 (눌러서 입력)</p>
            <ul class="test-cards">
              {TEST_CARDS.map(([number, note]) => (
                <li>
                  <button type="button" class="link" onClick={() => setCardNumber(number)}>
                    {number}
                  </button>{' '}
                  <span class="small muted">{note}</span>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <div class="choices">
            {(['card', 'money'] as const).map((choice) => (
              <label class="choice">
                <input type="radio" name="kakaoPayMethod" checked={kakaoPayMethod === choice} onChange={() => setKakaoPayMethod(choice)} />
                {choice === 'card' ? '카카오페이에 등록된 카드' : '카카오페이 머니'}
              </label>
            ))}
          </div>
        )}
        <ErrorNotice error={register.error} />
        <div class="row">
          <button type="button" onClick={() => go(failUrl, { code: 'USER_CANCEL', message: '사용자가 카드 등록 창을 닫았습니다.' })} data-testid="window-close">
            닫기
          </button>
          <button type="submit" class="primary" disabled={register.busy} data-testid="window-register">
            {method === 'card' ? '카드 등록' : '결제 수단 등록'}
          </button>
        </div>
      </form>
    </div>
  );
}

void boot(() => <SandboxWindow />);
