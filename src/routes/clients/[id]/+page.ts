// One client's page is a deep link to data that exists only in the browser: nothing to prerender.
// The static build serves it through the SPA fallback (200.html), so /clients/C00042 reloads fine.
export const prerender = false;
