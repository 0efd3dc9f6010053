/** Output helpers that reproduce the `snap` command's formatting. */

/**
 * Aligns tab-separated rows like Go's tabwriter as `snap` configures it (minwidth 5, padding 2,
 * padded with spaces): every cell but the last of a row is padded to its column's width.
 */
export function tabulate(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.slice(0, -1).forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, Math.max(5, cell.length + 2));
    });
  }
  return rows
    .map((row) => row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell)).join(''))
    .map((line) => `${line}\n`)
    .join('');
}

/** Width of the text after `error: ` when snap fills a message (80 columns, minus one, minus the prefix). */
const FILL_WIDTH = 79 - 'error: '.length;

/**
 * Reflows a message as `snap` does before printing it after `error: `: paragraphs are wrapped
 * at 72 columns and continuation lines are indented under the message.
 */
export function fill(message: string, indent = 'error: '.length, width = FILL_WIDTH): string {
  const pad = ' '.repeat(indent);
  const paragraphs = message.trim().split(/\n\s*\n/);
  const out = paragraphs.map((para) => {
    const words = para.split(/\s+/).filter((w) => w !== '');
    const lines: string[] = [];
    let line = '';
    for (const word of words) {
      if (line !== '' && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    if (line !== '') lines.push(line);
    return lines.join(`\n${pad}`);
  });
  return out.join(`\n\n${pad}`);
}

export interface Publisher {
  readonly username: string;
  readonly 'display-name': string;
  readonly validation: string;
}

/** The verified mark: ✓ on a UTF-8 terminal, ** otherwise (snap's `--unicode=auto`). */
const mark = (publisher: Publisher, unicode: boolean): string =>
  publisher.validation === 'verified' ? (unicode ? '✓' : '**') : publisher.validation === 'starred' ? '*' : '';

/** `snap list`'s Publisher column: the username with its mark. */
export const shortPublisher = (publisher: Publisher, unicode: boolean): string =>
  `${publisher.username}${mark(publisher, unicode)}`;

/** The publisher as `snap install` names it: the display name (and the username if they differ). */
export function longPublisher(publisher: Publisher, unicode: boolean): string {
  const display = publisher['display-name'];
  const name =
    display.toLowerCase() === publisher.username.toLowerCase() ? display : `${display} (${publisher.username})`;
  return `${name}${mark(publisher, unicode)}`;
}
