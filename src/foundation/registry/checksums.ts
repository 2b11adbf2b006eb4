// Check characters of the two national identifiers the registries are keyed on: the resident ID
// (GB 11643-1999, ISO 7064 MOD 11-2) and the unified social credit code (GB 32100-2015, MOD 31, with
// the organisation code of GB 11714 inside it). Pure, so the demo generator and the fusion pipeline
// compute and validate them the same way.

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The 18th character of a resident ID from its first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error(`resident ID body must be 17 digits, got "${first17}"`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

export interface ResidentIdInfo {
  /** Six-digit administrative division where the number was first issued. */
  region: string;
  /** `yyyy-mm-dd`. */
  birthDate: string;
  sex: 'male' | 'female';
}

/** Region, birth date and sex of a well-formed resident ID with a correct check character; else null. */
export function residentIdInfo(id: string): ResidentIdInfo | null {
  const m = /^(\d{6})(\d{4})(\d{2})(\d{2})\d{2}(\d)[\dX]$/.exec(id);
  if (!m) return null;
  const [, region, y, mo, d, sexDigit] = m as unknown as [string, string, string, string, string, string];
  if (!isRealDate(Number(y), Number(mo), Number(d))) return null;
  if (residentIdCheckChar(id.slice(0, 17)) !== id[17]) return null;
  return { region, birthDate: `${y}-${mo}-${d}`, sex: Number(sexDigit) % 2 === 1 ? 'male' : 'female' };
}

export function isValidResidentId(id: string): boolean {
  return residentIdInfo(id) !== null;
}

function isRealDate(y: number, m: number, d: number): boolean {
  if (y < 1850 || m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** GB 32100's 31 code characters: digits and capitals without I, O, Z, S, V. */
export const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** The 18th character of a unified social credit code from its first 17. */
export function creditCodeCheckChar(first17: string): string {
  if (first17.length !== 17) throw new Error(`credit code body must be 17 characters, got "${first17}"`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_CHARS.indexOf(first17[i]!);
    if (value < 0) throw new Error(`"${first17[i]}" is not a credit code character`);
    sum += value * CREDIT_WEIGHTS[i]!;
  }
  return CREDIT_CODE_CHARS[(31 - (sum % 31)) % 31]!;
}

/** 18 code characters, a 6-digit division, an organisation code with its own check, and the check character. */
export function isValidCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  if (!isValidOrgCode(code.slice(8, 17))) return false;
  return creditCodeCheckChar(code.slice(0, 17)) === code[17];
}

/** The 9th character of an organisation code (GB 11714) from its first 8: digits and capitals A=10 … Z=35. */
export function orgCodeCheckChar(first8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(first8))
    throw new Error(`organisation code body must be 8 characters, got "${first8}"`);
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number.parseInt(first8[i]!, 36) * ORG_WEIGHTS[i]!;
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

export function isValidOrgCode(code: string): boolean {
  return /^[0-9A-Z]{8}[\dX]$/.test(code) && orgCodeCheckChar(code.slice(0, 8)) === code[8];
}
