/**
 * Experiment CSV parsing: RFC 4180 records (quoted fields may hold commas, quotes as "" and line
 * breaks), then the caller's column mapping turns each record into a UnitRow. A bad row is
 * reported by line and column and skipped; a bad header or mapping fails the whole import.
 * Tab-separated files are accepted when the header has more tabs than commas.
 */
import { invalid } from '../../core/index.ts';
import type { CovariateValue, ExperimentMapping, RowError, UnitRow } from './reports.types.ts';

export interface CsvRecord { line: number; fields: string[] }

/** Splits CSV text into records with the physical line each starts on. */
export function parseCsvRecords(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const nl = src.indexOf('\n');
  const head = nl < 0 ? src : src.slice(0, nl);
  const delim = [...head].filter((c) => c === '\t').length > [...head].filter((c) => c === ',').length ? '\t' : ',';
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1, start = 1;
  let quoted = false, atFieldStart = true;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line: start, fields });
    fields = []; field = ''; atFieldStart = true;
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && atFieldStart) { quoted = true; atFieldStart = false; continue; }
    if (ch === delim) { fields.push(field); field = ''; atFieldStart = true; continue; }
    if (ch === '\r' && src[i + 1] === '\n') continue;
    if (ch === '\n') { endRecord(); line++; start = line; continue; }
    field += ch;
    atFieldStart = false;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return out;
}

/** An outcome value: a finite number, or true/false as 1/0. */
export function parseOutcome(raw: string): number | undefined {
  const v = raw.trim();
  if (v === '') return undefined;
  const lower = v.toLowerCase();
  if (lower === 'true') return 1;
  if (lower === 'false') return 0;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** A covariate value: a number when it reads as one, null when empty, else the trimmed text. */
export function parseCovariate(raw: string): CovariateValue {
  const v = raw.trim();
  if (v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : v;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_ .-]{0,63}$/;

/** Throws the 400 a bad mapping deserves, naming the field. */
export function validateMapping(m: ExperimentMapping): void {
  if (typeof m.name !== 'string' || m.name.trim() === '' || m.name.length > 200) throw invalid('name', 'must be 1 to 200 characters');
  if (typeof m.arm !== 'string' || m.arm === '') throw invalid('arm', 'must name the arm column');
  if (!Array.isArray(m.outcomes) || m.outcomes.length === 0 || m.outcomes.length > 50) throw invalid('outcomes', 'must name 1 to 50 outcome columns');
  const covs = m.covariates ?? [];
  if (covs.length > 100) throw invalid('covariates', 'may name at most 100 columns');
  const seen = new Set<string>();
  for (const [field, names] of [['outcomes', m.outcomes], ['covariates', covs]] as const) {
    names.forEach((c, i) => {
      if (typeof c !== 'string' || !NAME.test(c)) throw invalid(`${field}[${i}]`, 'must be a column name (letters, digits, _ . - and spaces, up to 64)');
      if (seen.has(c) || c === m.arm || c === m.unit) throw invalid(`${field}[${i}]`, `column ${c} is used twice`);
      seen.add(c);
    });
  }
  for (const [name, pair] of Object.entries(m.ratios ?? {})) {
    if (!NAME.test(name)) throw invalid(`ratios.${name}`, 'is not a valid metric name');
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((p) => m.outcomes.includes(p))) throw invalid(`ratios.${name}`, 'must be [numerator, denominator], both outcomes');
  }
  for (const [arm, w] of Object.entries(m.weights ?? {})) if (!(typeof w === 'number' && w > 0)) throw invalid(`weights.${arm}`, 'must be a number > 0');
}

export interface MappedRows { rows: UnitRow[]; errors: RowError[]; records: number }

/**
 * Maps CSV records to unit rows. Without a unit column, a unit's id is `#` and its data row
 * number, counted from `firstUnit` (so a file sent in chunks keeps one numbering).
 */
export function mapExperimentRows(text: string, m: ExperimentMapping, firstUnit = 1): MappedRows {
  const records = parseCsvRecords(text);
  if (records.length === 0) throw invalid('body', 'is empty: expected a CSV header and rows');
  const header = records[0]!.fields.map((h) => h.trim());
  const col = (name: string, field: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw invalid(field, `column ${name} is not in the CSV header (${header.filter(Boolean).slice(0, 20).join(', ')})`);
    return i;
  };
  const armCol = col(m.arm, 'arm');
  const unitCol = m.unit ? col(m.unit, 'unit') : -1;
  const outCols = m.outcomes.map((o, i) => col(o, `outcomes[${i}]`));
  const covs = m.covariates ?? [];
  const covCols = covs.map((c, i) => col(c, `covariates[${i}]`));
  const rows: UnitRow[] = [];
  const errors: RowError[] = [];
  for (let r = 1; r < records.length; r++) {
    const { line, fields } = records[r]!;
    if (fields.length !== header.length) { errors.push({ line, field: '*', message: `has ${fields.length} fields, the header ${header.length}` }); continue; }
    const arm = fields[armCol]!.trim();
    if (arm === '') { errors.push({ line, field: m.arm, message: 'arm is empty' }); continue; }
    const outcomes: number[] = [];
    let bad: RowError | undefined;
    outCols.forEach((c, i) => {
      const v = parseOutcome(fields[c]!);
      if (v === undefined) bad ??= { line, field: m.outcomes[i]!, message: `is not a number: "${fields[c]!.slice(0, 40)}"` };
      else outcomes.push(v);
    });
    if (bad) { errors.push(bad); continue; }
    let unitId: string;
    if (unitCol >= 0) {
      unitId = fields[unitCol]!.trim();
      if (unitId === '' || unitId.length > 200) { errors.push({ line, field: m.unit!, message: 'unit id must be 1 to 200 characters' }); continue; }
    } else unitId = `#${firstUnit + r - 1}`;
    const covariates: Record<string, CovariateValue> = {};
    covCols.forEach((c, i) => { covariates[covs[i]!] = parseCovariate(fields[c]!); });
    rows.push({ unitId, arm, outcomes, covariates });
  }
  return { rows, errors, records: records.length - 1 };
}
