// Captures what a kairos command writes, for tests that run the CLI in-process.
import type { CliIo } from '../../src/cli/kairos';

export function captureIo(): CliIo & { text(): string } {
  const chunks: string[] = [];
  return {
    out: (text) => void chunks.push(text),
    err: (text) => void chunks.push(text),
    text: () => chunks.join(''),
  };
}
