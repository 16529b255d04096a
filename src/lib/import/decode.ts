/**
 * Bytes → text. UTF-8 (with or without BOM) is tried strictly first; bytes that are not valid UTF-8 are
 * taken as Windows-1252, the usual encoding of CSVs saved by Excel on Windows. A trailing DOS end-of-file
 * byte (Ctrl-Z, 0x1A) is dropped: old statistics-package files end with one.
 */
export interface Decoded {
	text: string;
	encoding: 'utf-8' | 'utf-8-bom' | 'windows-1252' | 'utf-16le' | 'utf-16be';
}

/** Decode `bytes` as described above. Never throws. */
export function decodeText(bytes: Uint8Array): Decoded {
	// UTF-16 first, before any byte is dropped: its code units end in 0x00 (a final "\n" is 0A 00 in
	// UTF-16LE), so trimming NUL bytes would cut the last character in half and garble the last field.
	if (bytes[0] === 0xff && bytes[1] === 0xfe)
		return { text: stripZ(new TextDecoder('utf-16le').decode(bytes.subarray(2))), encoding: 'utf-16le' };
	if (bytes[0] === 0xfe && bytes[1] === 0xff)
		return { text: stripZ(new TextDecoder('utf-16be').decode(bytes.subarray(2))), encoding: 'utf-16be' };
	const { body, encoding } = byteBody(bytes);
	try {
		return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding };
	} catch {
		return { text: new TextDecoder('windows-1252').decode(body), encoding: 'windows-1252' };
	}
}

/** True when `bytes` start with a UTF-16 byte-order mark (the only UTF-16 files `decodeText` reads as such). */
export function isUtf16(bytes: Uint8Array): boolean {
	return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}

/**
 * The text bytes of a file that is not UTF-16: trailing Ctrl-Z/NUL bytes and a UTF-8 BOM removed
 * (a view, not a copy), and whether the BOM was there.
 */
export function byteBody(bytes: Uint8Array): { body: Uint8Array; encoding: 'utf-8' | 'utf-8-bom' } {
	let end = bytes.length;
	while (end > 0 && (bytes[end - 1] === 0x1a || bytes[end - 1] === 0x00)) end--;
	const body = bytes.subarray(0, end);
	return body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? { body: body.subarray(3), encoding: 'utf-8-bom' } : { body, encoding: 'utf-8' };
}

function stripZ(text: string): string {
	return text.replace(/[\u001a\u0000]+$/, '');
}
