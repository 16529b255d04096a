import { describe, expect, it } from 'vitest';
import { ageBand, detectIdentifiers, readTable, type Mapping } from '../../src/lib/import/index';
import { enc, importText } from '../fixtures/import/helpers';

const TEXT = [
	'client_id,full_name,contact,phone_number,home,mrn,ssn_like,dob,visit_date,age,route,instrument,phase,session,score,site',
	'c1,Ann Lee,ann@example.org,(555) 123-4567,12 Main Street,A-1,123-45-6789,1950-02-03,2024-01-10,93,iv,phq9,baseline,0,20,n',
	'c1,Ann Lee,ann@example.org,(555) 123-4567,12 Main Street,A-1,123-45-6789,1950-02-03,2024-01-24,93,iv,phq9,session,1,14,n',
	'c2,Bo Park,bo@example.org,555.987.6543,9 Oak Ave,A-2,987-65-4321,1980-07-08,03/01/2024,44,iv,phq9,baseline,0,18,s',
	'c2,Bo Park,bo@example.org,555.987.6543,9 Oak Ave,A-2,987-65-4321,1980-07-08,03/15/2024,44,iv,phq9,session,1,9,s'
].join('\n');

describe('identifier columns', async () => {
	const raw = await readTable(enc(TEXT), 'x.csv');
	const flags = new Map(detectIdentifiers(raw).map((f) => [f.column, f.reason]));
	it.each([
		['full_name', /person name/],
		['contact', /e-mail/],
		['phone_number', /phone/],
		['home', /street address/],
		['mrn', /medical record/],
		['ssn_like', /SSN/],
		['dob', /date of birth/],
		['visit_date', /exact date/],
		['age', /over 89/]
	])('%s is flagged', (column, reason) => expect(flags.get(column)).toMatch(reason));
	it('score, route, site and client_id columns are not flagged', () => {
		for (const c of ['client_id', 'route', 'instrument', 'score', 'site', 'session']) expect(flags.has(c)).toBe(false);
	});
	it('flag reasons do not repeat the identifying value', () => {
		expect([...flags.values()].join(' ')).not.toMatch(/ann@|Ann|123-45/);
	});
});

describe('guard on import', () => {
	const base: Mapping = {
		version: 1,
		client_id: 'client_id',
		route: { column: 'route' },
		measures: [{ instrument: { column: 'instrument' }, phase: { column: 'phase' }, session: { column: 'session' }, score: 'score' }],
		attributes: [
			{ column: 'full_name', as: 'name' },
			{ column: 'contact', as: 'email' },
			{ column: 'site', as: 'site' },
			{ column: 'visit_date', as: 'visit_day', transform: 'relative_days' },
			{ column: 'age', as: 'age_band', transform: 'age_band' },
			{ column: 'age', as: 'age', transform: 'age_cap' }
		]
	};
	it('drops flagged columns with a warning, keeps transformed ones: relative days, 90+', async () => {
		const { o } = await importText(TEXT, 'x.csv', base);
		expect(o.extraColumns).toEqual(['visit_day', 'age']);
		expect(o.rows[0]).not.toHaveProperty('name');
		expect(o.rows[0]).not.toHaveProperty('email');
		expect(o.report.warnings.filter((w) => /not imported: it looks like an identifier/.test(w.reason)).map((w) => w.reason.split('"')[1])).toEqual(['full_name', 'contact']);
		expect(o.rows.map((r) => r.visit_day)).toEqual(['0', '14', '0', '14']);
		expect(o.rows.map((r) => r.age_band)).toEqual(['90+', '90+', '40–49', '40–49']);
		expect(o.rows.map((r) => r.age)).toEqual(['90+', '90+', '44', '44']);
	});
	it('imports a flagged column when the user insists', async () => {
		const { o } = await importText(TEXT, 'x.csv', { ...base, include_identifiers: ['contact'] });
		expect(o.rows[0].email).toBe('ann@example.org');
		expect(o.rows[0]).not.toHaveProperty('name');
	});
	it('warns when the client id itself looks like an identifier', async () => {
		const { o } = await importText(TEXT, 'x.csv', { ...base, client_id: 'mrn' });
		expect(o.report.warnings[0].reason).toMatch(/client id column "mrn" looks like an identifier/);
	});
	it('age bands', () => {
		expect([17, 18, 29, 30, 45, 89, 90, 104].map(ageBand)).toEqual(['<18', '18–29', '18–29', '30–39', '40–49', '80–89', '90+', '90+']);
	});
});
