import { z } from 'zod';

// The page's Content-Security-Policy forbids eval; zod would otherwise probe `Function('')` for its
// JIT and trip a CSP violation report. Client hooks load before any page module, so this runs
// before the first schema is used. Workers (no page CSP) keep zod's faster JIT path.
z.config({ jitless: true });
