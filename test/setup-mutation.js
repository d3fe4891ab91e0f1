// Only for jest.stryker.config.js (`npm run mutate`), never for `npm test`:
// - the engine harness loads the TypeScript sources instead of dist/, so the mutants Stryker puts
//   into the sources are what the engine tests run (test/harness/engine.ts);
// - the bulk suites run smaller: the two 1,000-item runs of resilience.test.ts are skipped and the
//   signature fuzz sends 500 random requests instead of 5,000 (a surviving mutant runs every test
//   that covers it; at full size these two files were half of each run). `npm test` runs them whole.
process.env.CHARGEPILOT_TEST_LOAD = 'source';
process.env.CHARGEPILOT_TEST_BULK = 'skip';
process.env.FUZZ_COUNT = process.env.FUZZ_COUNT || '500';
