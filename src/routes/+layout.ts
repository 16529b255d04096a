// A fully client-side app: every route is a prerendered shell, data lives only in the browser.
export const prerender = true;
export const ssr = false;
export const trailingSlash = 'never';
