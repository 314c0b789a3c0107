/**
 * Line wrapping for text output, which fits a 100-column terminal. Applied before colour, so
 * that escape sequences never count as width.
 */

/** The width text output fits. */
export const TERMINAL_WIDTH = 100;

/** `text` in lines of at most `width` characters, broken between words (a longer word stays whole). */
export function wrapWords(text: string, width = TERMINAL_WIDTH): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
}

/**
 * `prefix` then `items` joined by ", " and closed with `end`, wrapped at the terminal width;
 * continuation lines start under the first item when the prefix is short (a table column),
 * else indented by two.
 */
export function wrapList(prefix: string, items: readonly string[], end = ''): string[] {
  const indent = ' '.repeat(prefix.length <= 30 ? prefix.length : 2);
  const lines: string[] = [];
  let line = prefix;
  let onLine = 0;
  items.forEach((item, i) => {
    const piece = item + (i < items.length - 1 ? ',' : end);
    if (onLine > 0 && line.length + 1 + piece.length > TERMINAL_WIDTH) {
      lines.push(line);
      line = indent + piece;
      onLine = 1;
    } else {
      line += (onLine > 0 ? ' ' : '') + piece;
      onLine++;
    }
  });
  lines.push(line);
  return lines;
}
