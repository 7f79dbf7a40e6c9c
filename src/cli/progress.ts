/**
 * A one-line progress display on stderr when it is a terminal; silent
 * otherwise (logs and CI stay clean). Redraws at most ten times a second.
 */
export function createProgress(label: string, options: { total?: number } = {}) {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let lastDraw = 0;
  const draw = (done: number, extra: string) => {
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    let bar = '';
    if (options.total) {
      const share = Math.min(1, done / options.total);
      const width = 24;
      bar = `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] ${(share * 100).toFixed(0).padStart(3)}% `;
    }
    process.stderr.write(`\r${label} ${bar}${done.toLocaleString('en-US')} (${rate.toLocaleString('en-US')}/s) ${extra}\x1b[K`);
  };
  return {
    update(done: number, extra = '') {
      if (!tty) return;
      const now = Date.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      draw(done, extra);
    },
    done(done: number, extra = '') {
      if (!tty) return;
      draw(done, extra);
      process.stderr.write('\n');
    },
  };
}
