// Terminal colour, only where a person is looking: a TTY, unless NO_COLOR is
// set (https://no-color.org); FORCE_COLOR forces it (for pagers and tests).

export interface Style {
  readonly on: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const id = (s: string) => s;
const sgr = (open: number, close: number) => (s: string) => (s === '' ? s : `\x1b[${open}m${s}\x1b[${close}m`);

export const PLAIN: Style = { on: false, bold: id, dim: id, red: id, green: id, yellow: id, cyan: id };
export const ANSI: Style = {
  on: true, bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39),
};

/** ANSI colour for `stream` when it is a terminal and NO_COLOR is unset, or when FORCE_COLOR is set (not "0"). */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return ANSI;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return PLAIN;
  return stream.isTTY === true ? ANSI : PLAIN;
}

/** Remove ANSI colour codes (for widths and tests). */
// eslint-disable-next-line no-control-regex
export const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');
