// The AWS SDK's Node 20 support notice (printed once per test worker) says nothing about our code;
// every other process warning is still shown.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'NodeVersionSupportWarning' && !/NodeVersionSupportWarning/.test(w.message)) console.warn(`(node) ${w.name}: ${w.message}`);
});
