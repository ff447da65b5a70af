export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

// The most common passwords of breach lists (and ours), refused outright (ASVS 5 §6.2).
const COMMON = new Set(
  `12345678 123456789 1234567890 password password1 password123 qwertyui qwerty123 11111111 00000000
  iloveyou 1q2w3e4r 1qaz2wsx abcd1234 abc12345 sunshine princess football baseball welcome1 dragon12
  superman trustno1 letmein1 monkey12 passw0rd p@ssw0rd admin123 administrator changeme 87654321
  12341234 123123123 qwertyuiop asdfghjkl zxcvbnm1 senha123 senha1234 mudar123 12345678910 q1w2e3r4
  atende123 atendimento 88888888 99999999 12121212 asdfasdf minecraft charlie1 computer michelle`
    .split(/\s+/)
    .filter(Boolean),
);

export type PasswordProblem =
  | { key: 'auth.passwordTooShort'; params: { min: number } }
  | { key: 'auth.passwordTooLong'; params: { max: number } }
  | { key: 'auth.passwordCommon'; params: Record<string, never> };

/** No composition rules (ASVS 5): only length and a block-list. */
export function checkPasswordPolicy(password: string): PasswordProblem | null {
  const length = [...password.normalize('NFC')].length;
  if (length < PASSWORD_MIN) return { key: 'auth.passwordTooShort', params: { min: PASSWORD_MIN } };
  if (length > PASSWORD_MAX) return { key: 'auth.passwordTooLong', params: { max: PASSWORD_MAX } };
  if (COMMON.has(password.toLowerCase())) return { key: 'auth.passwordCommon', params: {} };
  return null;
}
