import { ASK_ABOVE_LINES, composerLines } from './composer-input.js';

/** Lines the composer grows to before it scrolls. */
const MAX_ROWS = 8;

/**
 * The message box: Enter sends, Shift+Enter starts a new line. What it holds goes as one
 * message per line, like Slack and The Lounge; more than ASK_ABOVE_LINES lines only after
 * the user agrees (a paste of a whole log into a room is more often a slip than a wish).
 * `submit` gets a single line as typed (it may be a /command), several as plain text.
 */
export function setUpComposer(
  form: HTMLFormElement,
  input: HTMLTextAreaElement,
  submit: (input: string, multiline: boolean) => void,
): { grow(): void } {
  const grow = () => {
    input.style.height = 'auto';
    const line = Number.parseFloat(getComputedStyle(input).lineHeight) || 20;
    const chrome = input.offsetHeight - input.clientHeight + 16;
    input.style.height = `${Math.min(input.scrollHeight, line * MAX_ROWS + chrome)}px`;
  };
  input.addEventListener('input', grow);
  input.addEventListener('keydown', (event) => {
    // isComposing: Enter that ends an input-method composition (Japanese, Chinese) is not a send.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const lines = composerLines(input.value);
    if (lines.length === 0) return;
    if (
      lines.length > ASK_ABOVE_LINES &&
      !window.confirm(`Send these ${lines.length} lines as ${lines.length} messages?`)
    ) {
      return;
    }
    input.value = '';
    grow();
    if (lines.length === 1) submit(lines[0]!, false);
    else for (const line of lines) submit(line, true);
  });
  return { grow };
}
