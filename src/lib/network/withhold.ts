import type { Bundle } from './schema';

/** Apply the privacy policy to a bundle (placeholder until the policy module lands: only min_cell 0). */
export function withholdBundle(b: Bundle): Bundle {
	if (b.min_cell > 0) throw new Error('not yet');
	return b;
}
