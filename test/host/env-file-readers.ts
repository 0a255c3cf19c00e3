/*
 * Faithful ports of the two readers of /etc/mastodon/env.production, so a test can prove that a
 * value round-trips through both:
 * - systemd's EnvironmentFile= parser (src/basic/env-file.c, parse_env_file_internal, v252+)
 * - docker's --env-file parser (docker/cli opts/envfile.go, parseKeyValueFile)
 */

export function parseSystemdEnvironmentFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const WHITESPACE = ' \t\n\r';
  const NEWLINE = '\n\r';
  const COMMENTS = '#;';
  const SHELL_NEED_ESCAPE = '"\\`$';
  type State =
    | 'PRE_KEY'
    | 'KEY'
    | 'PRE_VALUE'
    | 'VALUE'
    | 'VALUE_ESCAPE'
    | 'SINGLE_QUOTE_VALUE'
    | 'DOUBLE_QUOTE_VALUE'
    | 'DOUBLE_QUOTE_VALUE_ESCAPE'
    | 'COMMENT'
    | 'COMMENT_ESCAPE';
  let state: State = 'PRE_KEY';
  let key = '';
  let value = '';
  let lastValueWhitespace = -1;
  let lastKeyWhitespace = -1;
  const push = () => {
    const k = lastKeyWhitespace >= 0 ? key.slice(0, lastKeyWhitespace) : key;
    out.set(k, value);
    key = '';
    value = '';
  };
  for (const c of text) {
    switch (state) {
      case 'PRE_KEY':
        if (COMMENTS.includes(c)) {
          state = 'COMMENT';
        } else if (!WHITESPACE.includes(c)) {
          state = 'KEY';
          lastKeyWhitespace = -1;
          key += c;
        }
        break;
      case 'KEY':
        if (NEWLINE.includes(c)) {
          state = 'PRE_KEY';
          key = '';
        } else if (c === '=') {
          state = 'PRE_VALUE';
          lastValueWhitespace = -1;
        } else {
          if (!WHITESPACE.includes(c)) lastKeyWhitespace = -1;
          else if (lastKeyWhitespace === -1) lastKeyWhitespace = key.length;
          key += c;
        }
        break;
      case 'PRE_VALUE':
        if (NEWLINE.includes(c)) {
          state = 'PRE_KEY';
          push();
        } else if (c === "'") {
          state = 'SINGLE_QUOTE_VALUE';
        } else if (c === '"') {
          state = 'DOUBLE_QUOTE_VALUE';
        } else if (c === '\\') {
          state = 'VALUE_ESCAPE';
        } else if (!WHITESPACE.includes(c)) {
          state = 'VALUE';
          value += c;
        }
        break;
      case 'VALUE':
        if (NEWLINE.includes(c)) {
          state = 'PRE_KEY';
          if (lastValueWhitespace >= 0) value = value.slice(0, lastValueWhitespace);
          push();
        } else if (c === '\\') {
          state = 'VALUE_ESCAPE';
          lastValueWhitespace = -1;
        } else {
          if (!WHITESPACE.includes(c)) lastValueWhitespace = -1;
          else if (lastValueWhitespace === -1) lastValueWhitespace = value.length;
          value += c;
        }
        break;
      case 'VALUE_ESCAPE':
        state = 'VALUE';
        if (!NEWLINE.includes(c)) value += c;
        break;
      case 'SINGLE_QUOTE_VALUE':
        if (c === "'") state = 'PRE_VALUE';
        else value += c;
        break;
      case 'DOUBLE_QUOTE_VALUE':
        if (c === '"') state = 'PRE_VALUE';
        else if (c === '\\') state = 'DOUBLE_QUOTE_VALUE_ESCAPE';
        else value += c;
        break;
      case 'DOUBLE_QUOTE_VALUE_ESCAPE':
        state = 'DOUBLE_QUOTE_VALUE';
        if (SHELL_NEED_ESCAPE.includes(c)) value += c;
        else if (c !== '\n') value += '\\' + c;
        break;
      case 'COMMENT':
        if (c === '\\') state = 'COMMENT_ESCAPE';
        else if (NEWLINE.includes(c)) state = 'PRE_KEY';
        break;
      case 'COMMENT_ESCAPE':
        state = NEWLINE.includes(c) ? 'PRE_KEY' : 'COMMENT';
        break;
    }
  }
  if (state === 'VALUE' && lastValueWhitespace >= 0) value = value.slice(0, lastValueWhitespace);
  if (
    [
      'PRE_VALUE',
      'VALUE',
      'VALUE_ESCAPE',
      'SINGLE_QUOTE_VALUE',
      'DOUBLE_QUOTE_VALUE',
      'DOUBLE_QUOTE_VALUE_ESCAPE',
    ].includes(state)
  ) {
    push();
  }
  return out;
}

export function parseDockerEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  // bufio.ScanLines: split on \n, drop one trailing \r.
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').replace(/^\s+/, '');
    if (line.length === 0 || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`docker would take ${line} from its own environment`);
    const name = line.slice(0, eq).replace(/^\s+/, '');
    if (/\s/.test(name) || name.length === 0) throw new Error(`docker rejects the variable name '${name}'`);
    out.set(name, line.slice(eq + 1));
  }
  return out;
}
