/** The `from`/`to` range of Seoul dates the order routes read: `to` not before `from`. */
export const inOrder = (query: { readonly from?: string | undefined; readonly to?: string | undefined }) => query.from === undefined || query.to === undefined || query.from <= query.to;
export const notBefore = { path: ['to'], message: 'to is before from.' };
