// <subscription-widget> in the pages' own JSX (the product page embeds it as shops do).
export {};

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements {
      'subscription-widget': HTMLAttributes<HTMLElement> & { shop: string; product: string; api?: string; 'order-url'?: string };
    }
  }
}
