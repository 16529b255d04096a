// A client-side app: every route is prerendered, and every route but `/` as an empty shell. `/` is
// rendered when the site is built, with the synthetic demo's figures computed then from the files the
// build ships (+page.server.ts). There is no server at run time; a user's data live only in the browser.
export const prerender = true;
export const ssr = false;
export const trailingSlash = 'never';
