/**
 * MMRM against R (nlme 3.1, R 4.2) on the riesby data: HAM-D at weeks 1–5 (sessions) with the
 * week-0 score as baseline, by endogenous/reactive depression. R was the oracle, run once:
 *
 * library(nlme)
 * d <- read.table("tests/fixtures/refdata/riesby/riesby.dat", na.strings=".", col.names=c("id","hamd","int","week","endog","endweek"))
 * d$endog <- factor(ifelse(d$endog==1,"endogenous","reactive"))
 * bl <- d[d$week==0 & !is.na(d$hamd), c("id","hamd")]; names(bl)[2] <- "baseline"
 * post <- merge(d[d$week>=1 & d$week<=5 & !is.na(d$hamd),], bl, by="id")
 * post$session <- post$week; post$k <- post$week; post$score <- post$hamd; post$group <- post$endog
 * post <- post[order(post$id, post$session),]            # n obs 289, subjects 61
 * fit <- gls(score ~ baseline + factor(session) * group, data = post,
 *   correlation = corSymm(form = ~ k | id), weights = varIdent(form = ~ 1 | session), method = "REML",
 *   control = glsControl(tolerance = 1e-10, msTol = 1e-10, maxIter = 500, msMaxIter = 500))
 * summary(fit)$tTable
 *                                         Value    Std.Error       t-value       p-value
 * (Intercept)                     11.8234242135 2.6796880659  4.4122390079 1.464805130e-05
 * baseline                         0.4764686200 0.1079505126  4.4137689448 1.455162125e-05
 * factor(session)2                -3.6829135180 0.9388456782 -3.9228103229 1.103493094e-04
 * factor(session)3                -5.6213741271 1.1323094347 -4.9645211415 1.203028090e-06
 * factor(session)4                -8.6703317412 1.3144833060 -6.5959998897 2.123997142e-10
 * factor(session)5               -10.1450887114 1.5113185576 -6.7127401172 1.071206680e-10
 * groupreactive                   -2.0729591980 1.0753918113 -1.9276315629 5.491962765e-02
 * factor(session)2:groupreactive   0.2305527471 1.3731754772  0.1678975127 8.667859832e-01
 * factor(session)3:groupreactive   0.4428026985 1.6519103764  0.2680549168 7.888558329e-01
 * factor(session)4:groupreactive   0.8846174555 1.9126569332  0.4625071230 6.440794850e-01
 * factor(session)5:groupreactive   0.9538934471 2.1843471765  0.4366949803 6.626715521e-01
 * logLik(fit)  'log Lik.' -837.387324902 (df=26);  AIC 1726.7746498;  BIC 1821.09279876
 * getVarCov(fit) diagonal: 16.663992 25.901823 39.482662 48.624480 58.824472; [1,2] 7.452228, [4,5] 36.655421
 * # LS means at the mean baseline of the rows analysed, and the last-session difference:
 * b <- coef(fit); V <- vcov(fit); df <- nrow(post) - length(b); bm <- mean(post$baseline)   # 23.3598615917, df 278
 * cvec <- function(s, g) { x <- c(1, bm, as.numeric(2:5 == s), as.numeric(g == "reactive")); c(x, x[7] * x[3:6]) }
 * # estimate and SE of sum(cvec(s, g) * b):
 * endogenous 1 22.95366523 0.7421762495    reactive 1 20.88070603 0.7739405816
 * endogenous 5 12.80857652 1.410596441     reactive 5 11.68951077 1.478974959
 * L <- cvec(5, "reactive") - cvec(5, "endogenous")   # estimate, SE, CI (t, df 278), p:
 * last session difference -1.1190657509  2.0459000229 -5.1464894548  2.9083579529  0.5848314791
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine, type NodeConnector } from '../../src/lib/engine/node';
import { mmrmModels, type MmrmRow } from '../../src/lib/metrics/mmrm';
import { loadRefdata } from './metrics-fixtures';

const R_COEF: [string, number, number][] = [
	['(Intercept)', 11.8234242135, 2.6796880659],
	['baseline', 0.47646862, 0.1079505126],
	['factor(session)2', -3.682913518, 0.9388456782],
	['factor(session)3', -5.6213741271, 1.1323094347],
	['factor(session)4', -8.6703317412, 1.314483306],
	['factor(session)5', -10.1450887114, 1.5113185576],
	['endogreactive', -2.072959198, 1.0753918113],
	['factor(session)2:endogreactive', 0.2305527471, 1.3731754772],
	['factor(session)3:endogreactive', 0.4428026985, 1.6519103764],
	['factor(session)4:endogreactive', 0.8846174555, 1.9126569332],
	['factor(session)5:endogreactive', 0.9538934471, 2.1843471765]
];

describe('MMRM (unstructured, REML) matches nlme::gls on riesby', () => {
	let m: MmrmRow;
	beforeAll(async () => {
		const db: NodeConnector = await openNodeEngine();
		await loadRefdata(db, 'riesby');
		m = (await mmrmModels(db, { groupBy: 'endog' })).rows[0];
		db.close();
	});

	it('uses the same rows: 289 scores of 61 series, sessions 1–5 (default K = 5), df 278', () => {
		expect(m).toMatchObject({ type: 'mmrm', n_obs: 289, n_clients: 61, sessions: [1, 2, 3, 4, 5], last_session: 5, groups: ['endogenous', 'reactive'], converged: true });
		expect(m.fixed.every((f) => f.df === 278)).toBe(true);
		expect(m.baseline_at).toBeCloseTo(23.3598615917, 8);
	});

	it('fixed effects and SEs to 1e-4, logLik/AIC/BIC to 1e-4', () => {
		expect(m.fixed.map((f) => f.term)).toEqual(R_COEF.map((c) => c[0]));
		for (const [term, est, se] of R_COEF) {
			const f = m.fixed.find((x) => x.term === term)!;
			expect(Math.abs(f.estimate - est), term).toBeLessThan(1e-4);
			expect(Math.abs(f.se - se), term).toBeLessThan(1e-4);
		}
		expect(Math.abs(m.loglik - -837.387324902)).toBeLessThan(1e-4);
		expect(Math.abs(m.aic - 1726.7746498)).toBeLessThan(1e-4);
		expect(Math.abs(m.bic - 1821.09279876)).toBeLessThan(1e-4);
	});

	it('covariance across sessions to 1e-3', () => {
		const diag = [16.663992, 25.901823, 39.482662, 48.62448, 58.824472];
		diag.forEach((v, i) => expect(Math.abs(m.covariance[i][i] - v)).toBeLessThan(1e-3));
		expect(Math.abs(m.covariance[0][1] - 7.452228)).toBeLessThan(1e-3);
		expect(Math.abs(m.covariance[3][4] - 36.655421)).toBeLessThan(1e-3);
	});

	it('LS means and the last-session difference (reactive − endogenous) to 1e-4', () => {
		const ls = (s: number, g: string) => m.ls_means.find((x) => x.session === s && x.group === g)!;
		for (const [s, g, est, se] of [
			[1, 'endogenous', 22.95366523, 0.7421762495],
			[5, 'endogenous', 12.80857652, 1.410596441],
			[1, 'reactive', 20.88070603, 0.7739405816],
			[5, 'reactive', 11.68951077, 1.478974959]
		] as const) {
			expect(Math.abs(ls(s, g).estimate - est)).toBeLessThan(1e-4);
			expect(Math.abs(ls(s, g).se - se)).toBeLessThan(1e-4);
		}
		const d = m.last_session_difference!;
		expect(d).toMatchObject({ group: 'reactive', reference: 'endogenous', session: 5, df: 278 });
		expect(Math.abs(d.estimate - -1.1190657509)).toBeLessThan(1e-4);
		expect(Math.abs(d.se - 2.0459000229)).toBeLessThan(1e-4);
		expect(Math.abs(d.ci_low - -5.1464894548)).toBeLessThan(1e-4);
		expect(Math.abs(d.ci_high - 2.9083579529)).toBeLessThan(1e-4);
		expect(Math.abs(d.p - 0.5848314791)).toBeLessThan(1e-4);
		expect(m.df_method).toMatch(/N − p/);
	});
});
