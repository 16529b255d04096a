/**
 * The size limit of a file read as text, in a module of its own so the Data page's up-front check
 * (ImportPanel) uses it without loading the readers.
 *
 * The longest string V8 makes (Chromium and Node): 2^29 − 24 characters. Decoding more bytes than that
 * into one string does not fail in Chromium, it returns "" — which read as "the file is empty" for a
 * 1.2 GB CSV. A UTF-8 character is at least one byte, so a file within this many bytes always fits.
 */
export const MAX_TEXT_BYTES = 2 ** 29 - 24;
