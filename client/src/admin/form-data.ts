/** Reading a submitted form (uncontrolled inputs, native constraint validation first). */

export function submitted(event: SubmitEvent): FormData {
  event.preventDefault();
  return new FormData(event.currentTarget as HTMLFormElement);
}
export const str = (fd: FormData, name: string): string => {
  const v = fd.get(name);
  return typeof v === 'string' ? v.trim() : '';
};
export const bool = (fd: FormData, name: string): boolean => fd.get(name) !== null;
export const int = (fd: FormData, name: string): number => Number.parseInt(str(fd, name), 10);
export const all = (fd: FormData, name: string): string[] => fd.getAll(name).filter((v): v is string => typeof v === 'string');
/** Blank → null (the server clears the value). */
export const orNull = (s: string): string | null => (s === '' ? null : s);
/** A whole number, or null when left blank ("no limit"). */
export const intOrNull = (fd: FormData, name: string): number | null => (str(fd, name) === '' ? null : int(fd, name));
