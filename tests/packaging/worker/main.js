// No bundler: the page starts a module worker and sends it the inputs; the worker answers.
async function run() {
  const inputs = await (await fetch('../inputs.json')).json();
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(`worker failed: ${e.message}`));
    worker.postMessage(inputs);
  });
}

window.kjbResults = run().catch((e) => ({ failed: String(e && e.stack ? e.stack : e) }));
window.kjbResults.then((r) => {
  document.getElementById('out').textContent = JSON.stringify(r, null, 2);
});
