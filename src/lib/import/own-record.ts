/**
 * A zod record whose keys stay data. zod's own `z.record` rebuilds the object by assignment, and an
 * assignment to `__proto__` sets the prototype instead of adding a key, so a mapping label, a checkbox
 * column or an attribute named `__proto__` (all from a user's file or a shared bundle) silently
 * vanished. Here every key is checked with `key`, every value with `value`, and each entry is
 * defined as an own property.
 */
import { z } from 'zod';

export function ownRecord<T extends z.ZodType>(value: T, key: z.ZodType<string> = z.string()) {
	return z.unknown().transform((input, ctx): Record<string, z.output<T>> => {
		const out: Record<string, z.output<T>> = {};
		if (input === null || typeof input !== 'object' || Array.isArray(input)) {
			ctx.addIssue({ code: 'custom', message: 'expected an object of key → value pairs' });
			return z.NEVER;
		}
		for (const [k, v] of Object.entries(input)) {
			const kr = key.safeParse(k);
			if (!kr.success) for (const issue of kr.error.issues) ctx.addIssue({ ...issue, path: [k] } as Parameters<typeof ctx.addIssue>[0]);
			const r = value.safeParse(v);
			if (r.success) Object.defineProperty(out, k, { value: r.data, enumerable: true, writable: true, configurable: true });
			else for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: [k, ...issue.path] } as Parameters<typeof ctx.addIssue>[0]);
		}
		return out;
	});
}
