// A test that prints console.error fails: errors must be asserted, not logged and ignored. Only under the test
// runner (which marks its test processes with NODE_TEST_CONTEXT): benchmarks reuse these helpers and report errors.
if (process.env.NODE_TEST_CONTEXT) {
  const original = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    original(...args);
    throw new Error(`console.error was called during a test: ${args.map(String).join(' ').slice(0, 300)}`);
  };
}
