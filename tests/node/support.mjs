// Shared by the package tests (copied next to them into the consumer project).

/** Resolves with the first line a started server command prints (its URL); rejects if it exits first. */
export function firstLine(child) {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before printing a line`)));
  });
}
