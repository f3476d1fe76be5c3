/** The start page: what is here, and (with `npm start`) the whole lifecycle as steps to click through. */
import { siteConfig } from '../config.ts';
import { Page, Section } from '../ui/kit.tsx';
import { TERMS } from '../ui/labels.ts';
import { boot } from './boot.tsx';

const PAGES = [
  ['/product.html', '상품 상세 (예시)', `쇼핑몰 상품 상세에 넣는 위젯: ${TERMS.purchaseMethod}(${TERMS.oneTime} · ${TERMS.subscription})와 ${TERMS.cycle}`],
  ['/order.html?shop=demo-shop&product=house-blend-1kg', TERMS.orderForm, `원터치 주문서: ${TERMS.startDate}, 배송지, 결제 수단, ${TERMS.apply}`],
  ['/my.html', '나의 정기배송', '다음 배송, 안내된 결제 금액, 등록된 카드, 해지'],
  ['/admin.html', '정기배송 관리', '서비스 신청과 이용 현황, 알림 설정, 충전 건수, 상품, 정기배송 신청 내역, 서비스 중단'],
  ['/platform.html', '플랫폼 관리', '쇼핑몰 등록, PG사 심사 결과, 충전'],
] as const;

function Home() {
  const local = siteConfig().local;
  return (
    <Page title="정기배송 · 정기결제">
      <Section title="페이지">
        <ul class="page-list">
          {PAGES.map(([href, title, what]) => (
            <li>
              <a href={href}>{title}</a>
              <div class="small muted">{what}</div>
            </li>
          ))}
          {local && (
            <li>
              <a href="/dev.html">개발 콘솔</a>
              <div class="small muted">데모 로그인, 테스트 시계, 보낸 메일·SMS·이벤트, 큐 (npm start 전용)</div>
            </li>
          )}
        </ul>
      </Section>
      {local && (
        <Section title="처음 한 번 따라 하기">
          <ol class="steps">
            <li>
              <a href="/platform.html">플랫폼 관리</a>에서 데모 플랫폼 운영자로 로그인하고 쇼핑몰을 등록해요.
            </li>
            <li>
              "이 쇼핑몰의 운영자로 정기배송 관리 열기"를 눌러 <strong>{TERMS.serviceApplication}</strong>에서 신청하기를 눌러요. 심사 서류가 보여요.
            </li>
            <li>플랫폼 관리로 돌아가 PG사 심사 결과를 승인하고, SMS·대량 메일 건수를 충전해요.</li>
            <li>정기배송 관리의 상품 탭에서 상품을 추가하거나 수정해 정기배송 상품으로 설정해요.</li>
            <li>
              상품 탭의 "상품 상세"를 눌러 구매자로 {TERMS.subscription}을 고르고 {TERMS.orderForm} → {TERMS.apply} → 샌드박스 카드 창에서 9410-0000-0000-0001로 등록해요.
            </li>
            <li>
              <a href="/dev.html">개발 콘솔</a>에서 "다음 결제 안내 실행까지"를 눌러 '{TERMS.paymentNotice}' 메일과 SMS를, "다음 결제 실행까지"를 눌러 결제를 확인해요. <a href="/my.html">나의 정기배송</a>과 정기배송 신청 내역에 회차가 보여요.
            </li>
          </ol>
        </Section>
      )}
    </Page>
  );
}

void boot(() => <Home />);
