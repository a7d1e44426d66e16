// A test that prints console.error fails: errors must be asserted, not logged and ignored.
const original = console.error.bind(console);
console.error = (...args: unknown[]) => {
  original(...args);
  throw new Error(`console.error was called during a test: ${args.map(String).join(' ').slice(0, 300)}`);
};
