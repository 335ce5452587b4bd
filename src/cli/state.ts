// What a command's action hands back to main: its exit code (kept apart from main.ts, which imports every
// command, so no command imports main).
export type ExitCode = number;

/** Set by a command's action; main returns it. */
export interface RunState {
  exitCode: ExitCode;
}
